"""One initiative's workspace: its phase content and the figures computed from it, loaded once.

The initiative page (`initiatives.views.core`) and the initiative PDF (`reports.contexts`) both
render from `build_workspace`, as the portfolio's page and PDF render from `build_portfolio`: a
KPI's status, a benefit's realised share or the value stream's lead time is computed here and
nowhere else. It does not check access: callers pass an initiative already scoped through the
policy.
"""

from dataclasses import dataclass
from datetime import date
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
    Reallocation,
    Responsibility,
    Review,
    ValueStreamVersion,
)
from metrics.models import KPI, Measurement, Milestone
from metrics.status import KPIStatus, kpi_status


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
    return Workspace(
        initiative=initiative,
        today=today,
        kpis=[_kpi_figures(kpi, initiative, today) for kpi in initiative.kpis.all()],
        benefits=[_benefit_figures(benefit, today) for benefit in benefits],
        totals=benefit_totals(benefits),
        value_stream=value_stream_figures(initiative.as_is_steps()),
        value_streams=value_stream_comparison(initiative.value_stream_versions.all()),
        next_reviews=next_reviews(initiative, today),
    )


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
