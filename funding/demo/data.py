"""The demo's funding call and its applications, as plain values (loaded by `loader.py`)."""

from funding.models import ApplicationState

CALL = "Productivity through public-sector renewal 2026"

# initiative title, state reached, amount, comment from the officer
APPLICATIONS = [
    (
        "Digital environmental permit service",
        ApplicationState.GRANTED,
        400000,
        "Granted. We expect the 60-day processing time committed here; report it quarterly.",
    ),
    (
        "Online trade register notifications",
        ApplicationState.GRANTED,
        150000,
        "Granted for the roll-out. Show the saving in the 2026 budget as committed.",
    ),
    (
        "Automated completeness check for permit applications",
        ApplicationState.IN_REVIEW,
        220000,
        "Please explain how the 2.5 FTE freed will move to supervision work, and by when.",
    ),
    ("Shared case-management platform for supervision", ApplicationState.SUBMITTED, 600000, ""),
    (
        "Ministry-wide benefits tracking",
        ApplicationState.REJECTED,
        300000,
        "The application has no baselines for its KPIs yet. Apply again in the next call.",
    ),
    ("Regulatory impact assessment templates", ApplicationState.WITHDRAWN, 80000, ""),
    ("Self-service for company changes", ApplicationState.DRAFT, 120000, ""),
]
