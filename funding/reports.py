"""The application's context builder: the page and the PDF both render from it."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from funding.compare import CommitmentComparison, compare_commitment
from initiatives.models import GateDecision


@dataclass
class ApplicationReport:
    application: object
    commitment: object | None  # the frozen commitment; None while a draft
    goals: object  # the commitment, or the initiative while a draft: problem and changes sought
    kpis: list
    benefits: list
    comparison: CommitmentComparison | None
    comments: list
    today: date
    as_of: datetime
    # The decision that stopped the initiative while the application is still open, else None.
    stop: object | None = None

    @property
    def is_frozen(self) -> bool:
        return self.commitment is not None


def application_report(application, today: date | None = None) -> ApplicationReport:
    """What the application committed to (or would commit to, while a draft), beside what
    happened since, in a fixed number of queries."""
    today = today or timezone.localdate()
    commitment = getattr(application, "commitment", None) if not application.is_draft else None
    if commitment is not None:
        kpis, benefits = list(commitment.kpis.all()), list(commitment.benefits.all())
        comparison = compare_commitment(commitment, today, live=True)
        goals = commitment
    else:
        initiative = application.initiative
        kpis = list(initiative.kpis.order_by("id"))
        benefits = list(initiative.benefits.order_by("expected_date", "id"))
        comparison, goals = None, initiative
    comments = list(application.comments.select_related("author"))
    stop = None
    if application.initiative_stopped:
        stop = (
            application.initiative.decisions.filter(outcome=GateDecision.Outcome.STOPPED)
            .select_related("decided_by")
            .first()
        )
    return ApplicationReport(
        application=application,
        commitment=commitment,
        goals=goals,
        kpis=kpis,
        benefits=benefits,
        comparison=comparison,
        comments=comments,
        today=today,
        as_of=timezone.now(),
        stop=stop,
    )
