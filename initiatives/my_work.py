"""My work: what is one person's to do, gathered for the page they land on after signing in.

Everything is scoped by the policy first (`visible_to`), then narrowed to the person: the
initiatives they own or are on the team of, with the portfolio's own rows (KPI status, signals,
what is overdue); the open review actions they own; the KPIs whose measurement is due or
overdue and that they answer for, as the `measurement_overdue` reminder picks its recipient;
and, for leaders, the gate requests they decide, the people asking to join an organisation they
lead and the monthly reviews overdue where they lead.
A fixed number of queries, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import BooleanField, Case, Max, Q, Value, When
from django.utils import timezone

from accounts.access import requests_to_decide
from initiatives.models import GateRequest, Initiative, Phase, Review, ReviewAction, State
from initiatives.portfolio import Row, overdue_condition, portfolio_rows
from initiatives.workspace import monthly_review_overdue
from metrics.models import KPI
from metrics.status import ALLOWED_AGE_DAYS
from renewal import policy
from renewal.policy import Action

# A measurement is "due" this many days before it would be overdue.
MEASUREMENT_DUE_DAYS = 7
OPEN_STATES = (State.ACTIVE, State.ON_HOLD)


@dataclass(frozen=True)
class DueKPI:
    kpi: KPI
    overdue: bool
    due_on: date  # the last day before it is overdue


@dataclass(frozen=True)
class DueAction:
    action: ReviewAction
    overdue: bool


@dataclass(frozen=True)
class MyWork:
    today: date
    rows: list[Row]  # the initiatives they own or are on the team of
    actions: list[DueAction]  # open, overdue first
    kpis: list[DueKPI]  # overdue first
    is_leader: bool
    gate_requests: list[GateRequest]
    access_requests: list  # people asking to join an organisation they lead
    reviews_overdue: list[Initiative]
    has_organisation: bool
    can_create: bool

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


def build_my_work(user, today: date | None = None) -> MyWork:
    today = today or timezone.localdate()
    visible = Initiative.objects.visible_to(user)
    mine = visible.filter(Q(owner=user) | Q(team=user)).distinct()
    rows = portfolio_rows(mine.select_related("organisation", "owner").order_by("title"), today)
    rows.sort(key=lambda r: (r.initiative.state not in OPEN_STATES, r.initiative.title))
    is_leader = policy.organisations_for(user, Action.DECIDE).exists()
    return MyWork(
        today=today,
        rows=rows,
        actions=_open_actions(user, visible, today),
        kpis=_due_kpis(user, visible, today),
        is_leader=is_leader,
        gate_requests=gate_requests_for(user) if is_leader else [],
        access_requests=requests_to_decide(user) if is_leader else [],
        reviews_overdue=_reviews_overdue(user, today) if is_leader else [],
        has_organisation=policy.organisations_for(user).exists(),
        can_create=policy.organisations_for(user, Action.CREATE).exists(),
    )


def gate_requests_for(user):
    """Open gate requests the user decides: leaders over the initiative, never their own."""
    return list(
        GateRequest.objects.filter(
            status=GateRequest.Status.OPEN,
            initiative__in=Initiative.objects.visible_to(user, Action.DECIDE),
        )
        .exclude(requested_by=user)
        .select_related("initiative__organisation", "requested_by")
        .order_by("requested_at")
    )


def _open_actions(user, visible, today) -> list[DueAction]:
    actions = (
        ReviewAction.objects.filter(
            owner=user,
            done=False,
            review__initiative__in=visible.filter(state__in=OPEN_STATES),
        )
        .select_related("review__initiative")
        .order_by("due_date", "pk")
    )
    due = [DueAction(a, a.is_overdue(today)) for a in actions]
    return sorted(due, key=lambda d: (not d.overdue, d.action.due_date, d.action.pk))


def _due_kpis(user, visible, today) -> list[DueKPI]:
    """The KPIs whose measurement falls overdue within MEASUREMENT_DUE_DAYS (or already has),
    by the rule the portfolio and the overdue reminder use, and that the user answers for."""
    soon = today + timedelta(days=MEASUREMENT_DUE_DAYS)
    kpis = (
        KPI.objects.filter(
            overdue_condition(soon),
            Q(owner=user) | Q(owner__isnull=True, initiative__owner=user),
            initiative__in=visible.filter(state=State.ACTIVE),
        )
        .annotate(
            is_overdue=Case(
                When(overdue_condition(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("initiative")
    )
    due = [
        DueKPI(
            kpi,
            kpi.is_overdue,
            (kpi.latest_date or kpi.baseline_date) + timedelta(days=ALLOWED_AGE_DAYS[kpi.cadence]),
        )
        for kpi in kpis
    ]
    due.sort(key=lambda d: (not d.overdue, d.due_on, d.kpi.name))
    return due


def _reviews_overdue(user, today) -> list[Initiative]:
    """Initiatives the user leads whose monthly leadership review is overdue: a review decision
    waits for them."""
    candidates = (
        Initiative.objects.visible_to(user, Action.DECIDE)
        .filter(phase=Phase.EXECUTION, state=State.ACTIVE)
        .annotate(last_monthly=Max("reviews__date", filter=Q(reviews__kind=Review.Kind.MONTHLY)))
        .select_related("organisation")
        .order_by("title")
    )
    return [i for i in candidates if monthly_review_overdue(i, i.last_monthly, today)]
