"""What the paradox radar knows about many initiatives at once, in a fixed number of queries.

`radar_for(initiatives, today)` gathers each initiative's `signals.Facts` from the database with
one aggregated query per kind of fact (never one per initiative, never the measurements
themselves: KPIs carry their cached latest value and status), runs the rules and gives each its
signals and its stop/fix/scale verdict. The portfolio, the initiative page, the digest, the
reports, the officer's workspace and the API read the same result.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from initiatives import signals as rules
from initiatives.models import (
    Benefit,
    BenefitKind,
    BenefitUnit,
    GateDecision,
    Initiative,
    MonthlySpend,
    RealisedBenefit,
    Reallocation,
    Responsibility,
    Review,
    ValueStreamVersion,
)
from initiatives.models.planning import ShowsIn, capacity_hours
from metrics.models import KPI
from metrics.status import Status

# Each initiative's facts by its pk, and the pks asked about (a list, or a queryset of them).
FactsByPk = dict[int, rules.Facts]
Ids = list[int] | QuerySet[Any, Any]

CAPACITY_UNITS = {BenefitUnit.FTE, BenefitUnit.HOURS_PER_MONTH}
MONTHLY_REVIEWS_READ = 2


@dataclass(frozen=True)
class Radar:
    """One initiative's signals and verdict, with the facts they came from."""

    facts: rules.Facts
    signals: list[rules.Signal]
    verdict: str | None

    @property
    def verdict_label(self) -> str:
        return str(rules.VERDICT_LABELS[self.verdict]) if self.verdict else ""

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.signals]


def radar_for(
    initiatives: Iterable[Initiative],
    today: date,
    overdue: dict[int, tuple[int, bool]] | None = None,
    scope: QuerySet[Any, Any] | None = None,
) -> dict[int, Radar]:
    """Radar for each initiative (objects with pk, state, phase, created_at), keyed by pk.

    `overdue` maps pk → (overdue measurements, review overdue) when the caller has computed
    them already (the portfolio has); otherwise nothing counts as overdue. `scope`, a queryset
    of the same initiatives' pks, keeps the queries' IN lists short for a large portfolio.
    """
    by_pk = {i.pk: i for i in initiatives}
    if not by_pk:
        return {}
    ids: Ids = scope if scope is not None else list(by_pk)
    facts = {
        pk: rules.Facts(
            state=i.state,
            phase=i.phase,
            phase_since=None,
            overdue_measurements=(overdue or {}).get(pk, (0, False))[0],
            review_overdue=(overdue or {}).get(pk, (0, False))[1],
        )
        for pk, i in by_pk.items()
    }
    _phase_since(facts, by_pk, ids)
    _kpis(facts, ids)
    _reallocations(facts, ids)
    _accountable(facts, ids)
    _monthly_reviews(facts, ids)
    _spend(facts, ids)
    _value_stream(facts, ids)
    rates = _benefits(facts, ids)
    result = {}
    for pk, fact in facts.items():
        fired = rules.signals(fact, today)
        result[pk] = Radar(fact, fired, rules.verdict(fact, fired, rates.get(pk)))
    return result


def _phase_since(facts: FactsByPk, by_pk: dict[int, Initiative], ids: Ids) -> None:
    """When each initiative entered its current phase: the latest decision that moved it there."""
    moves = (
        GateDecision.objects.filter(
            initiative_id__in=ids,
            outcome__in=[GateDecision.Outcome.APPROVED, GateDecision.Outcome.MOVED_BACK],
        )
        .values_list("initiative_id", "to_phase")
        .annotate(at=Max("decided_at"))
    )
    latest = {(pk, phase): at for pk, phase, at in moves}
    for pk, fact in facts.items():
        moved = latest.get((pk, fact.phase))
        started = moved or getattr(by_pk[pk], "created_at", None)
        fact.phase_since = timezone.localtime(started).date() if started else None


def _kpis(facts: FactsByPk, ids: Ids) -> None:
    rows = KPI.objects.filter(initiative_id__in=ids).values_list(
        "initiative_id", "name", "direction", "baseline_value", "latest_value", "status", "owner_id"
    )
    for pk, name, direction, baseline, latest, status, owner in rows:
        facts[pk].kpis.append(
            rules.KPIFacts(name, direction, baseline, latest, status, owner is not None)
        )


def _benefits(facts: FactsByPk, ids: Ids) -> dict[int, Decimal]:
    """Each initiative's benefits as facts; returns its realisation rate: the mean over its
    planned benefits of realised ÷ planned, each capped at 1 (units differ between benefits)."""
    booked = RealisedBenefit.objects.filter(
        benefit=OuterRef("pk"), shows_in__in=[ShowsIn.BUDGET, ShowsIn.STAFFING_PLAN]
    )
    rows = (
        Benefit.objects.filter(initiative_id__in=ids)
        .annotate(
            booked=Exists(booked),
            realised=Sum("realisations__amount"),
            first_realised=Min("realisations__date"),
        )
        .values_list(
            "initiative_id",
            "description",
            "is_disbenefit",
            "kind",
            "unit",
            "owner_id",
            "expected_date",
            "booked",
            "realised",
            "first_realised",
            "quantity",
        )
    )
    shares: defaultdict[int, list[Decimal]] = defaultdict(list)
    for row in rows:
        pk, description, disbenefit, kind, unit, owner, expected, was_booked, realised, first = row[
            :10
        ]
        quantity = row[10]
        if not disbenefit and quantity:
            shares[pk].append(min(Decimal(1), (realised or Decimal(0)) / quantity))
        time_freed = kind == BenefitKind.TIME_FREED and not disbenefit
        hours = (
            capacity_hours(realised, unit)
            if time_freed and realised and unit in CAPACITY_UNITS
            else Decimal(0)
        )
        facts[pk].benefits.append(
            rules.BenefitFacts(
                description=description,
                is_disbenefit=disbenefit,
                is_time_freed=time_freed,
                has_owner=owner is not None,
                expected_date=expected,
                booked=bool(was_booked),
                realised_hours=hours,
                first_realised_on=first,
            )
        )
    return {pk: sum(values, Decimal(0)) / len(values) for pk, values in shares.items() if values}


def _reallocations(facts: FactsByPk, ids: Ids) -> None:
    confirmed = (
        Reallocation.objects.filter(initiative_id__in=ids, confirmed_on__isnull=False)
        .values_list("initiative_id", "capacity_unit")
        .annotate(total=Sum("capacity"))
    )
    for pk, unit, total in confirmed:
        facts[pk].confirmed_reallocated_hours += capacity_hours(total, unit)


def _accountable(facts: FactsByPk, ids: Ids) -> None:
    counts = (
        Responsibility.objects.filter(initiative_id__in=ids, role=Responsibility.Role.ACCOUNTABLE)
        .values_list("initiative_id")
        .annotate(n=Count("pk"))
    )
    for pk, count in counts:
        facts[pk].accountable_count = count


def _monthly_reviews(facts: FactsByPk, ids: Ids) -> None:
    reviews = (
        Review.objects.filter(initiative_id__in=ids, kind=Review.Kind.MONTHLY)
        .annotate(
            kpis=Count("snapshots"),
            off=Count("snapshots", filter=Q(snapshots__status=Status.OFF_TRACK)),
        )
        .order_by("initiative_id", "-date", "-id")
        .values_list("initiative_id", "date", "decision", "kpis", "off")
    )
    for pk, on, decision, kpis, off in reviews:
        read = facts[pk].monthly_reviews
        if len(read) < MONTHLY_REVIEWS_READ:
            share = Decimal(off) / Decimal(kpis) if kpis else None
            read.append(rules.ReviewFacts(on, decision, share))


def _spend(facts: FactsByPk, ids: Ids) -> None:
    rows = (
        MonthlySpend.objects.filter(initiative_id__in=ids)
        .order_by("initiative_id", "month")
        .values_list("initiative_id", "month", "amount_eur")
    )
    for pk, month, amount in rows:
        facts[pk].spend_by_month.append((month, amount))


def _value_stream(facts: FactsByPk, ids: Ids) -> None:
    versions = (
        ValueStreamVersion.objects.filter(initiative_id__in=ids)
        .annotate(processing=Sum("steps__processing_hours"), waiting=Sum("steps__waiting_hours"))
        .values_list("initiative_id", "kind", "measured_on", "processing", "waiting")
    )
    for pk, kind, measured_on, processing, waiting in versions:
        processing, waiting = processing or Decimal(0), waiting or Decimal(0)
        lead = processing + waiting
        facts[pk].value_stream.append(
            rules.StreamFacts(
                kind, measured_on, processing, lead, processing / lead if lead else None
            )
        )
