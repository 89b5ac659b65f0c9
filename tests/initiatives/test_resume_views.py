"""Resuming an initiative on hold."""

from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives.models import GateDecision, State

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# Resume ----------------------------------------------------------------------------------------------


def test_a_leader_resumes_an_initiative_on_hold(leader, leader_client, initiative):
    initiative.pause(leader, "Waiting for the budget.")

    response = leader_client.post(
        reverse("initiatives:resume", args=[initiative.pk]),
        {"rationale": "The budget was granted."},
        follow=True,
    )

    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE
    decision = initiative.decisions.first()
    assert (decision.outcome, decision.rationale) == (
        GateDecision.Outcome.RESUMED,
        "The budget was granted.",
    )
    assertContains(response, "The initiative is active again.")


def test_resuming_an_active_initiative_is_explained(leader_client, initiative):
    response = leader_client.post(reverse("initiatives:resume", args=[initiative.pk]), follow=True)

    assertContains(response, "Only an initiative on hold can be resumed.")
    assert not initiative.decisions.exists()
