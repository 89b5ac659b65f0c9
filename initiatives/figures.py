"""Figures computed from phase content: the value stream and planned vs realised benefits."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from initiatives.models.planning import BenefitUnit, ValueStreamVersion
from renewal.formatting import eur, number


@dataclass(frozen=True)
class ValueStreamFigures:
    processing_hours: Decimal
    waiting_hours: Decimal
    lead_time_hours: Decimal
    flow_efficiency: Decimal | None  # processing ÷ lead time, 0–1
    manual_hours_per_month: Decimal
    manual_fte: Decimal
    automation_hours_per_month: Decimal
    automation_fte: Decimal


def benefit_amount(value: str, unit: str) -> str:
    """ "180 000 €" for euros a year, "2,5 FTE" otherwise, in the active language."""
    if unit == BenefitUnit.EUR_PER_YEAR:
        return eur(value)
    return f"{number(Decimal(value))} {BenefitUnit(unit).label}"


def hours_per_fte_year() -> Decimal:
    return Decimal(settings.HOURS_PER_FTE_YEAR)


def value_stream_figures(steps) -> ValueStreamFigures:
    """Lead time per case, flow efficiency, and the monthly hours spent in manual steps (in FTE)."""
    processing = sum((s.processing_hours for s in steps), Decimal(0))
    waiting = sum((s.waiting_hours for s in steps), Decimal(0))
    lead = processing + waiting
    manual = sum((s.processing_hours * s.volume_per_month for s in steps if s.manual), Decimal(0))
    automatable = sum(
        (
            s.processing_hours * s.volume_per_month
            for s in steps
            if s.manual and s.automation_candidate
        ),
        Decimal(0),
    )
    per_fte_month = hours_per_fte_year() / 12
    return ValueStreamFigures(
        processing_hours=processing,
        waiting_hours=waiting,
        lead_time_hours=lead,
        flow_efficiency=processing / lead if lead else None,
        manual_hours_per_month=manual,
        manual_fte=manual / per_fte_month,
        automation_hours_per_month=automatable,
        automation_fte=automatable / per_fte_month,
    )


@dataclass(frozen=True)
class ValueStreamChange:
    """A version's figures against the as-is baseline. Hours as a relative change (-0.4: 40 %
    less); flow efficiency in percentage points as a share (0.03: three points better). None
    where there is nothing to compare: the baseline has no such time, or no flow efficiency."""

    lead_time: Decimal | None
    processing: Decimal | None
    waiting: Decimal | None
    flow_efficiency_points: Decimal | None
    manual_hours: Decimal | None


@dataclass(frozen=True)
class ValueStreamPoint:
    """One version of the value stream in the comparison: what it is, when, and its figures."""

    version: ValueStreamVersion
    kind: str  # ValueStreamVersion.Kind
    measured_on: date | None  # re-measurements only
    steps: list
    figures: ValueStreamFigures
    change: ValueStreamChange | None  # vs the baseline; None for the baseline or without one

    @property
    def lead_time_hours(self) -> Decimal:
        return self.figures.lead_time_hours

    @property
    def processing_hours(self) -> Decimal:
        return self.figures.processing_hours

    @property
    def waiting_hours(self) -> Decimal:
        return self.figures.waiting_hours

    @property
    def flow_efficiency(self) -> Decimal | None:
        return self.figures.flow_efficiency

    @property
    def manual_hours_per_month(self) -> Decimal:
        return self.figures.manual_hours_per_month


KIND_ORDER = {
    ValueStreamVersion.Kind.AS_IS: 0,
    ValueStreamVersion.Kind.TO_BE: 1,
    ValueStreamVersion.Kind.REMEASURE: 2,
}


def _relative(new: Decimal, old: Decimal) -> Decimal | None:
    return (new - old) / old if old else None


def _change(figures: ValueStreamFigures, baseline: ValueStreamFigures) -> ValueStreamChange:
    points = (
        figures.flow_efficiency - baseline.flow_efficiency
        if figures.flow_efficiency is not None and baseline.flow_efficiency is not None
        else None
    )
    return ValueStreamChange(
        lead_time=_relative(figures.lead_time_hours, baseline.lead_time_hours),
        processing=_relative(figures.processing_hours, baseline.processing_hours),
        waiting=_relative(figures.waiting_hours, baseline.waiting_hours),
        flow_efficiency_points=points,
        manual_hours=_relative(figures.manual_hours_per_month, baseline.manual_hours_per_month),
    )


def value_stream_comparison(versions) -> list[ValueStreamPoint]:
    """The versions of a value stream in reading order — as-is baseline, to-be design, then the
    re-measurements by date — each with its figures and its change against the baseline.

    Reads each version's `steps.all()`, so prefetch them for no queries at all.
    """
    ordered = sorted(
        versions, key=lambda v: (KIND_ORDER[v.kind], v.measured_on or date.min, v.pk or 0)
    )
    baseline = None
    points = []
    for version in ordered:
        steps = list(version.steps.all())
        figures = value_stream_figures(steps)
        if version.kind == ValueStreamVersion.Kind.AS_IS:
            baseline = figures
        change = (
            _change(figures, baseline)
            if baseline is not None and version.kind != ValueStreamVersion.Kind.AS_IS
            else None
        )
        points.append(
            ValueStreamPoint(version, version.kind, version.measured_on, steps, figures, change)
        )
    return points


@dataclass(frozen=True)
class BenefitTotals:
    planned_eur: Decimal
    realised_eur: Decimal
    planned_fte: Decimal
    realised_fte: Decimal

    @property
    def eur_rate(self):
        return self.realised_eur / self.planned_eur if self.planned_eur else None

    @property
    def fte_rate(self):
        return self.realised_fte / self.planned_fte if self.planned_fte else None


def benefit_totals(benefits) -> BenefitTotals:
    """Planned vs realised across an initiative's benefits (dis-benefits excluded), in EUR and FTE.

    Realised EUR counts what shows in the budget; realised FTE what shows in the staffing plan.
    """
    planned_eur = planned_fte = realised_eur = realised_fte = Decimal(0)
    for benefit in benefits:
        if benefit.is_disbenefit:
            continue
        if benefit.unit == BenefitUnit.EUR_PER_YEAR and benefit.quantity:
            planned_eur += benefit.quantity
        if benefit.unit == BenefitUnit.FTE and benefit.quantity:
            planned_fte += benefit.quantity
        for realised in benefit.realisations.all():
            realised_eur += realised.eur or 0
            realised_fte += realised.fte or 0
    return BenefitTotals(planned_eur, realised_eur, planned_fte, realised_fte)


def next_reviews(initiative, today):
    """The next weekly and monthly review dates from the initiative's cadence (None if unset)."""
    weekly = monthly = None
    if initiative.weekly_review_weekday is not None:
        weekly = today + timedelta(days=(initiative.weekly_review_weekday - today.weekday()) % 7)
    if initiative.monthly_review_day:
        day = initiative.monthly_review_day
        monthly = today.replace(day=day)
        if monthly < today:
            year, month = (
                (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            )
            monthly = date(year, month, day)
    return {"weekly": weekly, "monthly": monthly}
