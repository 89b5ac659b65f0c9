"""The demo's monthly portfolio snapshots for the last twelve months, so the trend and "since
last month" show something on the first run.

Derived from each demo initiative's own data, not invented noise: the phase climbs to today's
over the year, spend and realised benefit are those recorded up to each month's end, today's
signals appear one after another in the last months (and the verdict with them), and the KPI
status moves towards today's. This month's snapshot is the real job's. Safe to run twice: a
month already stored is kept (the unique constraint, ignore_conflicts).
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from initiatives.models import (
    Initiative,
    MonthlySpend,
    PortfolioSnapshot,
    RealisedBenefit,
    State,
)
from initiatives.month_on_month import TREND_MONTHS, months_back
from initiatives.portfolio import PORTFOLIO_FIELDS, portfolio_rows
from initiatives.signals import NEEDS_FIXING, READY_TO_SCALE, STOP, STOP_CANDIDATE
from initiatives.snapshots import snapshot_portfolio
from metrics.status import Status

# Today's KPI status, and what it was n months ago (index 1 = last month): off track slid from
# on track through at risk, at risk is recovering from off track, the rest held steady.
HISTORY = {
    Status.OFF_TRACK: [Status.AT_RISK] * 3 + [Status.ON_TRACK] * 9,
    Status.AT_RISK: [Status.OFF_TRACK] * 3 + [Status.AT_RISK] * 3 + [Status.ON_TRACK] * 6,
    Status.ON_TRACK: [Status.ON_TRACK] * 3 + [Status.AT_RISK] * 9,
}


def seed_snapshots(titles, now: datetime) -> int:
    today = timezone.localdate(now)
    month = today.replace(day=1)
    queryset = (
        Initiative.objects.filter(title__in=titles)
        .only(*PORTFOLIO_FIELDS, "start_date")
        .prefetch_related("organisation")
    )
    rows = portfolio_rows(queryset, today)
    # What each initiative spent and realised, dated: summed up to each month's end below.
    spend, realised = defaultdict(list), defaultdict(list)
    ids = [row.initiative.pk for row in rows]
    for pk, on, eur in MonthlySpend.objects.filter(initiative__in=ids).values_list(
        "initiative", "month", "amount_eur"
    ):
        spend[pk].append((on, eur))
    for pk, on, eur in RealisedBenefit.objects.filter(
        benefit__initiative__in=ids, eur__isnull=False
    ).values_list("benefit__initiative", "date", "eur"):
        realised[pk].append((on, eur))
    snapshots = []
    for row in rows:
        initiative = row.initiative
        for back in range(1, TREND_MONTHS):
            first = months_back(month, back)
            end = months_back(month, back - 1) - timedelta(days=1)
            if timezone.localdate(initiative.created_at) > end and not _started(initiative, end):
                continue
            totals = (_until(spend[initiative.pk], end), _until(realised[initiative.pk], end))
            snapshots.append(_snapshot(row, back, first, end, now, totals))
    PortfolioSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
    return snapshot_portfolio(now) + len(snapshots)


def _started(initiative, end) -> bool:
    # Demo initiatives are created today with a start date in the past: that is their history.
    return initiative.start_date is not None and initiative.start_date <= end


def _until(dated, end) -> Decimal:
    return sum((eur for on, eur in dated if on <= end), Decimal(0))


def _snapshot(row, back, first, end, now, totals) -> PortfolioSnapshot:
    initiative = row.initiative
    closed = initiative.state in (State.STOPPED, State.COMPLETED)
    # Today's signals appeared one by one: the last of them last month, the first long before.
    signals = [s for i, s in enumerate(row.signals) if back <= 2 * (i + 1)]
    if any(s.severity == STOP for s in signals):
        verdict = STOP_CANDIDATE
    elif signals:
        verdict = NEEDS_FIXING
    else:
        verdict = READY_TO_SCALE if row.verdict == READY_TO_SCALE and back <= 2 else None
    status = row.kpi_status
    if closed:
        status = Status.OFF_TRACK if initiative.state == State.STOPPED else Status.ON_TRACK
    status = HISTORY.get(status, [status] * TREND_MONTHS)[back - 1]
    if closed and back <= 1:
        status = row.kpi_status
    spent, realised = totals
    phase = 1 + (initiative.phase - 1) * (TREND_MONTHS - back) // TREND_MONTHS
    return PortfolioSnapshot(
        initiative=initiative,
        month=first,
        phase=phase,
        state=State.ACTIVE if closed and back > 1 else initiative.state,
        kpi_status=status,
        verdict=None if closed and back <= 1 else verdict,
        signals=[s.code for s in signals],
        budget_eur=row.budget_eur,
        spent_eur=spent,
        planned_eur=row.planned_eur,
        realised_eur=realised,
        taken_at=timezone.make_aware(datetime.combine(first, time(2, 30))),
    )
