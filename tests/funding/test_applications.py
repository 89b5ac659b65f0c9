"""The application's state machine, through the model and through the applicant's views."""

import pytest
from django.urls import reverse

from funding.models import ApplicationState, Commitment, FundingApplication, TransitionError
from renewal.models import AuditEntry

State = ApplicationState


def test_submitting_a_draft_freezes_the_initiatives_commitments(draft, leader, kpi, benefit):
    commitment = draft.submit(leader)

    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and draft.submitted_at
    assert [k.name for k in commitment.kpis.all()] == [kpi.name]
    assert commitment.kpis.get().target_value == kpi.target_value
    assert commitment.benefits.get().quantity == benefit.quantity
    assert commitment.amount_requested == draft.amount_requested


def test_the_whole_path_to_a_grant_is_allowed(granted, officer):
    granted.refresh_from_db()
    assert granted.state == State.GRANTED
    assert granted.decided_by == officer
    assert granted.comments.get(decision=State.GRANTED).body.startswith("Granted")


def test_an_application_in_review_can_be_rejected_with_a_reason(in_review, officer):
    in_review.reject(officer, "No baseline for the KPIs.")
    assert FundingApplication.objects.get(pk=in_review.pk).state == State.REJECTED


def test_a_rejection_needs_a_reason(in_review, officer):
    with pytest.raises(TransitionError):
        in_review.reject(officer, "  ")
    assert FundingApplication.objects.get(pk=in_review.pk).state == State.IN_REVIEW


@pytest.mark.parametrize("state", [State.SUBMITTED, State.IN_REVIEW])
def test_a_sent_application_can_be_withdrawn(make_application, initiative, leader, officer, state):
    application = make_application(initiative)
    application.submit(leader)
    if state == State.IN_REVIEW:
        application.start_review(officer)
    application.withdraw(leader)
    assert FundingApplication.objects.get(pk=application.pk).state == State.WITHDRAWN


@pytest.mark.parametrize(
    ("fixture", "move"),
    [
        ("draft", "start_review"),
        ("draft", "grant"),
        ("draft", "withdraw"),
        ("submitted", "submit"),
        ("submitted", "grant"),
        ("submitted", "reject"),
        ("in_review", "submit"),
        ("in_review", "start_review"),
        ("granted", "withdraw"),
        ("granted", "reject"),
        ("granted", "submit"),
    ],
)
def test_refused_transitions_raise_a_clear_error_and_change_nothing(request, leader, fixture, move):
    application = request.getfixturevalue(fixture)
    before = FundingApplication.objects.get(pk=application.pk).state
    arguments = {"reject": ("Not now.",), "grant": ("",)}.get(move, ())
    with pytest.raises(TransitionError, match="Only"):
        getattr(application, move)(leader, *arguments)
    assert FundingApplication.objects.get(pk=application.pk).state == before


def test_a_stale_copy_cannot_move_an_application_twice(submitted, officer):
    stale = FundingApplication.objects.get(pk=submitted.pk)
    submitted.start_review(officer)
    with pytest.raises(TransitionError):
        stale.start_review(officer)


def test_every_move_is_audited_on_the_initiatives_history(granted):
    changes = AuditEntry.objects.filter(initiative_id=granted.initiative_id, action="update")
    states = [e.changes["state"][1] for e in changes if "state" in e.changes]
    assert sorted(states) == sorted([State.SUBMITTED, State.IN_REVIEW, State.GRANTED])


def test_the_owner_creates_and_submits_an_application(leader_client, initiative, kpi, call):
    response = leader_client.post(
        reverse("funding:create", args=[initiative.pk]),
        {
            "call": call.pk,
            "amount_requested": "250 000",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "summary": "Development",
        },
    )
    application = FundingApplication.objects.get(initiative=initiative)
    assert response.status_code == 302 and application.state == State.DRAFT

    leader_client.post(reverse("funding:move", args=[application.pk, "submit"]))

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert Commitment.objects.get(application=application).kpis.count() == 1


def test_a_member_who_does_not_own_the_initiative_cannot_apply(member_client, initiative, draft):
    assert member_client.get(reverse("funding:create", args=[initiative.pk])).status_code == 403
    response = member_client.post(reverse("funding:move", args=[draft.pk, "submit"]))
    assert response.status_code == 403
    assert FundingApplication.objects.get(pk=draft.pk).state == State.DRAFT


def test_the_applicant_sees_the_officers_comments(member_client, granted):
    response = member_client.get(granted.get_absolute_url())
    assert "report the processing time quarterly" in response.content.decode()


def test_an_outsider_cannot_see_an_application(outsider_client, submitted):
    assert outsider_client.get(submitted.get_absolute_url()).status_code == 404
