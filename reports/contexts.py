"""Report context builders: one object per report, read in a fixed number of queries.

The web page and the PDF both render from these objects (STYLE habit 11). They do not check access:
callers pass objects already scoped through `renewal.policy`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.figures import BenefitTotals, benefit_totals
from initiatives.models import Benefit, GateDecision, Phase, Review
from initiatives.portfolio import Portfolio, build_portfolio
from initiatives.spend import SpendSummary, spend_summary
from metrics.models import KPI, Measurement
from metrics.status import KPIStatus, kpi_status, trajectory
from reports.svg import line_chart

RECENT_DECISIONS = 10
RECENT_REVIEWS = 6


@dataclass
class KPIReport:
    kpi: object
    status: KPIStatus
    measurements: list
    chart: str


@dataclass
class BenefitRow:
    benefit: object
    realised: Decimal
    rate: Decimal | None
    overdue: bool


@dataclass
class InitiativeReport:
    initiative: object
    kpis: list[KPIReport]
    benefits: list[BenefitRow]
    totals: BenefitTotals
    decisions: list
    reviews: list
    applications: list
    today: date
    as_of: datetime

    @cached_property
    def spend(self) -> SpendSummary:
        """Planned vs spent, the figures of the initiative's budget and spend page."""
        return spend_summary(self.initiative, self.today)

    @property
    def phases(self):
        return [(p.value, p.label, p.value == self.initiative.phase) for p in Phase]


def kpi_chart(kpi, measurements, milestones=()) -> str:
    actual = [(m.date, m.value) for m in sorted(measurements, key=lambda m: m.date)]
    plan = trajectory(kpi, milestones)
    return line_chart(
        [(_("Plan"), "plan", plan), (_("Measured"), "actual", actual)],
        title=_("%(kpi)s: measured values against the plan") % {"kpi": kpi.name},
        unit=kpi.unit,
        target=kpi.target_value,
        target_label=_("target"),
    )


def initiative_report(initiative, today: date | None = None) -> InitiativeReport:
    """Phase, KPIs with charts, benefits planned vs realised, decisions, reviews and funding."""
    today = today or timezone.localdate()
    kpis = KPI.objects.filter(initiative=initiative).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("date")), "milestones"
    )
    kpi_reports = []
    for kpi in kpis:
        measurements, milestones = list(kpi.measurements.all()), list(kpi.milestones.all())
        kpi_reports.append(
            KPIReport(
                kpi,
                kpi_status(kpi, measurements, today, milestones).for_state(initiative.state),
                measurements[-6:],
                kpi_chart(kpi, measurements, milestones),
            )
        )
    benefits = list(
        Benefit.objects.filter(initiative=initiative)
        .select_related("owner")
        .prefetch_related("realisations")
    )
    rows = []
    for b in benefits:
        realised = b.realised_total()
        overdue = bool(
            not b.is_disbenefit
            and b.expected_date
            and b.expected_date < today
            and b.quantity
            and realised < b.quantity
        )
        rows.append(BenefitRow(b, realised, b.realisation_rate(), overdue))
    return InitiativeReport(
        initiative=initiative,
        kpis=kpi_reports,
        benefits=rows,
        totals=benefit_totals(benefits),
        decisions=list(
            GateDecision.objects.filter(initiative=initiative).select_related("decided_by")[
                :RECENT_DECISIONS
            ]
        ),
        reviews=list(Review.objects.filter(initiative=initiative)[:RECENT_REVIEWS]),
        applications=list(
            initiative.funding_applications.select_related("call").exclude(state="draft")
        ),
        today=today,
        as_of=timezone.now(),
    )


@dataclass
class PortfolioReport:
    organisation: object
    portfolio: Portfolio
    decisions: list
    month_start: date
    today: date
    as_of: datetime
    overdue_rows: list = field(default_factory=list)

    @property
    def rows(self):
        return self.portfolio.rows

    @property
    def totals(self):
        return self.portfolio.totals


def portfolio_report(user, organisation, today: date | None = None) -> PortfolioReport:
    """The monthly leadership report: the organisation's portfolio (build_portfolio, the same
    figures as the page) and the decisions taken in the last month."""
    today = today or timezone.localdate()
    portfolio = build_portfolio(
        user, {"organisation": organisation.pk, "sort": "status"}, today=today
    )
    month_start = today - timedelta(days=31)
    ids = [r.initiative.pk for r in portfolio.rows]
    decisions = list(
        GateDecision.objects.filter(initiative_id__in=ids, decided_at__date__gte=month_start)
        .select_related("initiative", "decided_by")
        .order_by("-decided_at")
    )
    return PortfolioReport(
        organisation=organisation,
        portfolio=portfolio,
        decisions=decisions,
        month_start=month_start,
        today=today,
        as_of=timezone.now(),
        overdue_rows=[r for r in portfolio.rows if r.overdue],
    )
