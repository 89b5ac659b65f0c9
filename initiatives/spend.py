"""Spend's rules, its one write path and its figures.

The form, the CSV/XLSX import and the API call these functions, so a figure refused in one is
refused in all three with the same words. An initiative has at most one spend row per month and
one budget per year: a write for a month already recorded replaces it only when the caller says
so (the form edits that row, the import asks, the API answers 200 instead of 201).

Planned money is the sum of the yearly budgets; before any is entered, the initiative's
`investment_budget` stands for the whole plan (`planned_total`).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from initiatives.models import BudgetYear, Initiative, MonthlySpend
from metrics.measurements import MeasurementError, parse_value
from organisations.models import User
from renewal.audit import acting_as

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
MAX_EUR = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
MAX_PERSON_MONTHS = Decimal("999999.99")
MAX_NOTE = 500

PROBLEMS = {
    "missing_value": _("Enter an amount."),
    "bad_number": _("“%(value)s” is not a number. Write it as 1200.50 or 1 200,50."),
    "too_many_digits": _("“%(value)s” is too large or has more than two decimals."),
    "exponent": _(
        "“%(value)s” is written in exponent notation. Write the number out in full, for "
        "example 1000000."
    ),
    "not_finite": _("“%(value)s” is not an amount."),
    "negative": _("An amount cannot be negative. Record a refund as a smaller month."),
    "missing_month": _("Enter the month, for example 2026-03."),
    "bad_month": _("“%(month)s” is not a month. Write it as 2026-03 or 3/2026."),
    "future_month": _("Spend cannot be recorded for a future month."),
    "bad_year": _("Enter a year between 1900 and 2100."),
    "note_too_long": _("The note is longer than 500 characters."),
    "exists": _("Spend for %(month)s is already recorded."),
}


class SpendError(ValueError):
    """A figure, month or year that cannot be spend or budget; `code` keys PROBLEMS."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        text = str(PROBLEMS[self.code])
        return text % self.params if self.params else text


# Parsing -----------------------------------------------------------------------------------------


def parse_amount(raw: object, limit: Decimal = MAX_EUR) -> Decimal:
    """An amount as people and systems write it ("1 200,50", 1200.5); never negative, at most
    two decimals, no exponent, NaN or infinity (the measurement rules' parsing)."""
    try:
        value = parse_value(raw)
    except MeasurementError as error:
        raise SpendError(error.code, **error.params) from None
    if value < 0:
        raise SpendError("negative")
    if value > limit or value != value.quantize(Decimal("0.01")):
        raise SpendError("too_many_digits", value=str(raw)[:100])
    return value.quantize(Decimal("0.01"))


def parse_person_months(raw: object) -> Decimal | None:
    """Person-months are optional: blank is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_amount(raw, limit=MAX_PERSON_MONTHS)


_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})(-01)?$")
_MONTH_LOCAL = re.compile(r"^(\d{1,2})[./](\d{4})$")


def parse_month(raw: object) -> date:
    """A month as the first day of it: "2026-03", "3/2026", "3.2026", or an Excel date."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return raw.replace(day=1)
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise SpendError("missing_month")
    # "2026-03-01 00:00:00" is how some programs write a date column.
    text = text[:10] if len(text) > 10 and text[10] in " T" else text
    iso, local = _MONTH_ISO.match(text), _MONTH_LOCAL.match(text)
    if text.isascii() and (iso or local):
        if iso:
            year, month = int(iso[1]), int(iso[2])
        else:
            assert local is not None
            year, month = int(local[2]), int(local[1])
        if 1 <= month <= 12 and year >= EARLIEST_YEAR:
            return date(year, month, 1)
    raise SpendError("bad_month", month=text[:100])


def check_month(month: date, today: date) -> None:
    if month > today.replace(day=1):
        raise SpendError("future_month")
    if month.year < EARLIEST_YEAR:
        raise SpendError("bad_month", month=month.strftime("%Y-%m"))


def parse_year(raw: object) -> int:
    text = str(raw).strip()
    # ASCII digits only, as every number the product reads: int() would take "２０２６" or "2_026".
    if isinstance(raw, bool) or not (text.isascii() and text.isdigit()):
        raise SpendError("bad_year")
    year = int(text)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise SpendError("bad_year")
    return year


def check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise SpendError("note_too_long")
    return note


@dataclass
class SpendItem:
    """One month's spend to write: already checked against the rules and the policy."""

    month: date
    amount_eur: Decimal
    person_months: Decimal | None = None
    note: str = ""


def _checked[T](
    errors: dict[str, SpendError], name: str, parse: Callable[[Any], T], raw: object
) -> T | None:
    try:
        return parse(raw)
    except SpendError as error:
        errors[name] = error
        return None


def spend_item(
    raw: Mapping[str, Any], today: date
) -> tuple[SpendItem | None, dict[str, SpendError]]:
    """Check one row of raw values (month, amount_eur, person_months, note): the item, or the
    problems by field. Used by the import and the API; the form checks field by field."""
    errors: dict[str, SpendError] = {}
    month = _checked(errors, "month", parse_month, raw.get("month"))
    amount_eur = _checked(errors, "amount_eur", parse_amount, raw.get("amount_eur"))
    person_months = _checked(errors, "person_months", parse_person_months, raw.get("person_months"))
    note = _checked(errors, "note", check_note, raw.get("note"))
    if month is not None:
        _checked(errors, "month", lambda m: check_month(m, today), month)
    if errors or month is None or amount_eur is None or note is None:
        return None, errors
    return SpendItem(month, amount_eur, person_months, note), errors


# Writing -----------------------------------------------------------------------------------------


class DuplicateSpend(Exception):
    def __init__(self, item: SpendItem):
        super().__init__(item.month.isoformat())
        self.item = item


def write_spend(
    user: User | AnonymousUser | None,
    initiative: Initiative,
    items: list[SpendItem],
    *,
    replace: bool,
) -> tuple[int, int]:
    """Record the months in one transaction (with `replace`, overwrite those already there;
    without, raise DuplicateSpend and store nothing). Returns (created, updated).

    The initiative's row is locked first, so two writers take turns instead of one of them
    failing on the unique (initiative, month) constraint halfway through."""
    with transaction.atomic(), acting_as(user):
        Initiative._base_manager.select_for_update().filter(pk=initiative.pk).exists()
        existing = {
            s.month: s
            for s in MonthlySpend.objects.filter(
                initiative=initiative, month__in=[i.month for i in items]
            )
        }
        new: list[MonthlySpend] = []
        changed: list[MonthlySpend] = []
        for item in items:
            current = existing.get(item.month)
            if current is None:
                new.append(MonthlySpend(initiative=initiative, **item.__dict__))
            elif not replace:
                raise DuplicateSpend(item)
            else:
                for name, value in item.__dict__.items():
                    setattr(current, name, value)
                current.version += 1
                changed.append(current)
        MonthlySpend.objects.bulk_create(new)
        MonthlySpend.objects.bulk_update(
            changed, ["amount_eur", "person_months", "note", "version"]
        )
    return len(new), len(changed)


def spend_delete(user: User | AnonymousUser | None, row: MonthlySpend) -> None:
    with acting_as(user):
        row.delete()


def budget_delete(user: User | AnonymousUser | None, row: BudgetYear) -> None:
    with acting_as(user):
        row.delete()


# Figures -----------------------------------------------------------------------------------------


def planned_total(budgets: Decimal | None, investment_budget: Decimal | None) -> Decimal:
    """The whole planned budget: the yearly budgets, or the single figure before there are any."""
    if budgets is not None:
        return budgets
    return investment_budget or Decimal(0)


class CumulativePoint(TypedDict):
    """One month of the cumulative spend chart and table."""

    row: MonthlySpend
    month: date
    spent: Decimal
    planned: Decimal | None


@dataclass
class SpendSummary:
    """An initiative's budget and spend, for its page, its PDF and the API."""

    initiative: Initiative
    today: date
    years: list[BudgetYear]
    months: list[MonthlySpend]
    planned: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    budget_this_year: Decimal | None = None
    spent_this_year: Decimal = Decimal(0)
    person_months: Decimal = Decimal(0)
    cumulative: list[CumulativePoint] = field(default_factory=list)

    @property
    def left(self) -> Decimal:
        return self.planned - self.spent

    @property
    def by_year(self) -> list[tuple[int, Decimal | None, Decimal]]:
        """(year, budget or None, spent) for every year with a budget or spend."""
        spent: dict[int, Decimal] = {}
        for m in self.months:
            spent[m.month.year] = spent.get(m.month.year, Decimal(0)) + m.amount_eur
        budgets = {y.year: y.amount_eur for y in self.years}
        return [
            (year, budgets.get(year), spent.get(year, Decimal(0)))
            for year in sorted(set(budgets) | set(spent))
        ]

    @property
    def share_spent(self) -> Decimal | None:
        return self.spent / self.planned * 100 if self.planned else None


def spend_summary(initiative: Initiative, today: date) -> SpendSummary:
    """Two queries: the yearly budgets and the monthly spend."""
    years = list(BudgetYear.objects.filter(initiative=initiative).order_by("year"))
    months = list(MonthlySpend.objects.filter(initiative=initiative).order_by("month"))
    summary = SpendSummary(initiative, today, years, months)
    summary.planned = planned_total(
        sum((y.amount_eur for y in years), Decimal(0)) if years else None,
        initiative.investment_budget,
    )
    summary.spent = sum((m.amount_eur for m in months), Decimal(0))
    summary.person_months = sum((m.person_months or Decimal(0) for m in months), Decimal(0))
    summary.budget_this_year = next((y.amount_eur for y in years if y.year == today.year), None)
    summary.spent_this_year = sum(
        (m.amount_eur for m in months if m.month.year == today.year), Decimal(0)
    )
    # Cumulative spend by month against the plan accumulated year by year.
    running, budgets = Decimal(0), {y.year: y.amount_eur for y in years}
    for m in months:
        running += m.amount_eur
        planned_to = sum((a for y, a in budgets.items() if y <= m.month.year), Decimal(0))
        summary.cumulative.append(
            CumulativePoint(
                row=m, month=m.month, spent=running, planned=planned_to if years else None
            )
        )
    return summary


def spent_by_initiative(initiatives: QuerySet[Any, Any]) -> dict[int, Decimal]:
    """Spend to date per initiative of a queryset of initiative ids, in one query."""
    rows = (
        MonthlySpend.objects.filter(initiative__in=initiatives)
        .values("initiative_id")
        .annotate(total=Sum("amount_eur"))
    )
    return {r["initiative_id"]: r["total"] for r in rows}


def budgets_by_initiative(initiatives: QuerySet[Any, Any]) -> dict[int, Decimal]:
    rows = (
        BudgetYear.objects.filter(initiative__in=initiatives)
        .values("initiative_id")
        .annotate(total=Sum("amount_eur"))
    )
    return {r["initiative_id"]: r["total"] for r in rows}
