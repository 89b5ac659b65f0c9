"""An open application of a stopped initiative: flagged to the officer on the list and the
application page, and granted only with the officer's explicit acknowledgement."""

import pytest
from django.urls import reverse

from funding.forms import ReviewForm
from funding.models import ApplicationState, FundingApplication, TransitionError

RATIONALE = "The pilot did not shorten processing times."


@pytest.fixture
def stopped_in_review(in_review, leader):
    in_review.initiative.stop(leader, RATIONALE)
    return FundingApplication.objects.get(pk=in_review.pk)


def review_url(application):
    return reverse("funding:review", args=[application.pk])


def test_officer_list_flags_the_open_application_of_a_stopped_initiative(
    officer_client, stopped_in_review
):
    page = officer_client.get(reverse("funding:list")).content.decode()

    assert '<strong class="flag">Initiative stopped</strong>' in page


def test_officer_list_does_not_flag_an_active_initiative(officer_client, in_review):
    page = officer_client.get(reverse("funding:list")).content.decode()

    assert "Initiative stopped" not in page


def test_application_page_says_who_stopped_the_initiative_and_why(
    officer_client, stopped_in_review
):
    page = officer_client.get(stopped_in_review.get_absolute_url()).content.decode()

    assert "The initiative was stopped, and this application is still open." in page
    assert "Decided by Liisa Laaksonen" in page
    assert RATIONALE in page
    assert "acknowledge in the review below" in page
    assert 'name="stop_acknowledged"' in page


def test_the_grant_form_of_an_active_initiative_asks_no_acknowledgement(officer_client, in_review):
    response = officer_client.get(in_review.get_absolute_url())

    assert "stop_acknowledged" not in response.context["review_form"].fields
    assert "The initiative was stopped" not in response.content.decode()


def test_granting_without_the_acknowledgement_is_refused_next_to_the_field(
    officer_client, stopped_in_review
):
    response = officer_client.post(
        review_url(stopped_in_review), {"action": ReviewForm.GRANT, "body": "Go ahead."}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_stop_acknowledged_error"' in page
    assert "Tick this box to grant its application all the same." in page
    stopped_in_review.refresh_from_db()
    assert stopped_in_review.state == ApplicationState.IN_REVIEW
    assert not stopped_in_review.comments.exists()


def test_granting_with_the_acknowledgement_succeeds_and_is_recorded(
    officer_client, officer, stopped_in_review
):
    response = officer_client.post(
        review_url(stopped_in_review),
        {
            "action": ReviewForm.GRANT,
            "body": "Granted for the wind-down.",
            "stop_acknowledged": "on",
        },
    )

    assert response.status_code == 302
    stopped_in_review.refresh_from_db()
    assert stopped_in_review.state == ApplicationState.GRANTED
    assert stopped_in_review.stop_acknowledged is True
    assert stopped_in_review.decided_by == officer
    page = officer_client.get(stopped_in_review.get_absolute_url()).content.decode()
    assert "granted knowing the initiative was stopped" in page
    assert "this application is still open" not in page
    list_page = officer_client.get(reverse("funding:list")).content.decode()
    assert "Initiative stopped" not in list_page


def test_the_domain_refuses_a_grant_without_the_acknowledgement(officer, stopped_in_review):
    with pytest.raises(TransitionError, match="acknowledge"):
        stopped_in_review.grant(officer, "Granted.")

    stopped_in_review.refresh_from_db()
    assert stopped_in_review.state == ApplicationState.IN_REVIEW
    assert stopped_in_review.decided_at is None


def test_rejecting_an_application_of_a_stopped_initiative_needs_no_acknowledgement(
    officer_client, stopped_in_review
):
    officer_client.post(
        review_url(stopped_in_review),
        {"action": ReviewForm.REJECT, "body": "The initiative was stopped."},
    )

    stopped_in_review.refresh_from_db()
    assert stopped_in_review.state == ApplicationState.REJECTED
    assert stopped_in_review.stop_acknowledged is False


def test_an_active_initiative_is_granted_without_acknowledgement(officer, in_review):
    in_review.grant(officer, "Granted.")

    in_review.refresh_from_db()
    assert in_review.state == ApplicationState.GRANTED
    assert in_review.stop_acknowledged is False
