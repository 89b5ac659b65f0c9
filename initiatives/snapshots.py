"""Month on month: the monthly portfolio snapshot and what the portfolio reads back from it.

`snapshot_portfolio(now)` stores, for the month of `now` (in TIME_ZONE), one PortfolioSnapshot
per initiative that has none for that month yet, with the figures the portfolio page shows. The
beat runs it daily: the first run of a month stores the month, the rest find nothing to do, and a
month whose first days were missed is caught up on the next run. A month that passed without a
run is not invented: the figures are always those in the database at the run. Two runs at once
store one snapshot per initiative and month: the unique constraint refuses the second row, and
bulk_create ignores the conflict.
"""

from datetime import date, datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from initiatives.models import Initiative, PortfolioSnapshot
from initiatives.portfolio import PORTFOLIO_FIELDS, portfolio_rows

BATCH = 500


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is read in settings.TIME_ZONE."""
    moment = datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def month_of(day: date) -> date:
    return day.replace(day=1)


def snapshot_portfolio(now: datetime) -> int:
    """Store this month's snapshot of every initiative that has none; return how many."""
    today = timezone.localdate(now)
    month = month_of(today)
    taken = PortfolioSnapshot.objects.filter(initiative=OuterRef("pk"), month=month)
    pending = list(
        Initiative.objects.filter(created_at__lte=now)
        .exclude(Exists(taken))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    before = PortfolioSnapshot.objects.filter(month=month).count()
    for start in range(0, len(pending), BATCH):
        store_snapshots(pending[start : start + BATCH], month, today, now)
    return PortfolioSnapshot.objects.filter(month=month).count() - before


def store_snapshots(pks, month: date, today: date, now: datetime) -> None:
    """The snapshots of these initiatives for `month`; one already there is kept as it is."""
    queryset = (
        Initiative.objects.filter(pk__in=pks)
        .only(*PORTFOLIO_FIELDS)
        .prefetch_related("organisation")
    )
    PortfolioSnapshot.objects.bulk_create(
        [
            PortfolioSnapshot(
                initiative_id=row.initiative.pk,
                month=month,
                phase=row.initiative.phase,
                state=row.initiative.state,
                kpi_status=row.kpi_status,
                verdict=row.verdict,
                signals=row.radar.codes if row.radar else [],
                budget_eur=row.budget_eur,
                spent_eur=row.spent_eur,
                planned_eur=row.planned_eur,
                realised_eur=row.realised_eur,
                taken_at=now,
            )
            for row in portfolio_rows(queryset, today)
        ],
        ignore_conflicts=True,
    )
