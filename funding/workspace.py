"""The funding officer's workspace: the funded portfolio, in one context builder that feeds the
page, its charts and its CSV/XLSX exports, so that all of them show exactly the same rows.

An officer reads only applications made to their funder, past draft (`reviewable_by`, the officer
rule in renewal.policy): never an initiative that did not apply. The builder reads a fixed number
of queries whatever the number of applications: the applications, the committed sums (SQL
aggregates by application and unit), the realised sums (SQL aggregates by benefit), the
comparison with the initiatives as they are now (funding.compare) and the paradox radar.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from funding.compare import (
    POSTPONED,
    REDUCED,
    REMOVED,
    WEAKENED,
    BenefitComparison,
    CommitmentComparison,
    compare_commitments,
)
from funding.models import (
    OPEN_STATES,
    ApplicationState,
    CommittedBenefit,
    FundingApplication,
    FundingCall,
)
from initiatives.charts import LAYOUT, count_axis
from initiatives.models import BenefitUnit, RealisedBenefit
from initiatives.models import State as InitiativeState
from initiatives.radar import Radar, radar_for
from initiatives.signals import LABELS as RADAR_LABELS
from metrics.charts import plotly_text
from organisations.models import Organisation

# The signals the officer filters by: what they act on.
DUE = "due"
WEAKENED_SIGNAL = "weakened"
STOPPED = "stopped"
WAITING = "waiting"
PARADOX = "paradox"
SIGNAL_LABELS = {
    DUE: _("Committed benefit due or overdue"),
    WEAKENED_SIGNAL: _("Committed target weakened or postponed"),
    STOPPED: _("Initiative stopped or on hold"),
    WAITING: _("Waiting for review"),
    PARADOX: _("Any paradox signal"),
}
# A change to a committed KPI or benefit that makes the commitment easier to meet.
WEAKENING_FLAGS = (WEAKENED, POSTPONED, REMOVED, REDUCED)
PAUSED_STATES = (InitiativeState.STOPPED, InitiativeState.ON_HOLD)
SENT_STATES = [s for s in ApplicationState if s != ApplicationState.DRAFT]


class WorkspaceFilterForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("Funding call"),
        queryset=FundingCall.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), *[(s.value, s.label) for s in SENT_STATES]],
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    # The officer's own signals, then each signal of the paradox radar by name.
    signal = forms.ChoiceField(
        label=_("Signal"),
        required=False,
        choices=[("", _("All")), *SIGNAL_LABELS.items(), *RADAR_LABELS.items()],
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the calls and the organisations of what the officer may read: an organisation
        # that never applied to their funder is not even named.
        self.fields["call"].queryset = FundingCall.objects.filter(
            pk__in=applications.values("call_id")
        ).order_by("-closes_on", "name")
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=applications.values("initiative__organisation_id")
        ).order_by("name")


class Rates:
    """The realisation rates of whatever has committed and realised EUR and FTE."""

    @property
    def eur_rate(self) -> Decimal | None:
        return self.realised_eur / self.committed_eur if self.committed_eur else None

    @property
    def fte_rate(self) -> Decimal | None:
        return self.realised_fte / self.committed_fte if self.committed_fte else None


@dataclass
class Row(Rates):
    application: FundingApplication
    comparison: CommitmentComparison | None = None
    committed_eur: Decimal = Decimal(0)
    committed_fte: Decimal = Decimal(0)
    realised_eur: Decimal = Decimal(0)
    realised_fte: Decimal = Decimal(0)
    # The committed benefits due within the reminder lead time or overdue, soonest first.
    due: list[BenefitComparison] = field(default_factory=list)
    # The committed KPIs and benefits made easier since: (comparison, its weakening labels).
    weakened: list = field(default_factory=list)
    radar: Radar | None = None

    @property
    def initiative(self):
        return self.application.initiative

    @property
    def overdue(self) -> int:
        return sum(1 for b in self.due if b.overdue)

    @property
    def amount(self) -> Decimal:
        return self.application.amount_requested

    @property
    def granted(self) -> bool:
        return self.application.state == ApplicationState.GRANTED

    @property
    def year(self) -> int | None:
        """The year the funding was granted."""
        decided = self.application.decided_at
        return timezone.localtime(decided).year if self.granted and decided else None

    @property
    def stopped(self) -> bool:
        return self.initiative.state in PAUSED_STATES

    @property
    def waiting(self) -> bool:
        return self.application.state in OPEN_STATES

    @property
    def signals(self) -> set[str]:
        found = {
            DUE: bool(self.due),
            WEAKENED_SIGNAL: bool(self.weakened),
            STOPPED: self.stopped,
            WAITING: self.waiting,
            PARADOX: bool(self.radar and self.radar.signals),
        }
        radar = set(self.radar.codes) if self.radar else set()
        return {code for code, on in found.items() if on} | radar


@dataclass
class CallYear(Rates):
    """The granted applications of one call in one year, with their sums; without a call and
    year, the totals over all of them."""

    call: FundingCall | None
    year: int | None
    rows: list[Row] = field(default_factory=list)

    def _sum(self, name) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), Decimal(0))

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def granted_eur(self) -> Decimal:
        return self._sum("amount")

    @property
    def committed_eur(self) -> Decimal:
        return self._sum("committed_eur")

    @property
    def realised_eur(self) -> Decimal:
        return self._sum("realised_eur")

    @property
    def committed_fte(self) -> Decimal:
        return self._sum("committed_fte")

    @property
    def realised_fte(self) -> Decimal:
        return self._sum("realised_fte")


@dataclass
class Workspace:
    rows: list[Row]
    filters: WorkspaceFilterForm
    today: date

    @property
    def granted_rows(self) -> list[Row]:
        return [r for r in self.rows if r.granted]

    def by_call_and_year(self) -> list[CallYear]:
        """The granted applications grouped by call and the year they were granted, newest first."""
        groups: dict[tuple[int, int], CallYear] = {}
        for r in self.granted_rows:
            key = (r.application.call_id, r.year)
            if key not in groups:
                groups[key] = CallYear(r.application.call, r.year)
            groups[key].rows.append(r)
        return sorted(groups.values(), key=lambda g: (-(g.year or 0), g.call.name.lower()))

    @property
    def totals(self) -> CallYear | None:
        """The sums over every granted application listed, as one group."""
        rows = self.granted_rows
        if not rows:
            return None
        return CallYear(call=None, year=None, rows=rows)

    def counts(self) -> Counter:
        """How many of the listed applications show each signal."""
        return Counter(code for r in self.rows for code in r.signals)

    def due_commitments(self) -> list[tuple[Row, BenefitComparison]]:
        pairs = [(r, b) for r in self.rows for b in r.due]
        return sorted(pairs, key=lambda p: (p[1].committed.expected_date, p[0].initiative.title))

    def weakened_commitments(self) -> list[tuple[Row, object, list]]:
        return [(r, c, labels) for r in self.rows for c, labels in r.weakened]

    def stopped_rows(self) -> list[Row]:
        return [r for r in self.rows if r.stopped]

    def waiting_rows(self) -> list[Row]:
        return sorted((r for r in self.rows if r.waiting), key=lambda r: r.application.submitted_at)


def officer_portfolio(user):
    """The applications the user reviews as a funding officer (the officer rule in policy)."""
    return FundingApplication.objects.reviewable_by(user)


def build_workspace(user, params, today: date | None = None) -> Workspace:
    """The officer's workspace, filtered by `params` (the page's GET query)."""
    today = today or timezone.localdate()
    scope = officer_portfolio(user)
    form = WorkspaceFilterForm(params, applications=scope)
    cleaned = form.cleaned_data if form.is_valid() else {}
    if cleaned.get("call"):
        scope = scope.filter(call=cleaned["call"])
    if cleaned.get("state"):
        scope = scope.filter(state=cleaned["state"])
    if cleaned.get("organisation"):
        path = cleaned["organisation"].path
        scope = scope.filter(initiative__organisation__path__startswith=path)
    rows = workspace_rows(scope, today)
    if cleaned.get("signal"):
        rows = [r for r in rows if cleaned["signal"] in r.signals]
    return Workspace(rows, form, today)


def workspace_rows(applications, today: date) -> list[Row]:
    """One Row per application of a queryset already scoped by the policy, in a fixed number of
    queries, ordered as the officer works: overdue first, then waiting, then the newest."""
    found = list(
        applications.select_related("initiative__organisation", "call", "commitment").order_by(
            "-submitted_at", "-id"
        )
    )
    rows = {a.pk: Row(a) for a in found}
    if not rows:
        return []
    scope = applications.values("pk")
    commitments = {a.commitment.pk: a.pk for a in found if hasattr(a, "commitment")}
    comparisons = compare_commitments(list(commitments), today)
    for commitment_id, application_id in commitments.items():
        _add_comparison(rows[application_id], comparisons[commitment_id], today)
    _add_sums(rows, scope, today)
    radars = radar_for([a.initiative for a in found], today)
    for row in rows.values():
        row.radar = radars.get(row.application.initiative_id)
    return sorted(rows.values(), key=lambda r: (-r.overdue, not r.waiting))


def _is_due(benefit: BenefitComparison, today: date) -> bool:
    committed = benefit.committed
    if committed.is_disbenefit or committed.expected_date is None or committed.quantity is None:
        return False
    lead = timedelta(days=settings.REMINDERS_COMMITMENT_LEAD_DAYS)
    return committed.expected_date <= today + lead and benefit.realised < committed.quantity


def _add_comparison(row: Row, comparison: CommitmentComparison, today: date) -> None:
    row.comparison = comparison
    row.due = sorted(
        (b for b in comparison.benefits if _is_due(b, today)),
        key=lambda b: b.committed.expected_date,
    )
    for c in [*comparison.kpis, *comparison.benefits]:
        labels = [
            label
            for flag, label in zip(c.flags, c.flag_labels, strict=True)
            if flag in WEAKENING_FLAGS
        ]
        if labels:
            row.weakened.append((c, labels))


def _add_sums(rows: dict[int, Row], scope, today: date) -> None:
    """Committed EUR per year and FTE by application, and what the committed benefits realised
    up to today in EUR and FTE: grouped sums in SQL (dis-benefits are not counted)."""
    committed = CommittedBenefit.objects.filter(
        commitment__application__in=scope, is_disbenefit=False
    )
    sums = (
        committed.filter(unit__in=[BenefitUnit.EUR_PER_YEAR, BenefitUnit.FTE])
        .values("commitment__application_id", "unit")
        .annotate(total=Sum("quantity"))
    )
    for s in sums:
        row = rows[s["commitment__application_id"]]
        if s["unit"] == BenefitUnit.EUR_PER_YEAR:
            row.committed_eur += s["total"] or 0
        else:
            row.committed_fte += s["total"] or 0
    # Which applications committed each benefit (an initiative may have applied twice).
    by_benefit = defaultdict(set)
    for benefit_id, application_id in committed.filter(benefit_id__isnull=False).values_list(
        "benefit_id", "commitment__application_id"
    ):
        by_benefit[benefit_id].add(application_id)
    realised = (
        RealisedBenefit.objects.filter(
            Q(benefit_id__in=committed.values("benefit_id")), date__lte=today
        )
        .values("benefit_id")
        .annotate(eur=Sum("eur"), fte=Sum("fte"))
    )
    for r in realised:
        for application_id in by_benefit[r["benefit_id"]]:
            rows[application_id].realised_eur += r["eur"] or 0
            rows[application_id].realised_fte += r["fte"] or 0


# Charts: Plotly figure JSON, every point carrying the filtered workspace URL it drills down to.

COMMITTED_COLOUR = "#0072b2"  # Okabe–Ito blue and bluish green: told apart by colour-blind eyes
REALISED_COLOUR = "#009e73"


def benefit_by_call_figure(groups: list[CallYear], url) -> dict:
    """Committed EUR per year beside realised EUR for each call and year granted."""
    labels = [plotly_text(f"{g.call} · {g.year}") for g in groups]
    links = [url(call=g.call.pk, state=ApplicationState.GRANTED) for g in groups]
    return {
        "data": [
            {
                "type": "bar",
                "name": plotly_text(gettext("Committed (EUR/year)")),
                "x": labels,
                "y": [float(g.committed_eur) for g in groups],
                "customdata": links,
                "marker": {"color": COMMITTED_COLOUR},
            },
            {
                "type": "bar",
                "name": plotly_text(gettext("Realised (EUR)")),
                "x": labels,
                "y": [float(g.realised_eur) for g in groups],
                "customdata": links,
                "marker": {"color": REALISED_COLOUR, "pattern": {"shape": "/"}},
            },
        ],
        "layout": {
            **LAYOUT,
            "height": 320,
            "barmode": "group",
            "xaxis": {"automargin": True},
            "yaxis": {"rangemode": "tozero"},
        },
    }


def signals_figure(counts: Counter, url) -> dict:
    """How many applications show each signal."""
    codes = list(SIGNAL_LABELS)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [plotly_text(SIGNAL_LABELS[c]) for c in codes],
                "x": [counts.get(c, 0) for c in codes],
                "customdata": [url(signal=c) for c in codes],
                "marker": {"color": COMMITTED_COLOUR},
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "height": 260,
            "margin": {**LAYOUT["margin"], "l": 280},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": count_axis([counts.get(c, 0) for c in codes]),
            "showlegend": False,
        },
    }


def export_table(workspace: Workspace) -> tuple[list, list]:
    """The rows listed, as the CSV and XLSX exports write them."""
    header = [
        gettext("Initiative"),
        gettext("Organisation"),
        gettext("Funding call"),
        gettext("State"),
        gettext("Year granted"),
        gettext("Initiative state"),
        gettext("Amount (EUR)"),
        gettext("Committed benefit (EUR/year)"),
        gettext("Realised benefit (EUR)"),
        gettext("Realisation rate (EUR)"),
        gettext("Committed FTE"),
        gettext("Realised FTE"),
        gettext("Realisation rate (FTE)"),
        gettext("Committed benefits due or overdue"),
        gettext("Overdue"),
        gettext("Weakened or postponed"),
        gettext("Signals"),
    ]
    body = [
        [
            r.initiative.title,
            r.initiative.organisation.name,
            r.application.call.name,
            r.application.get_state_display(),
            r.year,
            r.initiative.get_state_display(),
            r.amount,
            r.committed_eur,
            r.realised_eur,
            _rounded(r.eur_rate),
            r.committed_fte,
            r.realised_fte,
            _rounded(r.fte_rate),
            len(r.due),
            r.overdue,
            len(r.weakened),
            "; ".join(
                [str(SIGNAL_LABELS[c]) for c in SIGNAL_LABELS if c in r.signals]
                + [f"{s.label}: {s.evidence}" for s in (r.radar.signals if r.radar else [])]
            ),
        ]
        for r in workspace.rows
    ]
    return header, body


def _rounded(rate: Decimal | None) -> Decimal | None:
    return rate.quantize(Decimal("0.0001")) if rate is not None else None
