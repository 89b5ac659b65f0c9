"""The leadership portfolio: one context builder that feeds the page, the charts and the exports.

It reads a fixed number of queries whatever the number of initiatives: the initiatives, KPI
counts by cached status (KPI.status, kept current on every measurement write), benefit and
realised-benefit sums, and the last monthly review.

A stopped or completed initiative's KPI status reads as its state (metrics.status.shown_status),
here once, so the page, its filter and totals, the exports, the API, the digest and the PDF agree.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from initiatives import month_on_month
from initiatives.figures import next_reviews
from initiatives.models import (
    Benefit,
    BenefitUnit,
    GateDecision,
    Initiative,
    Phase,
    RealisedBenefit,
    Review,
    State,
)
from initiatives.radar import Radar, radar_for
from initiatives.signals import (
    LABELS,
    NEEDS_FIXING,
    READY_TO_SCALE,
    STOP_CANDIDATE,
    VERDICT_LABELS,
)
from initiatives.spend import budgets_by_initiative, planned_total, spent_by_initiative
from initiatives.workspace import monthly_review_overdue
from metrics.models import KPI
from metrics.status import ALLOWED_AGE_DAYS, CLOSED_STATES, ShownStatus, Status, shown_status
from renewal import policy

PAGE_SIZE = 50
PORTFOLIO_FIELDS = (
    "title",
    "organisation",
    "phase",
    "state",
    "investment_budget",
    "tags",
    "weekly_review_weekday",
    "monthly_review_day",
    "created_at",
)
# Worst first: an initiative's KPI status is its worst KPI's.
STATUS_ORDER = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.NO_DATA, Status.NO_PLAN]
# What an initiative's KPI status can read, in the same order: closed initiatives last.
SHOWN_STATUS_ORDER = [*STATUS_ORDER, ShownStatus.STOPPED, ShownStatus.COMPLETED]

SORTS = {
    "title": lambda r: r.initiative.title.lower(),
    "organisation": lambda r: r.initiative.organisation.name.lower(),
    "phase": lambda r: r.initiative.phase,
    "state": lambda r: r.initiative.state,
    "status": lambda r: SHOWN_STATUS_ORDER.index(r.kpi_status),
    "planned_eur": lambda r: r.planned_eur,
    "realised_eur": lambda r: r.realised_eur,
    "investment": lambda r: r.budget_eur,
    "spent": lambda r: r.spent_eur,
    "next_review": lambda r: r.next_review or date.max,
    "signals": lambda r: (VERDICT_ORDER.index(r.verdict), len(r.signals)),
    "days_in_phase": lambda r: r.days_in_phase or 0,
}
# Stop candidates first, then those needing a fix, ready to scale, and the rest.
VERDICT_ORDER = [READY_TO_SCALE, None, NEEDS_FIXING, STOP_CANDIDATE]


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, empty_label=_("All")
    )
    phase = forms.TypedChoiceField(
        label=_("Phase"),
        choices=[("", _("All"))]
        + [(p.value, format_lazy("{}. {}", p.value, p.label)) for p in Phase],
        coerce=int,
        empty_value=None,
        required=False,
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All")), *State.choices], required=False
    )
    kpi_status = forms.ChoiceField(
        label=_("KPI status"), choices=[("", _("All")), *ShownStatus.choices], required=False
    )
    funding = forms.ChoiceField(
        label=_("Funding"),
        required=False,
        choices=[
            ("", _("All")),
            ("applied", _("Applied for funding")),
            ("granted", _("Funding granted")),
            ("none", _("Not applied")),
        ],
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    signal = forms.ChoiceField(
        label=_("Paradox signal"),
        required=False,
        choices=[("", _("All")), ("any", _("Any signal")), *LABELS.items()],
    )
    verdict = forms.ChoiceField(
        label=_("Stop, fix or scale"),
        required=False,
        choices=[("", _("All")), *VERDICT_LABELS.items()],
    )
    # Year 0 or month 13 would reach the database as an impossible date: a 500, not a filter.
    benefit_month = forms.RegexField(
        label=_("Benefit expected in month"),
        regex=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$",
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("title", _("Title")),
            ("organisation", _("Organisation")),
            ("phase", _("Phase")),
            ("state", _("State")),
            ("status", _("KPI status, worst first")),
            ("-planned_eur", _("Planned benefit, largest first")),
            ("-realised_eur", _("Realised benefit, largest first")),
            ("-investment", _("Planned budget, largest first")),
            ("-spent", _("Spent, largest first")),
            ("next_review", _("Next review, soonest first")),
            ("-signals", _("Stop candidates first")),
            ("-days_in_phase", _("Longest in its phase first")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = policy.organisations_for(user)


@dataclass
class Row:
    initiative: object
    kpi_status: str = Status.NO_DATA
    statuses: Counter = field(default_factory=Counter)
    planned_eur: Decimal = Decimal(0)
    realised_eur: Decimal = Decimal(0)
    planned_fte: Decimal = Decimal(0)
    realised_fte: Decimal = Decimal(0)
    # The money: planned (the yearly budgets, or the investment budget before any) and spent.
    budget_eur: Decimal = Decimal(0)
    spent_eur: Decimal = Decimal(0)
    overdue_measurements: int = 0
    review_overdue: bool = False
    next_review: date | None = None
    # EUR by month ("2027-03"): planned by the benefits' expected month, realised by its date.
    planned_eur_by_month: Counter = field(default_factory=Counter)
    realised_eur_by_month: Counter = field(default_factory=Counter)
    # The paradox radar: signals with their evidence, and the stop/fix/scale verdict.
    radar: Radar | None = None

    @property
    def signals(self) -> list:
        return self.radar.signals if self.radar else []

    @property
    def verdict(self) -> str | None:
        return self.radar.verdict if self.radar else None

    @property
    def days_in_phase(self) -> int | None:
        since = self.radar.facts.phase_since if self.radar else None
        return (self.radar_today - since).days if since else None

    radar_today: date | None = None
    # Month on month: this initiative's snapshot of last month (None when it has none).
    last_snapshot: object | None = None

    @property
    def status_change(self) -> str | None:
        """better, worse, same, changed or new: the KPI status against last month's."""
        if self.last_snapshot is None:
            # New only when it did not exist last month; otherwise the month was not snapshotted.
            created = timezone.localdate(self.initiative.created_at)
            is_new = self.radar_today and created >= month_on_month.last_month(self.radar_today)
            return month_on_month.NEW if is_new else None
        return month_on_month.status_change(self.last_snapshot.kpi_status, self.kpi_status)

    @property
    def was_status_label(self) -> str:
        return (
            month_on_month.status_label(self.last_snapshot.kpi_status) if self.last_snapshot else ""
        )

    @property
    def new_signals(self) -> list:
        """The signals that fire now and did not in last month's snapshot."""
        if self.last_snapshot is None:
            return []
        return [s for s in self.signals if s.code not in self.last_snapshot.signals]

    @property
    def kpi_status_label(self):
        return ShownStatus(self.kpi_status).label

    @property
    def overdue(self) -> bool:
        return self.overdue_measurements > 0 or self.review_overdue


@dataclass
class Portfolio:
    rows: list[Row]
    filters: PortfolioFilterForm
    today: date
    # The filtered initiatives' pks as a subquery, and whether rows were narrowed further in
    # Python (by KPI status, signal or verdict): the trend counts exactly the rows listed.
    scope: object = None
    narrowed: bool = False

    @property
    def totals(self) -> dict:
        return {
            "count": len(self.rows),
            "planned_eur": sum((r.planned_eur for r in self.rows), Decimal(0)),
            "realised_eur": sum((r.realised_eur for r in self.rows), Decimal(0)),
            "planned_fte": sum((r.planned_fte for r in self.rows), Decimal(0)),
            "realised_fte": sum((r.realised_fte for r in self.rows), Decimal(0)),
            "investment": sum((r.budget_eur for r in self.rows), Decimal(0)),
            "spent": sum((r.spent_eur for r in self.rows), Decimal(0)),
            "overdue": sum(1 for r in self.rows if r.overdue),
        }

    def page(self, number: int | None):
        number = max(1, number or 1)
        pages = max(1, -(-len(self.rows) // PAGE_SIZE))
        number = min(number, pages)
        start = (number - 1) * PAGE_SIZE
        return self.rows[start : start + PAGE_SIZE], number, pages

    def benefits_by_month(self) -> tuple[dict, dict]:
        """Planned EUR by expected month and realised EUR by month, for the chart over time."""
        planned, realised = Counter(), Counter()
        for r in self.rows:
            planned.update(r.planned_eur_by_month)
            realised.update(r.realised_eur_by_month)
        return dict(planned), dict(realised)

    def stop_fix_scale(self) -> dict[str, list[Row]]:
        """The ranked candidates: stop (most stop signals, then most spent, first), fix (most
        signals first) and scale (most of the planned benefit realised first)."""
        groups = {STOP_CANDIDATE: [], NEEDS_FIXING: [], READY_TO_SCALE: []}
        for row in self.rows:
            if row.verdict in groups:
                groups[row.verdict].append(row)
        groups[STOP_CANDIDATE].sort(
            key=lambda r: (-sum(s.severity == "stop" for s in r.signals), -r.spent_eur)
        )
        groups[NEEDS_FIXING].sort(key=lambda r: (-len(r.signals), -r.spent_eur))
        groups[READY_TO_SCALE].sort(key=lambda r: -r.realised_eur)
        return groups

    def decisions_since(self, since: date) -> tuple[list, list]:
        """The gate decisions and the review decisions on these initiatives since a day, newest
        first, in two queries: the monthly digest and the monthly PDF list both."""
        ids = [r.initiative.pk for r in self.rows]
        gates = list(
            GateDecision.objects.filter(initiative_id__in=ids, decided_at__date__gte=since)
            .select_related("initiative", "decided_by")
            .order_by("-decided_at", "-id")
        )
        reviews = list(
            Review.objects.filter(initiative_id__in=ids, date__gte=since)
            .select_related("initiative")
            .order_by("-date", "-id")
        )
        return gates, reviews

    def verdict_trend(self) -> list:
        """Stop candidates, needing fixing and ready to scale in each of the last twelve months,
        from the snapshots of the initiatives listed: one query."""
        ids = [r.initiative.pk for r in self.rows] if self.narrowed else None
        scope = self.scope if self.scope is not None else [r.initiative.pk for r in self.rows]
        return month_on_month.verdict_trend(scope, self.today, ids)

    def phase_counts(self) -> list[tuple[int, str, int]]:
        counts = Counter(r.initiative.phase for r in self.rows)
        return [(p.value, p.label, counts.get(p.value, 0)) for p in Phase]

    def status_by_organisation(self) -> dict:
        table: dict[str, Counter] = defaultdict(Counter)
        ids: dict[str, int] = {}
        for r in self.rows:
            name = r.initiative.organisation.name
            ids[name] = r.initiative.organisation_id
            table[name][r.kpi_status] += 1
        return {"organisations": sorted(table), "ids": ids, "counts": table}


def build_portfolio(
    user, params, today: date | None = None, since_last_month: bool = False
) -> Portfolio:
    """The user's portfolio, filtered by `params`; `since_last_month` reads last month's
    snapshots too (one query more: the page shows them, the exports and the API do not)."""
    today = today or timezone.localdate()
    form = PortfolioFilterForm(params, user=user)
    cleaned = form.cleaned_data if form.is_valid() else {}
    queryset = _filtered(Initiative.objects.visible_to(user), cleaned, user)
    result = portfolio_rows(queryset, today, since_last_month=since_last_month)
    if cleaned.get("kpi_status"):
        result = [r for r in result if r.kpi_status == cleaned["kpi_status"]]
    if cleaned.get("signal") == "any":
        result = [r for r in result if r.signals]
    elif cleaned.get("signal"):
        result = [r for r in result if cleaned["signal"] in r.radar.codes]
    if cleaned.get("verdict"):
        result = [r for r in result if r.verdict == cleaned["verdict"]]
    sort = cleaned.get("sort") or "title"
    result.sort(key=SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    narrowed = any(cleaned.get(key) for key in ("kpi_status", "signal", "verdict"))
    return Portfolio(result, form, today, scope=queryset.values("pk"), narrowed=narrowed)


def portfolio_rows(initiatives, today: date, since_last_month: bool = False) -> list[Row]:
    """One Row per initiative of a queryset already scoped by the policy, in a fixed number of
    queries. The page, the exports and the API all read their figures from here; the monthly
    snapshots store them. `since_last_month` adds last month's snapshot (one query more)."""
    rows = {i.pk: Row(i) for i in initiatives}
    # The same filtered queryset, reused as a subquery by the aggregates below.
    initiatives = initiatives.values("pk")
    if rows:
        _add_kpi_status(rows, initiatives, today)
        _add_benefits(rows, initiatives)
        _add_spend(rows, initiatives)
        _add_reviews(rows, initiatives, today)
        _add_radar(rows, initiatives, today)
        if since_last_month:
            last = month_on_month.snapshots_of(initiatives, month_on_month.last_month(today))
            for pk, row in rows.items():
                row.last_snapshot = last.get(pk)
    return list(rows.values())


def _add_radar(rows, initiatives, today):
    overdue = {pk: (r.overdue_measurements, r.review_overdue) for pk, r in rows.items()}
    found = radar_for([r.initiative for r in rows.values()], today, overdue, scope=initiatives)
    for pk, row in rows.items():
        row.radar, row.radar_today = found[pk], today


def _filtered(queryset, cleaned, user):
    # Only what the page, the charts and the exports show: a thousand rows add up.
    # A thousand initiatives share a few dozen organisations: prefetching loads each one once
    # instead of building a copy per row, as select_related would.
    queryset = queryset.only(*PORTFOLIO_FIELDS).prefetch_related("organisation")
    if cleaned.get("organisation"):
        queryset = queryset.filter(organisation__path__startswith=cleaned["organisation"].path)
    if cleaned.get("phase"):
        queryset = queryset.filter(phase=cleaned["phase"])
    if cleaned.get("state"):
        queryset = queryset.filter(state=cleaned["state"])
    if cleaned.get("funding"):
        if cleaned["funding"] == "granted":
            queryset = queryset.granted_funding(user)
        else:
            queryset = queryset.applied_for_funding(user, cleaned["funding"] == "applied")
    if cleaned.get("tag"):
        queryset = queryset.filter(tags__icontains=f"|{cleaned['tag'].strip()}|")
    if cleaned.get("q"):
        q = cleaned["q"].strip()
        queryset = queryset.filter(Q(title__icontains=q) | Q(problem__icontains=q))
    if cleaned.get("benefit_month"):
        year, month = (int(x) for x in cleaned["benefit_month"].split("-"))
        queryset = queryset.filter(
            benefits__expected_date__year=year, benefits__expected_date__month=month
        ).distinct()
    return queryset


def overdue_condition(today) -> Q:
    """KPIs whose latest measurement (or baseline, before any) is older than the cadence allows."""
    condition = Q(pk__in=[])
    for cadence, days in ALLOWED_AGE_DAYS.items():
        cutoff = today - timedelta(days=days)
        condition |= Q(cadence=cadence) & (
            Q(latest_date__lt=cutoff) | Q(latest_date__isnull=True, baseline_date__lt=cutoff)
        )
    return condition


def _add_kpi_status(rows, initiatives, today):
    # One row per initiative, a count per status in columns: a thousand rows, not three.
    counts = (
        KPI.objects.filter(initiative__in=initiatives)
        .values("initiative_id")
        .annotate(
            overdue=Count("pk", filter=overdue_condition(today)),
            **{status: Count("pk", filter=Q(status=status)) for status in STATUS_ORDER},
        )
    )
    for c in counts:
        row = rows[c["initiative_id"]]
        row.statuses.update({status: c[status] for status in STATUS_ORDER if c[status]})
        row.overdue_measurements = c["overdue"]
    for row in rows.values():
        worst = next((s for s in STATUS_ORDER if row.statuses[s]), Status.NO_DATA)
        row.kpi_status = shown_status(worst, row.initiative.state)
        if row.initiative.state in CLOSED_STATES:
            # Nothing is measured or due any more: its KPIs count under its state, none overdue.
            kpis = row.statuses.total()
            row.statuses = Counter({row.kpi_status: kpis} if kpis else {})
            row.overdue_measurements = 0


def _add_benefits(rows, initiatives):
    planned = (
        Benefit.objects.filter(initiative__in=initiatives, is_disbenefit=False)
        .values("initiative_id", "unit", "expected_date")
        .annotate(total=Sum("quantity"))
    )
    for p in planned:
        row, total = rows[p["initiative_id"]], p["total"] or 0
        if p["unit"] == BenefitUnit.EUR_PER_YEAR:
            row.planned_eur += total
            if p["expected_date"]:
                row.planned_eur_by_month[p["expected_date"].strftime("%Y-%m")] += total
        elif p["unit"] == BenefitUnit.FTE:
            row.planned_fte += total
    realised = (
        RealisedBenefit.objects.filter(benefit__initiative__in=initiatives)
        .values("benefit__initiative_id", "date")
        .annotate(eur=Sum("eur"), fte=Sum("fte"))
    )
    for r in realised:
        row = rows[r["benefit__initiative_id"]]
        row.realised_eur += r["eur"] or 0
        row.realised_fte += r["fte"] or 0
        if r["eur"] is not None:
            row.realised_eur_by_month[r["date"].strftime("%Y-%m")] += r["eur"]


def _add_spend(rows, initiatives):
    # Two grouped sums, whatever the number of initiatives.
    budgets, spent = budgets_by_initiative(initiatives), spent_by_initiative(initiatives)
    for pk, row in rows.items():
        row.budget_eur = planned_total(budgets.get(pk), row.initiative.investment_budget)
        row.spent_eur = spent.get(pk) or Decimal(0)


def _add_reviews(rows, initiatives, today):
    last_monthly = dict(
        Review.objects.filter(initiative__in=initiatives, kind=Review.Kind.MONTHLY)
        .values("initiative_id")
        .annotate(last=Max("date"))
        .values_list("initiative_id", "last")
    )
    for row in rows.values():
        initiative = row.initiative
        upcoming = next_reviews(initiative, today)
        dates = [d for d in upcoming.values() if d]
        row.next_review = min(dates) if dates else None
        row.review_overdue = monthly_review_overdue(
            initiative, last_monthly.get(initiative.pk), today
        )
