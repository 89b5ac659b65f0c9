"""Phase 2–5 content for the personas' initiative, one fixture per gate.

Each `*_met` fixture puts `initiative` (agency A, owned by `leader`, `member` on the team) in a
phase and gives it exactly what that phase's gate asks for, nothing more; the gate tests then take
one thing away at a time. `add_item(kind, initiative)` creates one item of a workspace kind with
sensible values, and `item_data[kind]` is what a person types into that kind's form. For the
workspace view tests: `items` (one item of every kind), `review` (a recorded monthly review),
`three_steps` (a value stream) and `scalable` (a phase-5 initiative ready to scale).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from initiatives.models import (
    Benefit,
    BenefitKind,
    BenefitUnit,
    CommonPrinciple,
    Competence,
    Dataset,
    Phase,
    RealisedBenefit,
    Reallocation,
    Responsibility,
    Review,
    ReviewDecision,
    ValueStreamStep,
)
from initiatives.views.phases import ITEM_KINDS
from metrics.models import Measurement, Milestone

TODAY = timezone.localdate


def put_in_phase(initiative, phase: int):
    initiative.phase = phase
    initiative.save()
    return initiative


def make_benefit(initiative, kpi=None, owner=None, **fields) -> Benefit:
    values = {
        "description": "Lower handling cost per permit",
        "kind": BenefitKind.CASHABLE,
        "quantity": Decimal(120000),
        "unit": BenefitUnit.EUR_PER_YEAR,
        "expected_date": TODAY() + timedelta(days=200),
        "owner": owner,
        "shows_in": "budget",
        "budget_line": "Operating expenditure, permits",
    }
    values.update(fields)
    benefit = Benefit.objects.create(initiative=initiative, **values)
    if kpi is not None:
        benefit.kpis.set([kpi])
    return benefit


def make_step(initiative, position, name, **fields) -> ValueStreamStep:
    values = {
        "actor": "Case handler",
        "processing_hours": Decimal(1),
        "waiting_hours": Decimal(10),
        "volume_per_month": 100,
        "manual": True,
    }
    values.update(fields)
    return ValueStreamStep.objects.create(
        initiative=initiative, position=position, name=name, **values
    )


def make_realisation(benefit, **fields) -> RealisedBenefit:
    values = {
        "date": TODAY() - timedelta(days=5),
        "amount": Decimal(60000),
        "evidence": "Budget follow-up for the first half-year.",
        "shows_in": "budget",
        "fiscal_year": TODAY().year,
        "budget_line": "Operating expenditure, permits",
        "eur": Decimal(60000),
    }
    values.update(fields)
    return RealisedBenefit.objects.create(benefit=benefit, **values)


# One fixture per gate ------------------------------------------------------------------------


@pytest.fixture
def prerequisites_met(initiative, leader, member):
    """Phase 2 with one accountable, one responsible and one assessed dataset."""
    Responsibility.objects.create(
        initiative=initiative, role="accountable", name="Liisa Laaksonen", user=leader
    )
    Responsibility.objects.create(
        initiative=initiative, role="responsible", name="Mikko Mäkinen", user=member
    )
    Dataset.objects.create(
        initiative=initiative,
        name="Permit case records",
        owner="Case management unit",
        completeness=4,
        accuracy=3,
        timeliness=4,
        consistency=3,
    )
    return put_in_phase(initiative, Phase.PREREQUISITES)


@pytest.fixture
def plan_met(initiative, kpi, member):
    """Phase 3 with a two-step value stream and one fully planned benefit."""
    make_step(initiative, 1, "Application received")
    make_step(initiative, 2, "Decision")
    make_benefit(initiative, kpi=kpi, owner=member)
    return put_in_phase(initiative, Phase.PLANNING)


@pytest.fixture
def execution_met(initiative, leader, member):
    """Phase 4 with a monthly review that decided to continue and a benefit started."""
    Review.objects.create(
        initiative=initiative,
        date=TODAY() - timedelta(days=3),
        kind=Review.Kind.MONTHLY,
        participants="Liisa, Mikko",
        decision=ReviewDecision.CONTINUE,
        rationale="On its trajectory.",
        recorded_by=leader,
    )
    make_benefit(initiative, owner=member, realisation_started_on=TODAY() - timedelta(days=20))
    return put_in_phase(initiative, Phase.EXECUTION)


@pytest.fixture
def realisation_met(initiative, member):
    """Phase 5 with a realised benefit in the budget and lessons learned."""
    benefit = make_benefit(initiative, owner=member)
    make_realisation(benefit)
    initiative.lessons_learned = "Agree the budget line with finance in phase 3."
    return put_in_phase(initiative, Phase.REALISATION)


# Items of every workspace kind ----------------------------------------------------------------


@pytest.fixture
def add_item(kpi, member):
    """`add_item(kind, initiative)`: one item of a workspace kind (the slug in the URL)."""

    def add(kind, initiative):
        if kind == "responsibilities":
            return Responsibility.objects.create(
                initiative=initiative, role="consulted", name="Legal unit", expertise="legal"
            )
        if kind == "competences":
            return Competence.objects.create(
                initiative=initiative, name="Service design", available="yes"
            )
        if kind == "datasets":
            return Dataset.objects.create(
                initiative=initiative, name="Permit case records", owner="Case management unit"
            )
        if kind == "principles":
            return CommonPrinciple.objects.create(
                initiative=initiative, kind="interface", name="National data exchange layer"
            )
        if kind == "steps":
            position = initiative.steps.count() + 1
            return make_step(initiative, position, f"Step {position}")
        if kind == "benefits":
            return make_benefit(initiative, kpi=kpi, owner=member)
        if kind == "reallocations":
            return Reallocation.objects.create(
                initiative=initiative,
                capacity=Decimal("1.5"),
                capacity_unit="fte",
                task="Advice to first-time applicants",
                unit="Supervision unit",
                from_date=TODAY() + timedelta(days=90),
            )
        if kind == "realisations":
            benefit = initiative.benefits.first() or make_benefit(initiative, owner=member)
            return make_realisation(benefit)
        raise AssertionError(f"unknown kind {kind}")

    return add


@pytest.fixture
def item_data(kpi, member):
    """What a person types into each kind's form to add a valid item, and the text it shows."""
    in_a_month = (TODAY() + timedelta(days=30)).isoformat()
    benefit_data = {
        "description": "Faster permit decisions for companies",
        "kind": "growth",
        "quantity": "1 500,5",
        "unit": "hours_per_month",
        "kpis": [kpi.pk],
        "expected_date": in_a_month,
        "owner": member.pk,
        "shows_in": "staffing_plan",
        "budget_line": "Staffing plan 2027",
    }

    def realisation_data(initiative):
        benefit = initiative.benefits.first() or make_benefit(initiative, owner=member)
        return {
            "benefit": benefit.pk,
            "date": (TODAY() - timedelta(days=1)).isoformat(),
            "amount": "45000",
            "evidence": "Outsourcing invoices fell in the second quarter.",
            "shows_in": "budget",
            "fiscal_year": str(TODAY().year),
            "budget_line": "Outsourced services",
            "eur": "45000",
        }

    return {
        "responsibilities": {
            "role": "consulted",
            "name": "Data protection officer",
            "expertise": "data_protection",
            "note": "Consulted before the data model is fixed.",
        },
        "competences": {
            "name": "Machine learning operations",
            "available": "no",
            "gap_plan": "Hire one ML engineer.",
            "due_date": in_a_month,
        },
        "datasets": {
            "name": "Company register extract",
            "owner": "Registration Office",
            "completeness": "5",
            "accuracy": "4",
            "timeliness": "3",
            "consistency": "4",
            "known_issues": "Addresses lag a week behind.",
        },
        "principles": {
            "kind": "standard",
            "name": "Finnish public-sector API principles",
            "description": "REST, JSON and OpenAPI.",
        },
        "steps": {
            "name": "Completeness check",
            "actor": "Case handler",
            "processing_hours": "0,75",
            "waiting_hours": "120",
            "volume_per_month": "400",
            "manual": "on",
            "automation_candidate": "on",
        },
        "benefits": benefit_data,
        "reallocations": {
            "capacity": "2,5",
            "capacity_unit": "fte",
            "task": "Supervision visits to first-time applicants",
            "unit": "Supervision unit",
            "from_date": in_a_month,
        },
        "realisations": realisation_data,
    }


@pytest.fixture
def posted(item_data):
    """`posted(kind, initiative)`: the form data for a kind, ready to post."""

    def data(kind, initiative) -> dict:
        value = item_data[kind]
        return value(initiative) if callable(value) else dict(value)

    return data


@pytest.fixture
def items(initiative, add_item):
    """One item of every workspace kind on the initiative."""
    return {kind: add_item(kind, initiative) for kind in ITEM_KINDS}


@pytest.fixture
def review(initiative, leader):
    return Review.objects.create(
        initiative=initiative,
        date=TODAY(),
        kind="monthly",
        participants="Liisa, Mikko",
        decision="continue",
        rationale="On track.",
        recorded_by=leader,
    )


# One field each kind's edit tests change, and its new value.
EDITS = {
    "responsibilities": ("name", "Legal and compliance unit"),
    "competences": ("name", "Content design"),
    "datasets": ("owner", "Data management office"),
    "principles": ("name", "Suomi.fi messages"),
    "steps": ("name", "Substantive review"),
    "benefits": ("description", "Shorter queues at the service desk"),
    "reallocations": ("task", "Advice by phone to small companies"),
    "realisations": ("evidence", "Confirmed in the budget follow-up of May."),
}


@pytest.fixture
def three_steps(initiative):
    return [
        make_step(initiative, i, name) for i, name in enumerate(["First", "Second", "Third"], 1)
    ]


@pytest.fixture
def scalable(initiative, kpi, make_kpi, member):
    """A phase-5 initiative with two KPIs, one measured, and a benefit linked to one of them."""
    Measurement.objects.create(kpi=kpi, date=TODAY() - timedelta(days=3), value=Decimal(90))
    Milestone.objects.create(kpi=kpi, date=TODAY(), value=Decimal(95))
    satisfaction = make_kpi(
        initiative,
        name="Applicant satisfaction",
        direction="higher",
        baseline_value=Decimal("3.1"),
        target_value=Decimal("4.2"),
        unit="/5",
    )
    make_benefit(initiative, kpi=satisfaction, owner=member, description="Happier applicants")
    initiative.phase = Phase.REALISATION
    initiative.save()
    return initiative
