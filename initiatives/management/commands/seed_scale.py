"""A large, realistic data set for benchmarks: by default 50 organisations, 1,000 initiatives,
10,000 KPIs and 500,000 measurements, with benefits, reviews and realised benefits, spend, and
enough of what the paradox radar reads for every signal to fire somewhere: monthly reviews with
KPI snapshots (some continuing while off track), unowned KPIs, late unbooked benefits, confirmed
reallocations for some of the freed time, and value streams re-measured for some initiatives.

Rows are written with bulk inserts through the plain base manager, on purpose without audit
entries: this is synthetic benchmark data, not a change anybody made.
"""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from initiatives.models import (
    Benefit,
    BenefitKind,
    BenefitUnit,
    BudgetYear,
    GateDecision,
    Initiative,
    MonthlySpend,
    RealisedBenefit,
    Reallocation,
    Responsibility,
    Review,
    ReviewDecision,
    ReviewKPISnapshot,
    State,
    ValueStreamStep,
    ValueStreamVersion,
)
from metrics.models import KPI, Cadence, Direction, Measurement, ValueArea, refresh_kpi_statuses
from metrics.status import Status
from organisations.models import Membership, Organisation, User

KPI_NAMES = [
    ("Permit processing time", "days", Direction.LOWER, ValueArea.TIME_TO_VALUE, 120, 60),
    ("Share of digital self-service", "%", Direction.HIGHER, ValueArea.CURRENT_VALUE, 40, 85),
    ("Cost per case", "EUR", Direction.LOWER, ValueArea.COST_EFFICIENCY, 420, 300),
    ("Benefit-application lead time", "days", Direction.LOWER, ValueArea.TIME_TO_VALUE, 35, 14),
    ("Customer satisfaction", "score", Direction.HIGHER, ValueArea.CURRENT_VALUE, 3.4, 4.2),
    ("Cases per handler per month", "cases", Direction.HIGHER, ValueArea.COST_EFFICIENCY, 60, 85),
    ("Experiments run per quarter", "count", Direction.HIGHER, ValueArea.ABILITY_TO_INNOVATE, 1, 6),
    ("Calls to the helpdesk", "calls", Direction.LOWER, ValueArea.COST_EFFICIENCY, 4000, 2500),
    ("Share of decisions on time", "%", Direction.HIGHER, ValueArea.CURRENT_VALUE, 70, 95),
    ("Lead time of a change", "days", Direction.LOWER, ValueArea.TIME_TO_VALUE, 60, 20),
]
TOPICS = ["permits", "benefits", "home care", "registers", "education", "health", "AI", "data"]
BATCH = 10_000
# An as-is value stream: (step, processing hours, waiting hours).
STEPS = [
    ("Application received", Decimal("0.2"), Decimal(24)),
    ("Completeness check", Decimal("0.8"), Decimal(120)),
    ("Substantive review", Decimal(3), Decimal(300)),
    ("Decision", Decimal("0.5"), Decimal(48)),
]


class Command(BaseCommand):
    help = "Create a large synthetic data set for benchmarks (bulk inserts, not audited)."

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=1000)
        parser.add_argument("--kpis-per-initiative", type=int, default=10)
        parser.add_argument("--measurements-per-kpi", type=int, default=50)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        started = time.monotonic()
        rng = random.Random(options["seed"])
        today = timezone.localdate()
        with transaction.atomic():
            orgs = self._organisations()
            owners = self._people(orgs)
            initiatives = self._initiatives(options["initiatives"], orgs, owners, rng, today)
            kpis = self._kpis(initiatives, options["kpis_per_initiative"], owners, today)
            count = self._measurements(kpis, options["measurements_per_kpi"], rng, today)
            refresh_kpi_statuses(KPI.objects.all())
            self._benefits_and_reviews(initiatives, owners, rng, today)
            self._spend(initiatives, rng, today)
            self._snapshots(initiatives, kpis, rng)
            self._phases_and_accountability(initiatives, rng, today)
            self._value_streams(initiatives, rng, today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data: {len(orgs)} organisations, {len(initiatives)} initiatives, "
                f"{len(kpis)} KPIs, {count} measurements in {time.monotonic() - started:.1f} s."
            )
        )

    def _organisations(self):
        orgs = []
        for m in range(5):
            ministry = Organisation.objects.create(name=f"Ministry {m + 1}", kind="ministry")
            orgs.append(ministry)
            for a in range(7):
                orgs.append(
                    Organisation.objects.create(
                        name=f"Agency {m + 1}.{a + 1}", kind="agency", parent=ministry
                    )
                )
        for c in range(10):
            kind = "municipality" if c % 2 else "wellbeing_county"
            orgs.append(Organisation.objects.create(name=f"Region {c + 1}", kind=kind))
        return orgs

    def _people(self, orgs):
        password = make_password(None)
        users = User._base_manager.bulk_create(
            [User(username=f"scale-owner-{i}", password=password) for i in range(len(orgs))]
        )
        Membership._base_manager.bulk_create(
            [
                Membership(user=u, organisation=o, role=Membership.Role.LEADER)
                for u, o in zip(users, orgs, strict=True)
            ]
        )
        return dict(zip([o.pk for o in orgs], users, strict=True))

    def _initiatives(self, n, orgs, owners, rng, today):
        rows = []
        for i in range(n):
            org = orgs[i % len(orgs)]
            phase = rng.choices([1, 2, 3, 4, 5], weights=[25, 20, 20, 25, 10])[0]
            state = rng.choices(
                [State.ACTIVE, State.ON_HOLD, State.STOPPED, State.COMPLETED], weights=[80, 6, 8, 6]
            )[0]
            topic = rng.choice(TOPICS)
            rows.append(
                Initiative(
                    organisation=org,
                    title=f"{topic.capitalize()} renewal {i + 1}",
                    problem="Cases wait too long and are handled by hand.",
                    change_for_citizens="Decisions in half the time.",
                    change_in_cost_efficiency="A quarter less cost per case.",
                    owner=owners[org.pk],
                    phase=phase,
                    state=state,
                    start_date=today - timedelta(days=400),
                    investment_budget=Decimal(rng.randrange(50, 2000) * 1000),
                    tags=f"|{topic}|",
                    weekly_review_weekday=rng.randrange(5) if phase >= 4 else None,
                    monthly_review_day=rng.randrange(1, 28) if phase >= 4 else None,
                )
            )
        return Initiative._base_manager.bulk_create(rows, batch_size=BATCH)

    def _spend(self, initiatives, rng, today):
        """A budget for this year and last, and twelve months of spend, per initiative."""
        budgets, months = [], []
        this_month = today.replace(day=1)
        for initiative in initiatives:
            total = initiative.investment_budget
            for year in (today.year - 1, today.year):
                budgets.append(BudgetYear(initiative=initiative, year=year, amount_eur=total / 2))
            month = this_month
            for _ in range(12):
                month = (month - timedelta(days=1)).replace(day=1)
                amount = total / 24 * Decimal(rng.randrange(50, 150)) / 100
                months.append(
                    MonthlySpend(
                        initiative=initiative, month=month, amount_eur=amount.quantize(Decimal(1))
                    )
                )
        BudgetYear._base_manager.bulk_create(budgets, batch_size=BATCH)
        MonthlySpend._base_manager.bulk_create(months, batch_size=BATCH)

    def _kpis(self, initiatives, per_initiative, owners, today):
        rows = []
        for initiative in initiatives:
            for k in range(per_initiative):
                name, unit, direction, area, baseline, target = KPI_NAMES[k % len(KPI_NAMES)]
                rows.append(
                    KPI(
                        initiative=initiative,
                        name=name,
                        unit=unit,
                        direction=direction,
                        value_area=area,
                        baseline_value=Decimal(str(baseline)),
                        baseline_date=today - timedelta(days=365),
                        target_value=Decimal(str(target)),
                        target_date=today + timedelta(days=365),
                        cadence=Cadence.WEEKLY,
                        # One KPI in 300 has nobody answering for it.
                        owner_id=None if len(rows) % 300 == 299 else initiative.owner_id,
                    )
                )
        return KPI._base_manager.bulk_create(rows, batch_size=BATCH)

    def _measurements(self, kpis, per_kpi, rng, today):
        count, rows = 0, []
        for kpi in kpis:
            baseline, target = float(kpi.baseline_value), float(kpi.target_value)
            # One initiative in twenty spends without any KPI moving towards its target.
            flat = kpi.initiative_id % 20 == 0
            pace = 0 if flat else rng.uniform(0.3, 1.2)
            for w in range(per_kpi):
                day = today - timedelta(days=7 * (per_kpi - w))
                progress = (365 - (today - day).days) / 730 * pace
                value = baseline + (target - baseline) * progress
                noise = abs(target - baseline) * rng.uniform(-0.05, 0.05)
                value += -abs(noise) * (1 if target > baseline else -1) if flat else noise
                rows.append(Measurement(kpi_id=kpi.pk, date=day, value=Decimal(f"{value:.2f}")))
            if len(rows) >= BATCH:
                Measurement._base_manager.bulk_create(rows)
                count += len(rows)
                rows = []
        Measurement._base_manager.bulk_create(rows)
        return count + len(rows)

    def _benefits_and_reviews(self, initiatives, owners, rng, today):
        benefits, reviews = [], []
        for initiative in initiatives:
            if initiative.phase >= 3:
                benefits.append(
                    Benefit(
                        initiative=initiative,
                        description="Lower handling cost",
                        kind=BenefitKind.CASHABLE,
                        quantity=Decimal(rng.randrange(20, 500) * 1000),
                        unit=BenefitUnit.EUR_PER_YEAR,
                        expected_date=today + timedelta(days=rng.randrange(-200, 400)),
                        owner_id=initiative.owner_id,
                        shows_in="budget",
                        realisation_started_on=today - timedelta(days=30)
                        if initiative.phase >= 4
                        else None,
                    )
                )
                benefits.append(
                    Benefit(
                        initiative=initiative,
                        description="Time freed for advice",
                        kind=BenefitKind.TIME_FREED,
                        quantity=Decimal(rng.randrange(1, 8)),
                        unit=BenefitUnit.FTE,
                        expected_date=today + timedelta(days=rng.randrange(-200, 400)),
                        owner_id=initiative.owner_id,
                        shows_in="staffing_plan",
                    )
                )
            if initiative.phase >= 4:
                for months in range(1, 7):
                    reviews.append(
                        Review(
                            initiative=initiative,
                            date=today - timedelta(days=30 * months),
                            kind=Review.Kind.MONTHLY,
                            participants="Leadership team",
                            decision=rng.choice([ReviewDecision.CONTINUE, ReviewDecision.ADJUST]),
                            rationale="Results reviewed against the plan.",
                            recorded_by_id=initiative.owner_id,
                        )
                    )
        benefits = Benefit._base_manager.bulk_create(benefits, batch_size=BATCH)
        Review._base_manager.bulk_create(reviews, batch_size=BATCH)
        phase_of = {i.pk: i.phase for i in initiatives}
        realised = [
            RealisedBenefit(
                benefit=b,
                date=today - timedelta(days=rng.randrange(10, 300)),
                amount=(b.quantity or 0) / 4,
                evidence="Budget follow-up",
                shows_in=b.shows_in,
                fiscal_year=today.year,
                budget_line="Operating expenditure",
                eur=(b.quantity or 0) / 4 if b.unit == BenefitUnit.EUR_PER_YEAR else None,
                fte=(b.quantity or 0) / 4 if b.unit == BenefitUnit.FTE else None,
            )
            for b in benefits
            if phase_of[b.initiative_id] == 5
            for _ in range(2)
        ]
        RealisedBenefit._base_manager.bulk_create(realised, batch_size=BATCH)
        # Freed time moves to other work: all of it confirmed for half the initiatives in
        # phase 5, an eighth of it for the others (their freed time is not moved).
        reallocations = [
            Reallocation(
                initiative_id=b.initiative_id,
                benefit=b,
                capacity=(b.quantity or 0) / (2 if rng.random() < 0.5 else 8),
                capacity_unit="fte",
                task="Advice to first-time applicants",
                unit="Customer service",
                from_date=today - timedelta(days=200),
                confirmed_on=today - timedelta(days=100)
                if phase_of[b.initiative_id] == 5
                else None,
            )
            for b in benefits
            if b.kind == BenefitKind.TIME_FREED and phase_of[b.initiative_id] >= 4
        ]
        Reallocation._base_manager.bulk_create(reallocations, batch_size=BATCH)

    def _phases_and_accountability(self, initiatives, rng, today):
        """The decision that opened each initiative's phase (some long ago: stuck), and one
        accountable person from phase 2 on (missing for one in forty)."""
        now = timezone.now()
        decisions, people = [], []
        for initiative in initiatives:
            if initiative.phase > 1:
                decisions.append(
                    GateDecision(
                        initiative=initiative,
                        outcome=GateDecision.Outcome.APPROVED,
                        from_phase=initiative.phase - 1,
                        to_phase=initiative.phase,
                        rationale="Criteria met.",
                        decided_by_id=initiative.owner_id,
                        decided_at=now - timedelta(days=rng.randrange(10, 400)),
                    )
                )
                if rng.random() >= 0.025:
                    people.append(
                        Responsibility(
                            initiative=initiative,
                            role=Responsibility.Role.ACCOUNTABLE,
                            name="Director",
                            user_id=initiative.owner_id,
                        )
                    )
        GateDecision._base_manager.bulk_create(decisions, batch_size=BATCH)
        Responsibility._base_manager.bulk_create(people, batch_size=BATCH)

    def _snapshots(self, initiatives, kpis, rng):
        """Each monthly review's KPI snapshot; one reviewed initiative in five is failing (most
        of its KPIs off track) while its reviews decide to continue or adjust."""
        kpis_of = {}
        for kpi in kpis:
            kpis_of.setdefault(kpi.initiative_id, []).append(kpi)
        # Only this run's reviews: the scale data may sit next to the demo's.
        reviews = Review._base_manager.filter(
            kind=Review.Kind.MONTHLY, initiative__in=initiatives
        ).values_list("pk", "initiative_id")
        failing = {i.pk: rng.random() < 0.2 for i in initiatives}
        statuses = [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK]
        rows = []
        for review_pk, initiative_pk in reviews:
            weights = [10, 10, 80] if failing[initiative_pk] else [60, 25, 15]
            for kpi in kpis_of.get(initiative_pk, []):
                rows.append(
                    ReviewKPISnapshot(
                        review_id=review_pk,
                        kpi=kpi,
                        kpi_name=kpi.name,
                        unit=kpi.unit,
                        value=kpi.baseline_value,
                        target_value=kpi.target_value,
                        status=rng.choices(statuses, weights=weights)[0],
                    )
                )
        ReviewKPISnapshot.objects.bulk_create(rows, batch_size=BATCH)

    def _value_streams(self, initiatives, rng, today):
        """An as-is value stream from phase 3; from phase 4 two in three initiatives have
        re-measured it: half of those renewed the process, half only made the work faster."""
        versions, shapes = [], []
        for initiative in initiatives:
            if initiative.phase < 3:
                continue
            versions.append(ValueStreamVersion(initiative=initiative, kind="as_is"))
            shapes.append((initiative, Decimal(1), Decimal(1)))
            if initiative.phase >= 4 and rng.random() < 0.67:
                renewed = rng.random() < 0.5
                measured_on = today - timedelta(days=rng.randrange(10, 120))
                versions.append(
                    ValueStreamVersion(
                        initiative=initiative, kind="remeasure", measured_on=measured_on
                    )
                )
                shapes.append((initiative, Decimal("0.5"), Decimal("0.4" if renewed else "1.1")))
        versions = ValueStreamVersion._base_manager.bulk_create(versions, batch_size=BATCH)
        steps = []
        for version, (initiative, work, wait) in zip(versions, shapes, strict=True):
            for position, (name, hours, waiting) in enumerate(STEPS, start=1):
                steps.append(
                    ValueStreamStep(
                        initiative=initiative,
                        stream_version=version,
                        position=position,
                        name=name,
                        processing_hours=hours * work,
                        waiting_hours=waiting * wait,
                        volume_per_month=300,
                    )
                )
        ValueStreamStep._base_manager.bulk_create(steps, batch_size=BATCH)
