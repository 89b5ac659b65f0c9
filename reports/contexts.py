"""Report context builders: one object per report, read in a fixed number of queries.

The web page and the PDF both render from these objects (STYLE habit 11). They do not check access:
callers pass objects already scoped through `renewal.policy`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import ApplicationState, FundingApplication
from initiatives.figures import BenefitTotals
from initiatives.models import GateDecision, Initiative, Phase, Review
from initiatives.portfolio import Portfolio, build_portfolio
from initiatives.radar import Radar
from initiatives.signals import NEEDS_FIXING, READY_TO_SCALE, STOP_CANDIDATE, VERDICT_LABELS
from initiatives.spend import SpendSummary, spend_summary
from initiatives.workspace import BenefitFigures, build_workspace
from metrics.models import KPI, Measurement
from metrics.status import KPIStatus, trajectory
from renewal.svg import bar_chart, line_chart, scatter_chart

RECENT_DECISIONS = 10
RECENT_REVIEWS = 6
RECENT_MEASUREMENTS = 6


@dataclass
class KPIReport:
    kpi: KPI
    status: KPIStatus
    measurements: list[Measurement]  # the latest few, oldest first
    chart: str


@dataclass
class InitiativeReport:
    initiative: Initiative
    kpis: list[KPIReport]
    benefits: list[BenefitFigures]
    totals: BenefitTotals
    decisions: list[GateDecision]
    reviews: list[Review]
    applications: list[FundingApplication]
    today: date
    as_of: datetime
    radar: Radar | None = None

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


def initiative_report(initiative, reader, today: date | None = None) -> InitiativeReport:
    """Phase, KPIs with charts, benefits planned vs realised, decisions, reviews and funding.

    The funding is the applications the reader may read past draft: a funding officer sees only
    their own funder's (`FundingApplication.objects.visible_to`, the officer rule).

    The KPI statuses, benefit figures and reviews are the initiative page's own
    (`build_workspace`); the report adds the charts, the decisions and the funding.
    """
    workspace = build_workspace(initiative, today)
    return InitiativeReport(
        initiative=initiative,
        kpis=[
            KPIReport(
                k.kpi,
                k.status,
                k.measurements[:RECENT_MEASUREMENTS][::-1],
                kpi_chart(k.kpi, k.measurements, k.milestones),
            )
            for k in workspace.kpis
        ],
        benefits=workspace.benefits,
        totals=workspace.totals,
        decisions=list(
            GateDecision.objects.filter(initiative=initiative).select_related("decided_by")[
                :RECENT_DECISIONS
            ]
        ),
        reviews=list(initiative.reviews.all())[:RECENT_REVIEWS],
        applications=list(
            FundingApplication.objects.visible_to(reader)
            .filter(initiative=initiative)
            .exclude(state=ApplicationState.DRAFT)
            .select_related("call")
        ),
        today=workspace.today,
        as_of=timezone.now(),
        radar=workspace.radar,
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
    reviews: list = field(default_factory=list)

    @property
    def rows(self):
        return self.portfolio.rows

    @cached_property
    def stop_fix_scale(self) -> list[tuple[str, str, list]]:
        """(verdict, label, ranked rows) for stop, fix and scale, as the portfolio page opens."""
        groups = self.portfolio.stop_fix_scale()
        return [
            (verdict, VERDICT_LABELS[verdict], groups[verdict])
            for verdict in (STOP_CANDIDATE, NEEDS_FIXING, READY_TO_SCALE)
        ]

    @cached_property
    def funnel_chart(self) -> str:
        return bar_chart(
            [
                (f"{number}. {label}", count)
                for number, label, count in self.portfolio.phase_counts()
            ],
            title=_("Phase funnel: initiatives in each phase"),
        )

    @cached_property
    def spend_chart(self) -> str:
        """Spent against realised benefit, one labelled point per initiative that has spent."""
        return scatter_chart(
            [(r.initiative.title, r.spent_eur, r.realised_eur) for r in self.rows if r.spent_eur],
            title=_("Spent against realised benefit, by initiative"),
            x_label=_("Spent (EUR)"),
            y_label=_("Realised (EUR)"),
        )

    @property
    def totals(self):
        return self.portfolio.totals


def portfolio_report(user, organisation, today: date | None = None) -> PortfolioReport:
    """The monthly leadership report: the organisation's portfolio (build_portfolio, the same
    figures as the page), stop, fix or scale, and the gate and review decisions of the last
    month."""
    today = today or timezone.localdate()
    portfolio = build_portfolio(
        user, {"organisation": organisation.pk, "sort": "status"}, today=today
    )
    month_start = today - timedelta(days=31)
    decisions, reviews = portfolio.decisions_since(month_start)
    return PortfolioReport(
        organisation=organisation,
        portfolio=portfolio,
        decisions=decisions,
        reviews=reviews,
        month_start=month_start,
        today=today,
        as_of=timezone.now(),
        overdue_rows=[r for r in portfolio.rows if r.overdue],
    )
