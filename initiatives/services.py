"""Domain operations that span several models: recording a review, scaling an initiative."""

from django.db import transaction
from django.utils.translation import gettext as _

from initiatives.models import (
    Benefit,
    GateError,
    Initiative,
    Review,
    ReviewAction,
    ReviewDecision,
    ReviewKPISnapshot,
    State,
)
from metrics.models import KPI
from metrics.status import kpi_status
from renewal import policy
from renewal.policy import Action

# Review decisions that change the initiative's state: a leader's to take (policy DECIDE).
STATE_DECISIONS = (ReviewDecision.STOP, ReviewDecision.PAUSE)


@transaction.atomic
def review_record(initiative, user, review: Review, actions: list[dict]) -> Review:
    """Save a review with a snapshot of every KPI as it stands on the review date.

    The snapshot is copied, not referenced, so later edits to KPIs or measurements never change
    what the review saw. A stop decision stops the initiative; a pause puts it on hold; only a
    leader may record either (GateError otherwise, and nothing is saved).
    """
    if review.decision in STATE_DECISIONS and not policy.can(user, Action.DECIDE, initiative):
        raise GateError(_("Only a leader can decide to stop or pause the initiative."))
    review.initiative = initiative
    review.recorded_by = user
    review.save()
    kpis = KPI.objects.filter(initiative=initiative).prefetch_related("measurements", "milestones")
    ReviewKPISnapshot.objects.bulk_create([_snapshot(review, kpi) for kpi in kpis])
    for action in actions:
        ReviewAction.objects.create(review=review, **action)
    if review.decision == ReviewDecision.STOP:
        initiative.stop(user, review.rationale)
    elif review.decision == ReviewDecision.PAUSE and initiative.state == State.ACTIVE:
        initiative.pause(user, review.rationale)
    return review


def _snapshot(review, kpi) -> ReviewKPISnapshot:
    status = kpi_status(
        kpi, kpi.measurements.all(), on=review.date, milestones=kpi.milestones.all()
    )
    return ReviewKPISnapshot(
        review=review,
        kpi=kpi,
        kpi_name=kpi.name,
        unit=kpi.unit,
        value=status.latest_value,
        measured_on=status.latest_date,
        planned=status.planned_value,
        target_value=kpi.target_value,
        status=status.status,
        overdue=status.overdue,
    )


KPI_FIELDS_TO_COPY = (
    "name",
    "description",
    "unit",
    "direction",
    "value_area",
    "target_value",
    "target_date",
    "cadence",
    "data_source",
)
BENEFIT_FIELDS_TO_COPY = ("description", "kind", "is_disbenefit", "quantity", "unit", "shows_in")


@transaction.atomic
def initiative_scale(initiative, user, organisation, title) -> Initiative:
    """Start a follow-up initiative in another unit, seeded with this one's KPIs and benefit plan.

    Baselines are left empty: the new unit measures its own starting point.
    """
    follow_up = Initiative.objects.create(
        organisation=organisation,
        title=title,
        problem=initiative.problem,
        change_for_citizens=initiative.change_for_citizens,
        change_in_cost_efficiency=initiative.change_in_cost_efficiency,
        owner=user,
        tags=initiative.tags,
        uses_ai=initiative.uses_ai,
        investment_budget=None,
        follows=initiative,
    )
    new_kpis = {}
    for kpi in initiative.kpis.all():
        new_kpis[kpi.pk] = KPI.objects.create(
            initiative=follow_up, **{f: getattr(kpi, f) for f in KPI_FIELDS_TO_COPY}
        )
    for benefit in initiative.benefits.prefetch_related("kpis"):
        copy = Benefit.objects.create(
            initiative=follow_up, **{f: getattr(benefit, f) for f in BENEFIT_FIELDS_TO_COPY}
        )
        copy.kpis.set([new_kpis[k.pk] for k in benefit.kpis.all() if k.pk in new_kpis])
    return follow_up
