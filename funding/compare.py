"""Committed vs current and committed vs realised: pure functions over the frozen commitment.

The officer's question is "did they weaken what they promised?": a target made easier, a date
moved later, a KPI or benefit removed. And "is the promised benefit arriving on time?".
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from funding.models import CommittedBenefit, CommittedKPI
from initiatives.models import Benefit, RealisedBenefit
from metrics.models import KPI, Direction

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


def compare_commitment(commitment, today: date) -> CommitmentComparison:
    """The commitment beside the initiative as it is now, in five queries."""
    return compare_commitments([commitment.pk], today)[commitment.pk]


def compare_commitments(commitment_ids, today: date) -> dict[int, CommitmentComparison]:
    """Several commitments beside their initiatives as they are now, in five queries whatever
    their number: for the officer's list as much as for one application."""
    committed_kpis = list(CommittedKPI.objects.filter(commitment_id__in=commitment_ids))
    committed_benefits = list(CommittedBenefit.objects.filter(commitment_id__in=commitment_ids))
    kpis = KPI.objects.in_bulk([c.kpi_id for c in committed_kpis if c.kpi_id])
    benefits = Benefit.objects.in_bulk([c.benefit_id for c in committed_benefits if c.benefit_id])
    realised = realised_by_benefit([c.benefit_id for c in committed_benefits])
    result = {pk: CommitmentComparison([], []) for pk in commitment_ids}
    for c in committed_kpis:
        result[c.commitment_id].kpis.append(compare_kpi(c, kpis.get(c.kpi_id)))
    for c in committed_benefits:
        result[c.commitment_id].benefits.append(
            compare_benefit(c, benefits.get(c.benefit_id), realised.get(c.benefit_id, 0), today)
        )
    return result


def realised_by_benefit(benefit_ids) -> dict[int, Decimal]:
    rows = (
        RealisedBenefit.objects.filter(benefit_id__in=[i for i in benefit_ids if i])
        .values("benefit_id")
        .annotate(total=Sum("amount"))
    )
    return {r["benefit_id"]: r["total"] or Decimal(0) for r in rows}
