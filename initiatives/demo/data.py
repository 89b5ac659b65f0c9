"""The demo's data: organisations, people, initiatives with their KPIs and the story each one
tells, and what their phases 2-5 say. Plain values only; the loaders that write them are
`initiatives/management/commands/seed_demo.py` (organisations, people, initiatives, KPIs,
measurements, spend), `initiatives/demo/phases.py` (phases 2-5) and `initiatives/demo/snapshots.py`
(last year's monthly snapshots). The funding call's data is in `funding/demo/data.py`.
"""

from initiatives.models import ReviewDecision, State
from metrics.models import Cadence, Direction, ValueArea
from organisations.models import Membership, Organisation

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


# Phases 2-5.

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
