"""Demo data: a ministry with two agencies, a city, a funder, the demo users and 12 initiatives.

Safe to run twice: everything is looked up by its natural key before it is created.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from funding.demo import seed_funding
from initiatives.management.demo_phases import populate_phases
from initiatives.management.demo_snapshots import seed_snapshots
from initiatives.models import (
    BudgetYear,
    GateDecision,
    Initiative,
    MonthlySpend,
    State,
    normalise_tags,
)
from metrics.models import KPI, Cadence, Direction, Measurement, ValueArea, refresh_kpi_statuses
from notifications.services import last_daytime, sweep
from organisations.models import Membership, Organisation, User
from renewal.audit import acting_as

Kind = Organisation.Kind
Role = Membership.Role

ORGANISATIONS = [
    # (key, name, kind, parent key)
    ("ministry", "Ministry of Economic Affairs and Employment", Kind.MINISTRY, None),
    ("permits", "Permit and Supervision Agency", Kind.AGENCY, "ministry"),
    ("registry", "Patent and Registration Office", Kind.AGENCY, "ministry"),
    ("city", "City of Lahti", Kind.MUNICIPALITY, None),
    ("funder", "Sitra", Kind.FUNDER, None),
]

USERS = [
    # (username, first, last, language, organisation key, role)
    ("leader", "Liisa", "Laaksonen", "fi", "ministry", Role.LEADER),
    ("member", "Mikko", "Mäkinen", "fi", "permits", Role.MEMBER),
    ("viewer", "Veera", "Virtanen", "sv", "ministry", Role.VIEWER),
    ("officer", "Olli", "Ojala", "en", "funder", Role.FUNDING_OFFICER),
    ("outsider", "Outi", "Salo", "fi", "city", Role.MEMBER),
    ("registrar", "Rasmus", "Åberg", "sv", "registry", Role.MEMBER),
    ("cityleader", "Kaisa", "Kivelä", "fi", "city", Role.LEADER),
]

# Requests for a gate decision that wait for a leader: initiative, who asked, their note.
GATE_REQUESTS = [
    (
        "Automated completeness check for permit applications",
        "member",
        "The value stream is mapped with the case handlers and the time freed has a home in "
        "the guidance team. Ready for execution from the start of next month.",
    ),
    (
        "Early childhood education applications online",
        "outsider",
        "Benefits agreed with the finance unit; the freed hours go to family guidance.",
    ),
]

# title, org, phase, state, owner, tags, uses_ai, budget, problem, for citizens, cost-efficiency, KPIs
# KPI: name, unit, direction, area, baseline, target, cadence, months of history
INITIATIVES = [
    (
        "Digital environmental permit service",
        "permits",
        4,
        State.ACTIVE,
        "leader",
        "permits, digital self-service",
        False,
        850000,
        "Environmental permit applications take four months on average and arrive on paper or as "
        "scanned PDFs that case handlers re-key.",
        "Companies get an environmental permit decision in 60 days instead of 120.",
        "Handling cost per permit falls by a quarter as re-keying ends.",
        [
            (
                "Permit processing time",
                "days",
                Direction.LOWER,
                ValueArea.TIME_TO_VALUE,
                120,
                60,
                Cadence.MONTHLY,
                12,
            ),
            (
                "Share of applications filed digitally",
                "%",
                Direction.HIGHER,
                ValueArea.CURRENT_VALUE,
                45,
                85,
                Cadence.MONTHLY,
                12,
            ),
            (
                "Handling cost per permit",
                "EUR",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                1850,
                1400,
                Cadence.QUARTERLY,
                12,
            ),
        ],
    ),
    (
        "Automated completeness check for permit applications",
        "permits",
        3,
        State.ACTIVE,
        "member",
        "permits, AI",
        True,
        320000,
        "Four in ten applications are returned for missing attachments, adding weeks of waiting.",
        "Applicants learn of missing information at once, not after three weeks.",
        "Case handlers spend 30% less time on completeness checks.",
        [
            (
                "Applications returned for missing information",
                "%",
                Direction.LOWER,
                ValueArea.CURRENT_VALUE,
                38,
                15,
                Cadence.WEEKLY,
                10,
            ),
            (
                "Handler hours on completeness checks",
                "h/month",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                620,
                430,
                Cadence.MONTHLY,
                10,
            ),
        ],
    ),
    (
        "Shared case-management platform for supervision",
        "permits",
        2,
        State.ACTIVE,
        "leader",
        "case management, shared components",
        False,
        1400000,
        "Three regional units run three case-management systems; statistics and reuse are impossible.",
        "Supervised operators deal with one service and one contact point.",
        "Licence and maintenance costs fall by EUR 400,000 a year.",
        [
            (
                "Lead time from inspection to decision",
                "days",
                Direction.LOWER,
                ValueArea.TIME_TO_VALUE,
                48,
                30,
                Cadence.MONTHLY,
                8,
            ),
            (
                "Annual system running cost",
                "EUR",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                1250000,
                850000,
                Cadence.QUARTERLY,
                9,
            ),
        ],
    ),
    (
        "Permit guidance chatbot",
        "permits",
        2,
        State.STOPPED,
        "member",
        "AI, guidance",
        True,
        90000,
        "The permit helpdesk answers the same 20 questions thousands of times a month.",
        "Applicants get answers to common permit questions at any time of day.",
        "Helpdesk calls fall by 40 %, freeing 1.5 FTE for complex cases.",
        [
            (
                "Helpdesk calls per month",
                "calls",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                4200,
                2500,
                Cadence.MONTHLY,
                4,
            )
        ],
    ),
    (
        "Online trade register notifications",
        "registry",
        5,
        State.ACTIVE,
        "registrar",
        "registers, digital self-service",
        False,
        560000,
        "Trade register notifications were processed by hand and took two weeks.",
        "Companies see register changes in force within two working days.",
        "Processing cost per notification halves.",
        [
            (
                "Processing time of a notification",
                "days",
                Direction.LOWER,
                ValueArea.TIME_TO_VALUE,
                14,
                2,
                Cadence.MONTHLY,
                12,
            ),
            (
                "Share of notifications filed online",
                "%",
                Direction.HIGHER,
                ValueArea.CURRENT_VALUE,
                62,
                95,
                Cadence.MONTHLY,
                12,
            ),
            (
                "Cost per case",
                "EUR",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                38,
                19,
                Cadence.QUARTERLY,
                12,
            ),
        ],
    ),
    (
        "Self-service for company changes",
        "registry",
        1,
        State.ACTIVE,
        "registrar",
        "registers",
        False,
        150000,
        "Small companies phone us to ask how to report a change of board members.",
        "Companies report board changes themselves without calling.",
        "",
        [
            (
                "Calls about board changes",
                "calls/month",
                Direction.LOWER,
                ValueArea.TIME_TO_VALUE,
                900,
                None,
                Cadence.MONTHLY,
                3,
            )
        ],
    ),
    (
        "Ministry-wide benefits tracking",
        "ministry",
        2,
        State.ACTIVE,
        "leader",
        "portfolio, steering",
        False,
        210000,
        "The ministry funds dozens of digital projects but cannot say which produced savings.",
        "Parliament and citizens can see what each renewal produced.",
        "Budget proposals rest on realised, not promised, benefits.",
        [
            (
                "Initiatives with measured benefits",
                "%",
                Direction.HIGHER,
                ValueArea.ABILITY_TO_INNOVATE,
                10,
                80,
                Cadence.QUARTERLY,
                9,
            ),
            (
                "Share of budget proposals citing realised benefits",
                "%",
                Direction.HIGHER,
                ValueArea.CURRENT_VALUE,
                5,
                60,
                Cadence.QUARTERLY,
                9,
            ),
        ],
    ),
    (
        "Regulatory impact assessment templates",
        "ministry",
        1,
        State.ACTIVE,
        "leader",
        "law drafting",
        False,
        60000,
        "Impact assessments of draft laws vary in quality and take weeks to prepare.",
        "Stakeholders get consistent, comparable impact assessments for every draft law.",
        "Preparing an assessment takes 30% fewer working days.",
        [
            (
                "Working days per impact assessment",
                "days",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                22,
                15,
                Cadence.MONTHLY,
                5,
            )
        ],
    ),
    (
        "Home care route optimisation",
        "city",
        4,
        State.ACTIVE,
        "cityleader",
        "home care, AI",
        True,
        420000,
        "Home care nurses spend a third of their shift driving between clients.",
        "Clients get visits at the promised time and nurses spend more time with them.",
        "Driving time falls from 33% to 22% of working time.",
        [
            (
                "Share of working time spent driving",
                "%",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                33,
                22,
                Cadence.WEEKLY,
                11,
            ),
            (
                "Visits on time",
                "%",
                Direction.HIGHER,
                ValueArea.CURRENT_VALUE,
                71,
                92,
                Cadence.MONTHLY,
                11,
            ),
        ],
    ),
    (
        "Early childhood education applications online",
        "city",
        3,
        State.ACTIVE,
        "outsider",
        "early childhood education, digital self-service",
        False,
        180000,
        "Families apply for a daycare place on paper and wait weeks for a decision.",
        "Families get a daycare decision within two weeks of applying.",
        "Processing cost per application falls by 40%.",
        [
            (
                "Benefit-application lead time",
                "days",
                Direction.LOWER,
                ValueArea.TIME_TO_VALUE,
                35,
                14,
                Cadence.MONTHLY,
                9,
            ),
            (
                "Share of digital self-service applications",
                "%",
                Direction.HIGHER,
                ValueArea.CURRENT_VALUE,
                30,
                90,
                Cadence.MONTHLY,
                9,
            ),
        ],
    ),
    (
        "Building permit e-service",
        "city",
        5,
        State.COMPLETED,
        "cityleader",
        "permits, digital self-service",
        False,
        380000,
        "Building permit applications were processed from paper drawings.",
        "Residents get a building permit in 6 weeks instead of 12.",
        "Two FTE of permit processing move to building supervision.",
        [
            (
                "Permit processing time",
                "weeks",
                Direction.LOWER,
                ValueArea.TIME_TO_VALUE,
                12,
                6,
                Cadence.MONTHLY,
                12,
            ),
            (
                "Cost per case",
                "EUR",
                Direction.LOWER,
                ValueArea.COST_EFFICIENCY,
                640,
                410,
                Cadence.QUARTERLY,
                12,
            ),
        ],
    ),
    (
        "Youth services digital booking",
        "city",
        1,
        State.ACTIVE,
        "outsider",
        "youth services",
        False,
        40000,
        "Young people cannot book youth workers online and many never call.",
        "",
        "",
        [],
    ),
    (
        "Purchase invoice automation",
        "city",
        5,
        State.ACTIVE,
        "cityleader",
        "financial services, automation",
        False,
        260000,
        "Accounts payable matched 48,000 purchase invoices a year to orders by hand.",
        "Suppliers are paid on time, so small local firms are not left waiting for their money.",
        "Handling cost per purchase invoice halves and two clerks move to procurement analysis.",
        [
            (
                "Invoices processed without manual handling",
                "%",
                Direction.HIGHER,
                ValueArea.COST_EFFICIENCY,
                35,
                80,
                Cadence.MONTHLY,
                12,
            ),
            (
                "Days from invoice receipt to payment",
                "days",
                Direction.LOWER,
                ValueArea.CURRENT_VALUE,
                21,
                10,
                Cadence.MONTHLY,
                12,
            ),
        ],
    ),
]

# How each demo initiative's KPIs have really gone, so the paradox radar has a story to tell
# (the rest improve a little slower than planned, with noise, as real ones do):
# - pace: the share of the planned improvement reached; 0 is flat (never better than baseline);
# - measured_until: days since the last measurement (the team stopped measuring);
# - unowned: KPI names nobody has taken on yet.
KPI_STORIES = {
    # Money in, no change: a year of spend on a tracking tool, and nobody's reporting changed.
    "Ministry-wide benefits tracking": {"pace": 0},
    # Continuing despite failing: nurses re-plan the suggested routes by hand.
    "Home care route optimisation": {"pace": 0.15},
    # Stuck: measuring stopped while the platform procurement waits.
    "Shared case-management platform for supervision": {"measured_until": 75},
    # Nobody owns it: the registry has not yet named who answers for the call figures.
    "Self-service for company changes": {"unowned": {"Calls about board changes"}},
    # Ready to scale: the invoice flow does what was planned.
    "Purchase invoice automation": {"pace": 1.05},
}


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
        while day <= until:
            planned = float(kpi.planned_value(day) or baseline)
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
            if initiative.organisation.kind == Kind.MUNICIPALITY
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
