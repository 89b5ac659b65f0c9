"""Phase 2–5 content for the demo initiatives: realistic enough to read on first login."""

from datetime import timedelta
from decimal import Decimal

from initiatives.demo.data import DEFAULT, FLAVOURS, FREED_NOT_MOVED, MEASURED_AGAIN
from initiatives.models import (
    Benefit,
    BenefitKind,
    BenefitUnit,
    CommonPrinciple,
    Competence,
    Dataset,
    Initiative,
    RealisedBenefit,
    Reallocation,
    Responsibility,
    Review,
    State,
    ValueStreamStep,
    ValueStreamVersion,
)
from initiatives.services import review_record


def populate_phases(initiative, phase, state, users, decider, today):
    owner = initiative.owner
    if phase >= 2:
        _prerequisites(initiative, owner, decider)
    if phase >= 3:
        _planning(initiative, owner, today)
    if phase >= 4:
        _execution(initiative, decider, today)
        _measured_again(initiative, today)
        if initiative.title in FREED_NOT_MOVED:
            _freed_not_moved(initiative, owner, today)
    if phase >= 5:
        _realisation(initiative, owner, today, completed=state == State.COMPLETED)
    if state == State.STOPPED:
        initiative.stop(
            decider,
            "Legal and data protection, consulted early, found that helpdesk transcripts cannot "
            "be used to train the model without consent. The remaining saving (0.5 FTE) does not "
            "justify the cost; the budget moves to the completeness check.",
        )
    elif state == State.COMPLETED:
        initiative.pass_gate(decider, "Benefits show in the 2026 budget and staffing plan.")
    elif state == State.ON_HOLD:
        initiative.pause(decider, "Waiting for the shared platform decision.")


def _prerequisites(initiative, owner, decider):
    Responsibility.objects.bulk_create(
        [
            Responsibility(
                initiative=initiative, role="accountable", name=str(decider), user=decider
            ),
            Responsibility(initiative=initiative, role="responsible", name=str(owner), user=owner),
            Responsibility(initiative=initiative, role="responsible", name="Product team"),
            Responsibility(
                initiative=initiative, role="consulted", name="Legal unit", expertise="legal"
            ),
            Responsibility(
                initiative=initiative,
                role="consulted",
                name="Information security",
                expertise="security",
            ),
            Responsibility(initiative=initiative, role="informed", name="Staff representatives"),
        ]
    )
    Competence.objects.bulk_create(
        [
            Competence(initiative=initiative, name="Service design", available="yes"),
            Competence(
                initiative=initiative,
                name="Data engineering",
                available="partly",
                gap_plan="Two case handlers join the data engineering course; a consultant for six months.",
                due_date=initiative.start_date + timedelta(days=120),
            ),
        ]
    )
    name, data_owner, known_issues, fixes = flavour(initiative)["dataset"]
    Dataset.objects.create(
        initiative=initiative,
        name=name,
        owner=data_owner,
        completeness=4,
        accuracy=3,
        timeliness=4,
        consistency=3,
        known_issues=known_issues,
        fixes=fixes,
    )
    CommonPrinciple.objects.bulk_create(
        [
            CommonPrinciple(
                initiative=initiative,
                kind="interface",
                name="National data exchange layer",
                description="Case data is exchanged through the national data exchange layer.",
            ),
            CommonPrinciple(
                initiative=initiative,
                kind="shared_component",
                name="Shared identification service",
                description="Applicants sign in with the shared public-sector identification.",
            ),
        ]
    )
    if initiative.uses_ai:
        Initiative.objects.filter(pk=initiative.pk).update(
            ai_problem_defined=True,
            ai_data_quality_adequate=True,
            ai_ethics_assessed=True,
            ai_human_oversight=True,
            ai_notes="A case handler confirms every suggestion; the model never decides alone.",
        )
        initiative.refresh_from_db()


def flavour(initiative) -> dict:
    return {**DEFAULT, **FLAVOURS.get(initiative.title, {})}


def _steps(initiative, version, steps):
    ValueStreamStep.objects.bulk_create(
        [
            ValueStreamStep(
                initiative=initiative,
                stream_version=version,
                position=i,
                name=name,
                actor=actor,
                processing_hours=Decimal(proc),
                waiting_hours=Decimal(wait),
                volume_per_month=volume,
                manual=manual,
                automation_candidate=candidate,
            )
            for i, (name, actor, proc, wait, volume, manual, candidate) in enumerate(steps, start=1)
        ]
    )


def _planning(initiative, owner, today):
    words = flavour(initiative)
    _steps(initiative, ValueStreamVersion.as_is_for(initiative), words["steps"])
    kpis = list(initiative.kpis.all())
    saving = Benefit.objects.create(
        initiative=initiative,
        description=words["saving"],
        kind=BenefitKind.CASHABLE,
        quantity=Decimal("180000"),
        unit=BenefitUnit.EUR_PER_YEAR,
        expected_date=today + timedelta(days=200),
        owner=owner,
        shows_in="budget",
        budget_line=words["budget_line"],
    )
    freed = Benefit.objects.create(
        initiative=initiative,
        description=words["freed"],
        kind=BenefitKind.TIME_FREED,
        quantity=Decimal("2.5"),
        unit=BenefitUnit.FTE,
        expected_date=today + timedelta(days=120),
        owner=owner,
        shows_in="staffing_plan",
        budget_line=f"Staffing plan {today.year + 1}, {words['from_unit'].lower()}",
    )
    Benefit.objects.create(
        initiative=initiative,
        description=words["disbenefit"],
        kind=BenefitKind.QUALITY,
        is_disbenefit=True,
        quantity=Decimal("60"),
        unit=BenefitUnit.HOURS_PER_MONTH,
        expected_date=today + timedelta(days=60),
        owner=owner,
    )
    if kpis:
        saving.kpis.set(kpis[-1:])
        freed.kpis.set(kpis[:1])
    Reallocation.objects.create(
        initiative=initiative,
        benefit=freed,
        capacity=Decimal("2.5"),
        capacity_unit="fte",
        task=words["task"],
        unit=words["unit"],
        from_date=today + timedelta(days=120),
    )


def _execution(initiative, decider, today):
    Initiative.objects.filter(pk=initiative.pk).update(
        weekly_review_weekday=1, monthly_review_day=15
    )
    initiative.refresh_from_db()
    for months_ago, decision, rationale in flavour(initiative)["reviews"]:
        review = Review(
            date=today - timedelta(days=30 * months_ago),
            kind=Review.Kind.MONTHLY,
            participants=f"{decider}, {initiative.owner}, product team",
            decision=decision,
            rationale=rationale,
        )
        review_record(
            initiative,
            decider,
            review,
            [
                {
                    "description": "Report the digital share by channel",
                    "owner": initiative.owner,
                    "due_date": review.date + timedelta(days=14),
                }
            ],
        )
    # Each review's action was reported at the next one; the latest review's is still open.
    for review in initiative.reviews.order_by("-date", "-pk")[1:]:
        for action in review.actions.filter(done=False):
            action.mark_done(initiative.owner, "Reported at the next review.")
    Benefit.objects.filter(initiative=initiative, is_disbenefit=False).update(
        realisation_started_on=today - timedelta(days=45)
    )


def _measured_again(initiative, today):
    for kind, days_ago, note, steps in MEASURED_AGAIN.get(initiative.title, []):
        version = ValueStreamVersion.objects.create(
            initiative=initiative,
            kind=kind,
            measured_on=today - timedelta(days=days_ago) if days_ago is not None else None,
            note=note,
        )
        _steps(initiative, version, steps)


def _freed_not_moved(initiative, owner, today):
    """Re-keying ended when the online form went live three months ago; the staffing plan counts
    the hours, but the inspections the time was meant for have not been staffed."""
    words = flavour(initiative)
    freed = initiative.benefits.get(kind=BenefitKind.TIME_FREED)
    Benefit.objects.filter(pk=freed.pk).update(realisation_started_on=today - timedelta(days=100))
    RealisedBenefit.objects.create(
        benefit=freed,
        date=today - timedelta(days=85),
        amount=Decimal("1.5"),
        evidence="Re-keying of paper applications ended with the online form; the time sheets "
        "of the permit unit show 1.5 FTE less on data entry.",
        shows_in="staffing_plan",
        fte=Decimal("1.5"),
        from_unit=words["from_unit"],
        recorded_by=owner,
    )


def _realisation(initiative, owner, today, completed):
    words = flavour(initiative)
    saving = initiative.benefits.get(kind=BenefitKind.CASHABLE)
    freed = initiative.benefits.get(kind=BenefitKind.TIME_FREED)
    RealisedBenefit.objects.create(
        benefit=saving,
        date=today - timedelta(days=20),
        amount=Decimal("120000"),
        evidence=f"Budget follow-up for the first half of the year: {words['saving'].lower()} "
        f"shows on the line {words['budget_line'].lower()}.",
        shows_in="budget",
        fiscal_year=today.year,
        budget_line=words["budget_line"],
        eur=Decimal("120000"),
        recorded_by=owner,
    )
    RealisedBenefit.objects.create(
        benefit=freed,
        date=today - timedelta(days=10),
        amount=Decimal("2"),
        evidence=f"Staffing plan confirmed by the HR unit: {words['task_short'].lower()} "
        f"gets the time freed in {words['from_unit'].lower()}.",
        shows_in="staffing_plan",
        fte=Decimal("2"),
        from_unit=words["from_unit"],
        to_task=words["task_short"],
        recorded_by=owner,
    )
    Reallocation.objects.filter(initiative=initiative).update(
        confirmed_on=today - timedelta(days=10)
    )
    if completed:
        Initiative.objects.filter(pk=initiative.pk).update(
            lessons_learned="Start the reallocation plan with staff representatives in phase 3; "
            "the budget line must be agreed with finance before the benefit shows."
        )
        initiative.refresh_from_db()
