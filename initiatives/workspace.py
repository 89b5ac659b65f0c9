"""One initiative's workspace: its phase content and the figures computed from it, loaded once.

The initiative page (`initiatives.views.core`) and the initiative PDF (`reports.contexts`) both
render from `build_workspace`, as the portfolio's page and PDF render from `build_portfolio`: a
KPI's status, a benefit's realised share or the value stream's lead time is computed here and
nowhere else. It does not check access: callers pass an initiative already scoped through the
policy.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from initiatives.figures import (
    BenefitTotals,
    ValueStreamFigures,
    ValueStreamPoint,
    benefit_totals,
    next_reviews,
    value_stream_comparison,
    value_stream_figures,
)
from initiatives.models import (
    Benefit,
    Initiative,
    Phase,
    Reallocation,
    Responsibility,
    Review,
    State,
    ValueStreamVersion,
)
from initiatives.radar import Radar, radar_for
from metrics.models import KPI, Measurement, Milestone
from metrics.status import CLOSED_STATES, KPIStatus, is_overdue, kpi_status

# A phase-4 initiative whose last monthly review is older than this has one overdue.
MONTHLY_REVIEW_OVERDUE_DAYS = 35


def monthly_review_overdue(initiative: Initiative, last: date | None, today: date) -> bool:
    """Whether an active initiative in execution is overdue for its monthly leadership review;
    the portfolio and the initiative page both ask here."""
    if initiative.phase != Phase.EXECUTION or initiative.state != State.ACTIVE:
        return False
    return last is None or (today - last) > timedelta(days=MONTHLY_REVIEW_OVERDUE_DAYS)


@dataclass(frozen=True)
class KPIFigures:
    kpi: KPI
    # As shown: the KPIs of a stopped or completed initiative read as its state (for_state).
    status: KPIStatus
    measurements: list[Measurement]  # newest first
    milestones: list[Milestone]


@dataclass(frozen=True)
class BenefitFigures:
    benefit: Benefit
    realised: Decimal
    rate: Decimal | None
    # Expected by now and not realised in full (never a dis-benefit).
    overdue: bool


@dataclass(frozen=True)
class Workspace:
    initiative: Initiative
    today: date
    kpis: list[KPIFigures]
    benefits: list[BenefitFigures]  # benefits first, then dis-benefits (Benefit's ordering)
    totals: BenefitTotals
    value_stream: ValueStreamFigures  # the as-is baseline's
    # Baseline, to-be design and each re-measurement, in that order (value_stream_comparison).
    value_streams: list[ValueStreamPoint]
    next_reviews: dict[str, date | None]
    # The paradox radar's signals and verdict, as the portfolio shows them.
    radar: Radar

    @property
    def planned_benefits(self) -> list[BenefitFigures]:
        return [b for b in self.benefits if not b.benefit.is_disbenefit]

    @property
    def disbenefits(self) -> list[BenefitFigures]:
        return [b for b in self.benefits if b.benefit.is_disbenefit]

    def value_stream_of(self, kind: str) -> ValueStreamPoint | None:
        return next((p for p in self.value_streams if p.kind == kind), None)

    @property
    def remeasurements(self) -> list[ValueStreamPoint]:
        return [p for p in self.value_streams if p.kind == ValueStreamVersion.Kind.REMEASURE]


def build_workspace(initiative: Initiative, today: date | None = None) -> Workspace:
    """The initiative's phase content in a fixed number of queries, however much it holds, and
    the figures the page and the PDF show from it.

    Everything the gate criteria read is prefetched too, so evaluating the gate afterwards costs
    no query.
    """
    today = today or timezone.localdate()
    prefetch_related_objects(
        [initiative],
        Prefetch(
            "kpis",
            queryset=KPI.objects.select_related("owner").prefetch_related(
                Prefetch("measurements", queryset=Measurement.objects.order_by("-date")),
                "milestones",
            ),
        ),
        Prefetch("responsibilities", queryset=Responsibility.objects.select_related("user")),
        "competences",
        "datasets",
        "principles",
        # The versions and their steps: one query more than the steps alone used to take.
        Prefetch(
            "value_stream_versions", queryset=ValueStreamVersion.objects.prefetch_related("steps")
        ),
        Prefetch(
            "benefits",
            queryset=Benefit.objects.select_related("owner").prefetch_related(
                "kpis", "realisations"
            ),
        ),
        Prefetch("reallocations", queryset=Reallocation.objects.select_related("benefit")),
        Prefetch("reviews", queryset=Review.objects.select_related("recorded_by")),
    )
    benefits = list(initiative.benefits.all())
    kpis = [_kpi_figures(kpi, initiative, today) for kpi in initiative.kpis.all()]
    overdue = {initiative.pk: _overdue(initiative, kpis, today)}
    return Workspace(
        initiative=initiative,
        today=today,
        kpis=kpis,
        benefits=[_benefit_figures(benefit, today) for benefit in benefits],
        totals=benefit_totals(benefits),
        value_stream=value_stream_figures(initiative.as_is_steps()),
        value_streams=value_stream_comparison(initiative.value_stream_versions.all()),
        next_reviews=next_reviews(initiative, today),
        radar=radar_for([initiative], today, overdue)[initiative.pk],
    )


def _overdue(initiative: Initiative, kpis: list[KPIFigures], today: date) -> tuple[int, bool]:
    """Overdue measurements and monthly review, counted as the portfolio counts them."""
    if initiative.state in CLOSED_STATES:
        return 0, False
    measurements = sum(1 for k in kpis if is_overdue(k.kpi, k.kpi.latest_date, today))
    monthly = [r.date for r in initiative.reviews.all() if r.kind == Review.Kind.MONTHLY]
    return measurements, monthly_review_overdue(initiative, max(monthly, default=None), today)


def _kpi_figures(kpi: KPI, initiative: Initiative, today: date) -> KPIFigures:
    measurements, milestones = list(kpi.measurements.all()), list(kpi.milestones.all())
    status = kpi_status(kpi, measurements, today, milestones).for_state(initiative.state)
    return KPIFigures(kpi, status, measurements, milestones)


def _benefit_figures(benefit: Benefit, today: date) -> BenefitFigures:
    realised = benefit.realised_total()
    overdue = bool(
        not benefit.is_disbenefit
        and benefit.expected_date
        and benefit.expected_date < today
        and benefit.quantity
        and realised < benefit.quantity
    )
    return BenefitFigures(benefit, realised, benefit.realisation_rate(), overdue)
