"""What the API reads and writes. Decimal values are JSON numbers; dates are ISO 8601 strings."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, AliasChoices, BeforeValidator, field_validator

from initiatives.models import State
from initiatives.portfolio import PortfolioFilterForm
from metrics.measurements import MeasurementError, parse_date, parse_value
from metrics.status import ShownStatus

MAX_ID = 2**63 - 1
MAX_BATCH = 1000
MAX_NOTE = 500

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Number = float | None


def _clean_text(value: str) -> str:
    # PostgreSQL cannot store NUL characters, and lone surrogates are not text.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Text = Annotated[str, AfterValidator(_clean_text)]


def _date_as_text(value: object) -> object:
    """A date is text, read by the same parser as the form and the import: pydantic alone would
    read 0 (or "0") as a Unix timestamp, 1970-01-01, and accept year 1 or 9999."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(MeasurementError("bad_date", date=str(value)[:100]).message)
    try:
        return parse_date(value)
    except MeasurementError as error:
        raise ValueError(error.message) from None


Date = Annotated[dt.date, BeforeValidator(_date_as_text)]


# Errors ----------------------------------------------------------------------------------------


class ErrorItem(Schema):
    loc: list[str | int] = Field(description="Where the problem is, e.g. body.measurements.3.date")
    message: str
    code: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 422, 429), ErrorOut)


# Pages -----------------------------------------------------------------------------------------


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    page_size: int = Field(50, ge=1, le=200, description="Items per page, at most 200.")


class PageOut(Schema):
    count: int = Field(description="Items on all pages together.")
    page: int
    pages: int
    page_size: int
    next: str | None = Field(description="The next page's address, if any.")
    previous: str | None


# Initiatives -----------------------------------------------------------------------------------

SORTS = tuple(value for value, _label in PortfolioFilterForm.base_fields["sort"].choices)


class InitiativeFilters(PageParams):
    """The portfolio page's filters, with the same meaning."""

    q: Text | None = Field(None, max_length=100, description="Words in the title or problem.")
    organisation: Id | None = Field(None, description="An organisation id: it and its subtree.")
    phase: int | None = Field(None, ge=1, le=5)
    state: Literal[tuple(State.values)] | None = None
    kpi_status: Literal[tuple(ShownStatus.values)] | None = Field(
        None, description="The initiative's worst KPI status, or stopped or completed."
    )
    tag: Text | None = Field(None, max_length=100)
    benefit_month: str | None = Field(
        None,
        pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$",
        description="Initiatives with a benefit expected in this month, YYYY-MM.",
    )
    sort: Literal[SORTS] | None = Field(None, description="A leading - sorts largest first.")


class OrganisationOut(Schema):
    id: int
    name: str


class SignalOut(Schema):
    code: str = Field(
        description="money_no_change, digitised_not_renewed, freed_time_not_moved, "
        "not_in_budget, nobody_owns_it, continuing_despite_failing or stuck."
    )
    label: str
    severity: Literal["stop", "fix"]
    evidence: str = Field(description="Why it fires, in one sentence in the caller's language.")
    advice: str


class InitiativeOut(Schema):
    id: int
    title: str
    organisation: OrganisationOut
    owner: str | None
    phase: int
    phase_label: str
    state: str
    state_label: str
    tags: list[str]
    uses_ai: bool
    start_date: dt.date | None
    end_date: dt.date | None
    kpi_status: str = Field(
        description="The worst status among the initiative's KPIs; stopped or completed once "
        "the initiative is."
    )
    kpi_status_counts: dict[str, int]
    planned_benefit_eur_per_year: float
    realised_benefit_eur: float
    planned_fte: float
    realised_fte: float
    investment_eur: Number = Field(
        description="The single budget figure entered with the initiative (see planned_eur)."
    )
    planned_eur: float = Field(
        description="The planned budget: the sum of the yearly budgets, or investment_eur "
        "before any is entered."
    )
    spent_eur: float = Field(description="The spend recorded to date, all months.")
    next_review: dt.date | None
    overdue: bool = Field(description="A KPI measurement or a monthly review is overdue.")
    verdict: Literal["stop", "fix", "scale"] | None = Field(
        None,
        description="The paradox radar's verdict: a stop candidate, needs fixing, ready to scale.",
    )
    signals: list[SignalOut] = Field(
        default_factory=list, description="The paradox signals that fire, with their evidence."
    )
    days_in_phase: int | None = None
    url: str = Field(description="The initiative's page in Renewal.")


class InitiativePage(PageOut):
    results: list[InitiativeOut]


# KPIs ------------------------------------------------------------------------------------------


class KPIFilters(PageParams):
    initiative: Id | None = None
    status: Literal[tuple(ShownStatus.values)] | None = None


class KPIOut(Schema):
    id: int
    initiative_id: int
    name: str
    description: str
    unit: str
    direction: str
    value_area: str
    cadence: str
    baseline_value: Number
    baseline_date: dt.date | None
    baseline_source: str
    target_value: Number
    target_date: dt.date | None
    data_source: str
    owner: str | None
    status: str = Field(
        description="on_track, at_risk, off_track, no_data or no_plan; stopped or completed "
        "when its initiative is."
    )
    status_label: str
    latest_value: Number
    latest_date: dt.date | None
    overdue: bool = Field(description="The latest measurement is older than the cadence allows.")


class KPIPage(PageOut):
    results: list[KPIOut]


class MilestoneOut(Schema):
    date: dt.date
    value: float


class KPIDetailOut(KPIOut):
    planned_value_today: Number
    projected_date: dt.date | None = Field(description="When the recent trend reaches the target.")
    target_reached: bool
    milestones: list[MilestoneOut]


class InitiativeDetailOut(InitiativeOut):
    problem: str
    change_for_citizens: str
    change_in_cost_efficiency: str
    kpis: list[KPIOut]


# Measurements ----------------------------------------------------------------------------------


class MeasurementFilters(PageParams):
    date_from: Date | None = Field(None, description="On or after this date.")
    date_to: Date | None = Field(None, description="On or before this date.")


class MeasurementOut(Schema):
    id: int
    kpi_id: int
    date: dt.date
    value: float
    note: str
    entered_by: str | None
    entered_at: dt.datetime
    implausible: bool = Field(
        False,
        description="The value is far outside the KPI's baseline, target and recent values. It "
        "was stored; check it at the source.",
    )
    warning: str | None = Field(None, description="Why the value was flagged, in words.")


class MeasurementPage(PageOut):
    results: list[MeasurementOut]


class MeasurementIn(Schema):
    date: Date = Field(description="The day the value applies to; not in the future.")
    value: Annotated[Decimal, Field(max_digits=16, decimal_places=4, allow_inf_nan=False)] = Field(
        description="At most 12 digits before and 4 after the decimal point."
    )
    note: Text = Field("", max_length=MAX_NOTE)

    @field_validator("value", mode="before")
    @classmethod
    def _written_as_a_person_would(cls, value):
        """Text goes through the same parser as the form and the file import (no 1e6)."""
        if isinstance(value, str):
            try:
                return parse_value(value)
            except MeasurementError as error:
                raise ValueError(error.message) from None
        return value


class BatchItemIn(MeasurementIn):
    # "kpi_id" too, as the API names it in what it returns, so output can be sent back as it is.
    kpi: Id = Field(
        validation_alias=AliasChoices("kpi", "kpi_id"),
        description="The KPI's id (also accepted as kpi_id).",
    )


class BatchIn(Schema):
    measurements: list[BatchItemIn] = Field(min_length=1, max_length=MAX_BATCH)


class BatchOut(Schema):
    created: int
    updated: int
    measurements: list[MeasurementOut]


# Spend -----------------------------------------------------------------------------------------

Raw = str | int | float | None


class BudgetYearOut(Schema):
    year: int
    amount_eur: float


class SpendMonthOut(Schema):
    month: str = Field(description="The month, YYYY-MM.")
    amount_eur: float
    person_months: Number
    note: str


class SpendOut(Schema):
    initiative_id: int
    planned_eur: float
    spent_eur: float
    budget: list[BudgetYearOut]
    months: list[SpendMonthOut]


class SpendMonthIn(Schema):
    # Checked by the spend rules (initiatives.spend), as the form and the file import are.
    month: Raw = Field(description="YYYY-MM (or M/YYYY); not in the future.")
    amount_eur: Raw = Field(description="EUR spent in the month; at least 0, two decimals.")
    person_months: Raw = Field(None, description="Optional work done, in person-months.")
    note: Text = Field("", max_length=MAX_NOTE)


class SpendIn(Schema):
    months: list[SpendMonthIn] = Field(min_length=1, max_length=MAX_BATCH)


class SpendWriteOut(SpendOut):
    created: int
    updated: int


# The caller ------------------------------------------------------------------------------------


class MembershipOut(Schema):
    organisation: OrganisationOut
    role: str


class TokenOut(Schema):
    name: str
    prefix: str
    scope: str


class MeOut(Schema):
    username: str
    name: str
    token: TokenOut
    memberships: list[MembershipOut]
