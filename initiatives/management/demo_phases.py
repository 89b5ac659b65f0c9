"""Phase 2–5 content for the demo initiatives: realistic enough to read on first login."""

from datetime import timedelta
from decimal import Decimal

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
    ReviewDecision,
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


STEPS = [
    ("Application received", "Applicant", "0.2", "24", 400, False, False),
    ("Completeness check", "Case handler", "0.75", "120", 400, True, True),
    ("Request for missing information", "Case handler", "0.5", "240", 160, True, True),
    ("Substantive review", "Expert", "3", "320", 400, True, False),
    ("Decision and notification", "Case handler", "0.5", "48", 400, True, True),
]
REVIEWS = [
    (3, ReviewDecision.ADJUST, "Digital share grows slower than planned; simplify the form."),
    (2, ReviewDecision.CONTINUE, "The simplified form lifted the digital share; continue."),
    (1, ReviewDecision.CONTINUE, "Processing time is on its trajectory; continue as planned."),
]
# What phases 2-5 say, by default about the completeness check of permit applications; every
# other initiative says it in its own words (its own datasets and benefits, never a copy), so the
# demo reads true wherever a visitor clicks.
DEFAULT = {
    "dataset": (
        "Permit application records",
        "Case management unit",
        "Attachment types are free text; a third of the records name them differently.",
        "A fixed list of attachment types from the next release.",
    ),
    "disbenefit": "Extra support calls while applicants learn the automatic check",
    "steps": STEPS,
    "saving": "Lower handling cost per permit application",
    "budget_line": "Operating expenditure, case handling",
    "freed": "Case handler time freed from completeness checks",
    "from_unit": "Case handling",
    "task": "Supervision visits and advice to first-time applicants",
    "task_short": "Supervision visits",
    "unit": "Supervision unit",
    "reviews": REVIEWS,
}
FLAVOURS = {
    "Digital environmental permit service": {
        "dataset": (
            "Environmental permit case files",
            "Environmental permits unit",
            "Scanned PDF attachments: emission figures cannot be read by machine.",
            "Emission figures as structured fields in the online form.",
        ),
        "disbenefit": "Extra support calls during the switch-over to online applications",
        "saving": "Lower handling cost per environmental permit",
        "budget_line": "Operating expenditure, environmental permits",
        "freed": "Case handler time freed from re-keying paper applications",
        "from_unit": "Environmental permits",
        "task": "Inspections of permitted installations",
        "task_short": "Inspections",
        "unit": "Environmental supervision",
    },
    "Shared case-management platform for supervision": {
        "dataset": (
            "Supervision case records of the three regional systems",
            "Regional supervision units",
            "Three code lists for the same case types; statistics cannot be added up.",
            "One national code list, mapped before the data is migrated.",
        ),
    },
    "Permit guidance chatbot": {
        "dataset": (
            "Helpdesk call transcripts",
            "Permit helpdesk",
            "Transcripts hold personal data; callers never consented to their reuse.",
            "None: the data cannot be used for training without consent.",
        ),
    },
    "Ministry-wide benefits tracking": {
        "dataset": (
            "Project reports of the ministry's digital projects",
            "Finance and steering unit",
            "Benefits are reported as prose in slide decks, not as figures.",
            "A benefit template with figures in the next reporting round.",
        ),
    },
    "Purchase invoice automation": {
        "dataset": (
            "Purchase invoices and orders",
            "Financial services",
            "One order in eight has no order number on the invoice.",
            "Suppliers are asked for the order number at ordering.",
        ),
        "disbenefit": "Supplier queries while invoices move to e-invoicing",
        "steps": [
            ("Invoice received", "Supplier", "0", "24", 4000, False, False),
            (
                "Invoice matched to its order",
                "Accounts payable clerk",
                "0.15",
                "96",
                4000,
                True,
                True,
            ),
            ("Approval by the budget holder", "Budget holder", "0.05", "120", 4000, True, False),
            ("Payment run", "Financial system", "0", "72", 4000, False, False),
        ],
        "saving": "Lower handling cost per purchase invoice",
        "budget_line": "Financial services, operating expenditure",
        "freed": "Clerk time freed from matching invoices by hand",
        "from_unit": "Accounts payable",
        "task": "Procurement analysis for the city's largest contracts",
        "task_short": "Procurement analysis",
        "unit": "Procurement services",
        "reviews": [
            (3, ReviewDecision.CONTINUE, "Automatic matching reached 70%; the target is in reach."),
            (2, ReviewDecision.CONTINUE, "Payment times within the plan; continue the roll-out."),
            (1, ReviewDecision.CONTINUE, "Both KPIs on track; prepare the offer to neighbours."),
        ],
    },
    "Online trade register notifications": {
        "dataset": (
            "Trade register notification records",
            "Registration unit",
            "Older notifications lack the business ID of the person filing.",
            "The business ID is required in every online notification.",
        ),
        "disbenefit": "Extra support calls during the switch-over to the pre-filled form",
        "steps": [
            ("Notification received", "Company", "0.1", "12", 2500, False, False),
            ("Completeness check", "Registrar", "0.4", "72", 2500, True, True),
            ("Request for missing information", "Registrar", "0.3", "160", 600, True, True),
            ("Registration", "Registrar", "0.5", "48", 2500, True, True),
            ("Publication in the trade register", "Register system", "0", "24", 2500, False, False),
        ],
        "saving": "Lower handling cost per notification",
        "budget_line": "Operating expenditure, registration",
        "freed": "Registrar time freed from completeness checks",
        "from_unit": "Registration",
        "task": "Advice to start-ups on their first filings",
        "task_short": "Advice to start-ups",
        "unit": "Customer service",
    },
    "Home care route optimisation": {
        "dataset": (
            "Home care visit plans and client addresses",
            "Home care administration",
            "Visit time windows live in nurses' notes, not in the plan.",
            "Time windows as fields in the client plan.",
        ),
        "disbenefit": "Coordinators' extra work checking the suggested routes",
        "steps": [
            ("Visit needs collected", "Home care coordinator", "0.2", "0", 3300, True, True),
            ("Daily routes planned by hand", "Home care coordinator", "1.5", "0", 22, True, True),
            ("Driving between clients", "Home care nurse", "0.6", "0", 3300, True, False),
            ("Home visit", "Home care nurse", "0.75", "0", 3300, False, False),
            ("Visit recorded", "Home care nurse", "0.1", "4", 3300, True, True),
        ],
        "saving": "Lower travel and overtime costs",
        "budget_line": "Home care, travel and overtime",
        "freed": "Nurse time freed from driving",
        "from_unit": "Home care routes",
        "task": "Longer visits for clients with the greatest needs",
        "task_short": "Longer visits",
        "unit": "Home care",
        "reviews": [
            (3, ReviewDecision.ADJUST, "Routes ignore visit time windows; add them to the plan."),
            (
                2,
                ReviewDecision.CONTINUE,
                "Nurses still re-plan most routes by hand; give the new version a month.",
            ),
            (
                1,
                ReviewDecision.CONTINUE,
                "Driving time has not fallen yet; continue and train the coordinators.",
            ),
        ],
    },
    "Early childhood education applications online": {
        "dataset": (
            "Daycare applications and placements",
            "Early childhood education administration",
            "Paper applications are re-keyed; one in ten has a mistyped date of birth.",
            "Applications online with the child's details from the population register.",
        ),
        "disbenefit": "Extra calls from families unsure of the online form",
        "steps": [
            ("Application received", "Guardian", "0.1", "24", 300, False, False),
            ("Paper application re-keyed", "Service advisor", "0.5", "72", 180, True, True),
            ("Placement planned", "Placement planner", "1", "240", 300, True, False),
            ("Decision sent", "Service advisor", "0.2", "48", 300, True, True),
        ],
        "saving": "Lower handling cost per application",
        "budget_line": "Early childhood education, administration",
        "freed": "Service advisor time freed from re-keying",
        "from_unit": "Service advice",
        "task": "Guidance for families moving to the city",
        "task_short": "Guidance for families",
        "unit": "Early childhood education services",
    },
    "Building permit e-service": {
        "dataset": (
            "Building permit drawings and decisions",
            "Building control",
            "Drawings before 2015 exist on paper only.",
            "Scanned on demand when a permit for the same building is applied for.",
        ),
        "disbenefit": "Extra support calls from designers during the switch-over",
        "steps": [
            ("Application received", "Applicant", "0.2", "24", 150, False, False),
            ("Completeness check", "Building inspector", "1", "120", 150, True, True),
            ("Statements requested", "Building inspector", "0.5", "320", 60, True, False),
            ("Decision", "Building inspector", "2", "72", 150, False, False),
            ("Decision published", "Permit secretary", "0.3", "24", 150, True, True),
        ],
        "saving": "Lower handling cost per building permit",
        "budget_line": "Building control, operating expenditure",
        "freed": "Inspector time freed from completeness checks",
        "from_unit": "Building permits",
        "task": "Site inspections during construction",
        "task_short": "Site inspections",
        "unit": "Building control",
    },
}


# The value stream measured again once the changes are in use: (kind, days ago, note, steps).
MEASURED_AGAIN = {
    # Real renewal: the online form removes most requests for missing information, so cases
    # stop waiting; the lead time falls by more than half, not quite as far as designed.
    "Digital environmental permit service": [
        (
            "to_be",
            None,
            "Online application with built-in checks; missing information asked for at once.",
            [
                ("Application submitted online", "Applicant", "0.2", "4", 400, False, False),
                ("Automatic completeness check", "Permit system", "0", "1", 400, False, False),
                ("Request for missing information", "Case handler", "0.25", "72", 40, True, False),
                ("Substantive review", "Expert", "3", "160", 400, True, False),
                ("Decision and notification", "Case handler", "0.25", "8", 400, True, True),
            ],
        ),
        (
            "remeasure",
            40,
            "80 applications followed from submission to decision after the online form went live.",
            [
                ("Application submitted online", "Applicant", "0.2", "6", 400, False, False),
                ("Automatic completeness check", "Permit system", "0", "2", 400, False, False),
                ("Request for missing information", "Case handler", "0.3", "96", 70, True, False),
                ("Substantive review", "Expert", "3", "200", 400, True, False),
                ("Decision and notification", "Case handler", "0.3", "12", 400, True, True),
            ],
        ),
    ],
    # Digitised, not renewed: the pre-filled form halves the registrars' handling time, but
    # notifications wait in the same queues as before, so the lead time grows a little.
    "Online trade register notifications": [
        (
            "remeasure",
            75,
            "Sample of 200 notifications after the pre-filled form; the queues were not changed.",
            [
                ("Notification received", "Company", "0.1", "12", 2500, False, False),
                ("Completeness check", "Registrar", "0.15", "80", 2500, True, True),
                ("Request for missing information", "Registrar", "0.2", "160", 650, True, True),
                ("Registration", "Registrar", "0.2", "56", 2500, True, True),
                (
                    "Publication in the trade register",
                    "Register system",
                    "0",
                    "24",
                    2500,
                    False,
                    False,
                ),
            ],
        ),
    ],
}


MEASURED_AGAIN["Purchase invoice automation"] = [
    # Real renewal: invoices matched automatically no longer wait for a clerk, and approvals
    # have a reminder, so an invoice is paid in days rather than weeks.
    (
        "remeasure",
        50,
        "300 invoices followed from receipt to payment after automatic matching went live.",
        [
            ("Invoice received", "Supplier", "0", "2", 4000, False, False),
            ("Invoice matched to its order", "Financial system", "0.02", "4", 4000, False, False),
            ("Approval by the budget holder", "Budget holder", "0.05", "48", 4000, True, False),
            ("Payment run", "Financial system", "0", "72", 4000, False, False),
        ],
    ),
]

# Freed time not moved: the time is freed and counted, but nobody has confirmed where it went.
FREED_NOT_MOVED = {"Digital environmental permit service"}


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
