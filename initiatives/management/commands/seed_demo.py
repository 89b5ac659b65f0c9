"""Load the demo (`initiatives/demo/data.py`): a ministry with two agencies, a city, a funder,
the demo users and 13 initiatives.

Safe to run twice: everything is looked up by its natural key before it is created.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from funding.demo.loader import seed_funding
from initiatives.demo.data import GATE_REQUESTS, INITIATIVES, KPI_STORIES, ORGANISATIONS, USERS
from initiatives.demo.phases import populate_phases
from initiatives.demo.snapshots import seed_snapshots
from initiatives.models import (
    BudgetYear,
    GateDecision,
    Initiative,
    MonthlySpend,
    State,
    normalise_tags,
)
from metrics.models import KPI, Cadence, Direction, Measurement, refresh_kpi_statuses
from metrics.status import planned_value, trajectory
from notifications.services import last_daytime, sweep
from organisations.models import Membership, Organisation, User
from renewal.audit import acting_as


def _month_back(today: date, months: int) -> date:
    return today - timedelta(days=round(months * 30.44))


class Command(BaseCommand):
    help = (
        "Create the demo organisations, users (password 'demo') and initiatives. Safe to run twice."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create users with the password 'demo' while DEBUG is off. "
                "Run with DEBUG=true (as `make run` does)."
            )
        with transaction.atomic(), acting_as(None):
            orgs = self._organisations()
            users = self._users(orgs)
            created = sum(self._initiative(spec, orgs, users) for spec in INITIATIVES)
            seed_funding(orgs, users, timezone.localdate())
            self._gate_requests(users)
            reminders = self._reminders()
            seed_snapshots([spec[0] for spec in INITIATIVES], timezone.now())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(orgs)} organisations, {len(users)} users "
                f"(password 'demo'), {created} new initiatives, {reminders} new reminders."
            )
        )

    def _gate_requests(self, users) -> None:
        """Teams waiting for a leader's decision, so the leaders land on them."""
        for title, username, note in GATE_REQUESTS:
            initiative = Initiative.objects.filter(title=title).first()
            if initiative is None or initiative.gate_requests.exists():
                continue
            gate = initiative.gate()
            if initiative.is_open and gate is not None and gate.passed:
                with acting_as(users[username]):
                    initiative.request_gate(users[username], note)

    def _reminders(self) -> int:
        """Today's reminders in the app, as the beat's first sweep records them (at the last
        daytime moment, so a demo seeded at night has them too). Their e-mail is left for the
        next sweep: `python manage.py send_due_reminders` prints it to the console."""
        moment = last_daytime(timezone.now(), settings.TIME_ZONE)
        return sweep(moment, deliver=False).total

    def _organisations(self) -> dict[str, Organisation]:
        orgs: dict[str, Organisation] = {}
        for key, name, kind, parent in ORGANISATIONS:
            org, _ = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "parent": orgs.get(parent)}
            )
            orgs[key] = org
        return orgs

    def _users(self, orgs) -> dict[str, User]:
        users: dict[str, User] = {}
        for username, first, last, language, org_key, role in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "language": language,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                user.set_password("demo")
                user.save()
            Membership.objects.get_or_create(
                user=user, organisation=orgs[org_key], defaults={"role": role}
            )
            users[username] = user
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "email": "admin@example.org",
                "first_name": "Aino",
                "last_name": "Admin",
            },
        )
        if created:
            admin.set_password("demo")
            admin.save()
        users["admin"] = admin
        return users

    def _initiative(self, spec, orgs, users) -> int:
        (
            title,
            org_key,
            phase,
            state,
            owner,
            tags,
            uses_ai,
            budget,
            problem,
            citizens,
            cost,
            kpis,
        ) = spec
        if Initiative.objects.filter(title=title, organisation=orgs[org_key]).exists():
            return 0
        rng = random.Random(title)
        today = timezone.localdate()
        history = max((k[7] for k in kpis), default=3)
        initiative = Initiative.objects.create(
            organisation=orgs[org_key],
            title=title,
            problem=problem,
            change_for_citizens=citizens,
            change_in_cost_efficiency=cost,
            owner=users[owner],
            phase=1,
            state=State.ACTIVE,
            start_date=_month_back(today, history + 1),
            end_date=_month_back(today, -18),
            investment_budget=Decimal(budget),
            tags=normalise_tags(tags),
            uses_ai=uses_ai,
        )
        team = {users[owner], users["member"] if org_key == "permits" else users[owner]}
        initiative.team.set(team)
        for spec_kpi in kpis:
            self._kpi(initiative, spec_kpi, users[owner], rng, today)
        self._spend(initiative, today)
        self._history(initiative, phase, state, users, today, history)
        return 1

    def _spend(self, initiative, today):
        """A yearly budget over the initiative's years and monthly spend from its start to last
        month: its own figures (seeded by its title), heavier once the build gets going."""
        rng = random.Random(f"spend {initiative.title}")
        total = initiative.investment_budget or Decimal(100000)
        first, last = initiative.start_date, initiative.end_date
        years = list(range(first.year, last.year + 1))
        weights = [rng.uniform(0.6, 1.4) for _year in years]
        BudgetYear.objects.bulk_create(
            BudgetYear(
                initiative=initiative,
                year=year,
                amount_eur=(total * Decimal(w / sum(weights))).quantize(Decimal(1000)),
            )
            for year, w in zip(years, weights, strict=True)
        )
        months_planned = max(1, (last.year - first.year) * 12 + last.month - first.month + 1)
        per_month = total / months_planned
        month, rows = first.replace(day=1), []
        this_month = today.replace(day=1)
        while month < this_month:
            ramp = min(1.0, 0.4 + 0.15 * len(rows))  # a slow first quarter
            amount = per_month * Decimal(ramp * rng.uniform(0.7, 1.35))
            rows.append(
                MonthlySpend(
                    initiative=initiative,
                    month=month,
                    amount_eur=amount.quantize(Decimal("0.01")),
                    person_months=Decimal(round(float(amount) / 7500, 1)),
                )
            )
            month = (month + timedelta(days=32)).replace(day=1)
        MonthlySpend.objects.bulk_create(rows)

    def _kpi(self, initiative, spec, owner, rng, today):
        name, unit, direction, area, baseline, target, cadence, months = spec
        story = KPI_STORIES.get(initiative.title, {})
        start = _month_back(today, months)
        kpi = KPI.objects.create(
            initiative=initiative,
            name=name,
            unit=unit,
            direction=direction,
            value_area=area,
            baseline_value=Decimal(baseline) if baseline is not None else None,
            baseline_date=start if baseline is not None else None,
            baseline_source="Case management system report" if baseline is not None else "",
            target_value=Decimal(target) if target is not None else None,
            target_date=_month_back(today, -12) if target is not None else None,
            cadence=cadence,
            data_source="Monthly statistics extract",
            owner=None if name in story.get("unowned", ()) else owner,
        )
        if baseline is None:
            return
        step = {Cadence.WEEKLY: 7, Cadence.MONTHLY: 30, Cadence.QUARTERLY: 91}[cadence]
        points, day = [], start + timedelta(days=step)
        # Most initiatives improve a little slower than planned, with noise, as real ones do.
        pace = story.get("pace", rng.uniform(0.6, 1.1))
        better = 1 if direction == Direction.HIGHER else -1
        until = today - timedelta(days=story.get("measured_until", 2))
        # kpi.planned_value(day), with the path worked out once: the new KPI has no milestones.
        path = trajectory(kpi, ())
        while day <= until:
            planned = float(planned_value(path, day) or baseline)
            if target is None:
                # No target yet: the obvious fixes of phase 1 move it a little the right way.
                planned = baseline * (1 + better * 0.05 * (day - start).days / (today - start).days)
            actual = baseline + (planned - baseline) * pace
            noise = abs((target or baseline * 0.9) - baseline) * rng.uniform(-0.06, 0.06)
            if pace == 0:
                noise = -better * abs(noise) / 3  # flat: it wobbles, never towards the target
            value = round(actual + noise, 1 if abs(baseline) < 1000 else 0)
            points.append(
                Measurement(kpi=kpi, date=day, value=Decimal(str(value)), note="", entered_by=owner)
            )
            day += timedelta(days=step)
        Measurement.objects.bulk_create(points)
        refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))

    def _history(self, initiative, phase, state, users, today, history_months):
        decider = (
            users["cityleader"]
            if initiative.organisation.kind == Organisation.Kind.MUNICIPALITY
            else users["leader"]
        )
        for from_phase in range(1, phase):
            GateDecision.objects.create(
                initiative=initiative,
                outcome=GateDecision.Outcome.APPROVED,
                from_phase=from_phase,
                to_phase=from_phase + 1,
                rationale="Criteria met; the team presented the evidence at the monthly review.",
                decided_by=decider,
                decided_at=timezone.now() - timedelta(days=30 * (history_months - 2 * from_phase)),
            )
        Initiative.objects.filter(pk=initiative.pk).update(phase=phase)
        initiative.refresh_from_db()
        populate_phases(initiative, phase, state, users, decider, today)
