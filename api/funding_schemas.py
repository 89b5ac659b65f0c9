"""What the funding endpoints read and write (api/funding.py)."""

import datetime as dt

from ninja import Field, Schema

from api.schemas import Number, PageOut, PageParams, Text
from funding.models import ApplicationState

MAX_NARRATIVE = 20_000


class ApplicationFilters(PageParams):
    state: ApplicationState | None = Field(None, description="Only applications in this state.")


class CallOut(Schema):
    id: int
    name: str
    funder: str


class ApplicationOut(Schema):
    id: int
    initiative_id: int
    initiative: str
    organisation: str
    call: CallOut
    state: str
    state_label: str
    amount_requested_eur: float
    period_start: dt.date
    period_end: dt.date
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    url: str


class ApplicationPage(PageOut):
    results: list[ApplicationOut]


class CommittedKPIOut(Schema):
    kpi_id: int | None = Field(description="The live KPI; null once it was deleted.")
    name: str
    unit: str
    direction: str
    baseline_value: Number
    baseline_date: dt.date | None
    target_value: Number
    target_date: dt.date | None


class CommittedBenefitOut(Schema):
    benefit_id: int | None
    description: str
    kind: str
    is_disbenefit: bool
    quantity: Number
    unit: str
    expected_date: dt.date | None


class CommitmentOut(Schema):
    frozen_at: dt.datetime
    initiative_title: str
    phase: int
    problem: str
    change_for_citizens: str
    change_in_cost_efficiency: str
    amount_requested_eur: float
    period_start: dt.date
    period_end: dt.date
    kpis: list[CommittedKPIOut]
    benefits: list[CommittedBenefitOut]


class KPIComparisonOut(Schema):
    kpi_id: int | None
    name: str
    committed_target_value: Number
    committed_target_date: dt.date | None
    current_target_value: Number
    current_target_date: dt.date | None
    latest_value: Number
    latest_date: dt.date | None
    status: str | None
    trend: str | None
    projected_date: dt.date | None = Field(
        description="When the recent trend reaches the committed target, if it does."
    )
    flags: list[str] = Field(description="removed, weakened, postponed, baseline_changed.")


class BenefitComparisonOut(Schema):
    benefit_id: int | None
    description: str
    committed_quantity: Number
    expected_date: dt.date | None
    realised: float
    realised_by_expected_date: Number
    overdue: bool
    flags: list[str] = Field(description="removed, reduced, postponed.")


class ComparisonOut(Schema):
    as_of: dt.date
    kpis: list[KPIComparisonOut]
    benefits: list[BenefitComparisonOut]


class ProgressSummaryOut(Schema):
    id: int
    application_id: int
    due_on: dt.date
    state: str
    requested_at: dt.datetime
    submitted_at: dt.datetime | None
    url: str


class ApplicationDetailOut(ApplicationOut):
    summary: str
    commitment: CommitmentOut | None = Field(description="Null while a draft.")
    comparison: ComparisonOut | None
    progress_reports: list[ProgressSummaryOut]


class CommentOut(Schema):
    author: str | None
    body: str
    created_at: dt.datetime


class ProgressReportOut(ProgressSummaryOut):
    request_note: str
    narrative: str = Field(
        description="The submitted narrative; the draft only for the applicant's organisation."
    )
    figures: dict = Field(
        description="The initiative's KPIs, benefits, spend and signals: frozen when submitted, "
        "live before. Decimal figures are strings."
    )
    submitted_by: str | None
    comments: list[CommentOut]


class ProgressReportPage(PageOut):
    results: list[ProgressSummaryOut]


class ProgressSubmitIn(Schema):
    narrative: Text = Field(min_length=1, max_length=MAX_NARRATIVE)
