"""What the portfolio reads back from the monthly snapshots: how each initiative's KPI status
and signals changed since last month, and the stop/fix/scale counts of the last twelve months.

Each is one query whatever the number of initiatives; the snapshots are written by
`initiatives.snapshots.snapshot_portfolio`.
"""

from datetime import date

from django.db.models import Count

from initiatives.models import PortfolioSnapshot
from initiatives.signals import NEEDS_FIXING, READY_TO_SCALE, STOP_CANDIDATE
from metrics.status import ShownStatus, Status

TREND_MONTHS = 12
TREND_VERDICTS = (STOP_CANDIDATE, NEEDS_FIXING, READY_TO_SCALE)
# Only these three are better or worse than one another; any other change is just a change.
STATUS_RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2}

BETTER, WORSE, SAME, CHANGED, NEW = "better", "worse", "same", "changed", "new"


def months_back(month: date, count: int) -> date:
    """The first day of the month `count` months before `month` (a first day)."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def last_month(today: date) -> date:
    return months_back(today.replace(day=1), 1)


def snapshots_of(scope, month: date) -> dict[int, PortfolioSnapshot]:
    """Each initiative's snapshot of one month, keyed by initiative: one query."""
    return {
        s.initiative_id: s
        for s in PortfolioSnapshot.objects.filter(initiative__in=scope, month=month).only(
            "initiative_id", "month", "kpi_status", "verdict", "signals"
        )
    }


def status_change(previous: str, current: str) -> str:
    """Better, worse, same, or changed (e.g. to stopped or to no data)."""
    if previous == current:
        return SAME
    if previous in STATUS_RANK and current in STATUS_RANK:
        return BETTER if STATUS_RANK[current] > STATUS_RANK[previous] else WORSE
    return CHANGED


def status_label(status: str) -> str:
    return str(ShownStatus(status).label) if status in ShownStatus.values else status


def verdict_trend(scope, today: date, ids=None) -> list[tuple[date, dict[str, int]]]:
    """The number of stop candidates, of those needing fixing and of those ready to scale in
    each of the last twelve months (this one included), from the snapshots of the initiatives
    in `scope` (a queryset of pks), or only of `ids` when given. One query."""
    first = months_back(today.replace(day=1), TREND_MONTHS - 1)
    snapshots = PortfolioSnapshot.objects.filter(
        initiative__in=scope, month__gte=first, verdict__in=TREND_VERDICTS
    )
    if ids is not None:
        snapshots = snapshots.filter(initiative_id__in=ids)
    counts = {
        (c["month"], c["verdict"]): c["n"]
        for c in snapshots.values("month", "verdict").annotate(n=Count("pk")).order_by()
    }
    months = [months_back(first, -i) for i in range(TREND_MONTHS)]
    return [(m, {v: counts.get((m, v), 0) for v in TREND_VERDICTS}) for m in months]
