"""Committed vs current and committed vs realised: pure functions over the frozen commitment.

The officer's question is "did they weaken what they promised?": a target made easier, a date
moved later, a KPI or benefit removed. And "is the promised benefit arriving on time?".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from funding.models import CommittedBenefit, CommittedKPI
from initiatives.models import Benefit, RealisedBenefit
from metrics.models import KPI, Direction, Measurement, Milestone
from metrics.status import KPIStatus, Trend, kpi_status, projected_date, trend

REMOVED = "removed"
WEAKENED = "weakened"
POSTPONED = "postponed"
BASELINE_CHANGED = "baseline_changed"
REDUCED = "reduced"

FLAG_LABELS = {
    REMOVED: _("removed since the commitment"),
    WEAKENED: _("target weakened"),
    POSTPONED: _("date postponed"),
    BASELINE_CHANGED: _("baseline changed"),
    REDUCED: _("amount reduced"),
}


def weakened_target(direction, committed, current) -> bool:
    """True when the current target asks for less than the committed one.

    For "higher is better" a lower target is weaker; for "lower is better" a higher one. A target
    removed altogether is weakest of all.
    """
    if committed is None:
        return False
    if current is None:
        return True
    if direction == Direction.HIGHER:
        return current < committed
    return current > committed


def postponed(committed: date | None, current: date | None) -> bool:
    if committed is None:
        return False
    return current is None or current > committed


@dataclass
class KPIComparison:
    committed: object
    current: object | None
    flags: list[str] = field(default_factory=list)
    # The live part (`compare_commitments(..., live=True)`): the current KPI's status from its
    # measurements (latest value and date, shown for the initiative's state), the trend of the
    # recent measurements and when that trend reaches the *committed* target.
    status: KPIStatus | None = None
    trend: Trend | None = None
    projected_committed: date | None = None

    @property
    def trend_label(self):
        return Trend(self.trend).label if self.trend else ""

    @property
    def committed_reached(self) -> bool:
        """The latest measured value is at or beyond the committed target."""
        latest = self.status.latest_value if self.status else None
        target = self.committed.target_value
        if latest is None or target is None:
            return False
        return (
            latest >= target if self.committed.direction == Direction.HIGHER else latest <= target
        )

    @property
    def flag_labels(self):
        return [FLAG_LABELS[f] for f in self.flags]


@dataclass
class BenefitComparison:
    committed: object
    current: object | None
    realised: Decimal = Decimal(0)
    flags: list[str] = field(default_factory=list)
    overdue: bool = False
    # The live part: each realisation recorded (date, amount, where it shows), oldest first, and
    # how much of it was realised by the committed date.
    realisations: list = field(default_factory=list)

    @property
    def realised_by_expected_date(self) -> Decimal | None:
        if self.committed.expected_date is None:
            return None
        return sum(
            (r.amount for r in self.realisations if r.date <= self.committed.expected_date),
            Decimal(0),
        )

    @property
    def flag_labels(self):
        return [FLAG_LABELS[f] for f in self.flags]

    @property
    def realisation_rate(self):
        quantity = self.committed.quantity
        return self.realised / quantity if quantity else None


def compare_kpi(committed, current) -> KPIComparison:
    if current is None:
        return KPIComparison(committed, None, [REMOVED])
    flags = []
    if weakened_target(committed.direction, committed.target_value, current.target_value):
        flags.append(WEAKENED)
    if postponed(committed.target_date, current.target_date):
        flags.append(POSTPONED)
    if committed.baseline_value != current.baseline_value:
        flags.append(BASELINE_CHANGED)
    return KPIComparison(committed, current, flags)


def compare_benefit(committed, current, realised: Decimal, today: date) -> BenefitComparison:
    flags = []
    if current is None:
        flags.append(REMOVED)
    else:
        if (
            committed.quantity is not None
            and not committed.is_disbenefit
            and (current.quantity is None or current.quantity < committed.quantity)
        ):
            flags.append(REDUCED)
        if postponed(committed.expected_date, current.expected_date):
            flags.append(POSTPONED)
    due = committed.expected_date is not None and committed.expected_date < today
    short = committed.quantity is not None and realised < committed.quantity
    overdue = due and short and not committed.is_disbenefit
    return BenefitComparison(committed, current, realised, flags, overdue)


@dataclass
class CommitmentComparison:
    kpis: list[KPIComparison]
    benefits: list[BenefitComparison]

    @property
    def flagged(self) -> int:
        return sum(1 for c in self.kpis + self.benefits if c.flags)

    @property
    def overdue(self) -> int:
        return sum(1 for b in self.benefits if b.overdue)


def compare_commitment(commitment, today: date, live: bool = False) -> CommitmentComparison:
    """The commitment beside the initiative as it is now, in five queries (eight `live`)."""
    return compare_commitments([commitment.pk], today, live)[commitment.pk]


def compare_commitments(
    commitment_ids, today: date, live: bool = False
) -> dict[int, CommitmentComparison]:
    """Several commitments beside their initiatives as they are now, in five queries whatever
    their number: for the officer's list as much as for one application.

    `live` adds, in three queries more, what was measured and realised since: each KPI's status,
    trend and projected date of reaching the committed target, and each benefit's realisations."""
    committed_kpis = list(CommittedKPI.objects.filter(commitment_id__in=commitment_ids))
    committed_benefits = list(CommittedBenefit.objects.filter(commitment_id__in=commitment_ids))
    kpis = KPI.objects.select_related("initiative").in_bulk(
        [c.kpi_id for c in committed_kpis if c.kpi_id]
    )
    benefits = Benefit.objects.in_bulk([c.benefit_id for c in committed_benefits if c.benefit_id])
    realised = realised_by_benefit([c.benefit_id for c in committed_benefits])
    result = {pk: CommitmentComparison([], []) for pk in commitment_ids}
    for c in committed_kpis:
        result[c.commitment_id].kpis.append(compare_kpi(c, kpis.get(c.kpi_id)))
    for c in committed_benefits:
        result[c.commitment_id].benefits.append(
            compare_benefit(c, benefits.get(c.benefit_id), realised.get(c.benefit_id, 0), today)
        )
    if live:
        _add_live(result, kpis, today)
    return result


def _add_live(result: dict[int, CommitmentComparison], kpis: dict, today: date) -> None:
    """Measurements, milestones and realisations of the compared KPIs and benefits: three
    queries, whatever their number."""
    measurements, milestones, realisations = defaultdict(list), defaultdict(list), defaultdict(list)
    for m in Measurement.objects.filter(kpi_id__in=kpis).order_by("date", "id"):
        measurements[m.kpi_id].append(m)
    for m in Milestone.objects.filter(kpi_id__in=kpis):
        milestones[m.kpi_id].append(m)
    benefit_ids = [b.committed.benefit_id for c in result.values() for b in c.benefits]
    for r in RealisedBenefit.objects.filter(benefit_id__in=[i for i in benefit_ids if i]).order_by(
        "date", "id"
    ):
        realisations[r.benefit_id].append(r)
    for comparison in result.values():
        for k in comparison.kpis:
            if k.current is None:
                continue
            points = [m for m in measurements[k.current.pk] if m.date <= today]
            status = kpi_status(k.current, points, today, milestones[k.current.pk])
            k.status = status.for_state(k.current.initiative.state)
            k.trend = trend(k.current.direction, points)
            if not k.committed_reached:
                k.projected_committed = projected_date(k.committed, points)
        for b in comparison.benefits:
            b.realisations = realisations.get(b.committed.benefit_id, [])


def realised_by_benefit(benefit_ids) -> dict[int, Decimal]:
    rows = (
        RealisedBenefit.objects.filter(benefit_id__in=[i for i in benefit_ids if i])
        .values("benefit_id")
        .annotate(total=Sum("amount"))
    )
    return {r["benefit_id"]: r["total"] or Decimal(0) for r in rows}
