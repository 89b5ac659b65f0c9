"""Access requests (issue 16, item 1): someone who signs in without any membership lands on a page
that says so and asks to join an organisation; its leaders are told (once, through the reminder
sweep), see it on My work, and approve with a role or decline. Nobody else decides it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from notifications.kinds import message_for
from notifications.models import Kind, Notification
from notifications.services import sweep
from organisations.models import AccessRequest, Membership
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
NO_ACCESS = reverse("accounts:no_access")
REQUESTS = reverse("accounts:access_requests")


@pytest.fixture
def newcomer(db):
    return make_user("newcomer", "Nea", "Uusi")


@pytest.fixture
def newcomer_client(newcomer):
    return client_for(newcomer)


@pytest.fixture
def asked(newcomer, agency_a):
    return AccessRequest.objects.create(user=newcomer, organisation=agency_a, message="Permits")


def decide(client, access, decision, role="member"):
    return client.post(
        reverse("accounts:access_decide", args=[access.pk]), {"decision": decision, "role": role}
    )


def test_signing_in_without_a_membership_lands_on_the_request_page(newcomer, agency_a):
    client = client_for(newcomer)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "newcomer", "password": "secret"}, follow=True
    )
    assert response.redirect_chain[-1][0] == NO_ACCESS
    assert "ask to join" in response.content.decode().lower()


def test_a_request_is_stored_once_and_shown_to_the_person(newcomer_client, newcomer, agency_a):
    page = newcomer_client.get(NO_ACCESS)
    key = page.context["form"]["submission"].value()
    data = {"organisation": agency_a.pk, "message": "I handle permits", "submission": key}
    assert newcomer_client.post(NO_ACCESS, data).status_code == 302
    assert newcomer_client.post(NO_ACCESS, data).status_code == 302  # a double click
    assert AccessRequest.objects.filter(user=newcomer).count() == 1
    shown = newcomer_client.get(NO_ACCESS).content.decode()
    assert agency_a.name in shown
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ACCESS_REQUESTED).count() == 1


def test_asking_again_while_waiting_is_refused_next_to_the_field(newcomer_client, asked):
    response = newcomer_client.post(NO_ACCESS, {"organisation": asked.organisation_id})
    assert response.status_code == 200
    assert "already asked" in str(response.context["form"].errors["organisation"])
    assert AccessRequest.objects.count() == 1


def test_the_leaders_are_told_once(asked, leader, member):
    moment = datetime(2026, 11, 10, 10, 0, tzinfo=HELSINKI)
    sweep(moment)
    sweep(moment)
    told = Notification.objects.filter(kind=Kind.ACCESS_REQUEST)
    # The ministry's leader leads agency A from above; the member is not asked.
    assert [n.recipient for n in told] == [leader]
    message = message_for(told.get())
    assert "Nea Uusi" in message.title and asked.organisation.name in message.title
    assert told.get().url == REQUESTS


def test_a_decided_request_asks_nobody(asked, leader, leader_client):
    decide(leader_client, asked, "decline")
    sweep(datetime(2026, 11, 10, 10, 0, tzinfo=HELSINKI))
    assert not Notification.objects.filter(kind=Kind.ACCESS_REQUEST).exists()


def test_the_leader_sees_it_on_my_work_and_approves_with_a_role(
    asked, newcomer, leader, leader_client
):
    work = leader_client.get(reverse("initiatives:my_work")).content.decode()
    assert "Nea Uusi asks to join" in work
    assert "Nea Uusi" in leader_client.get(REQUESTS).content.decode()

    assert decide(leader_client, asked, "approve", role="member").status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert (membership.organisation, membership.role) == (asked.organisation, "member")
    asked.refresh_from_db()
    assert (asked.state, asked.decided_by) == (AccessRequest.State.APPROVED, leader)
    # Deciding again changes nothing.
    decide(leader_client, asked, "approve", role="leader")
    assert Membership.objects.get(user=newcomer).role == "member"
    # The newcomer now lands on their work instead of the request page.
    assert client_for(newcomer).get(NO_ACCESS).status_code == 302


def test_declining_gives_no_membership(asked, newcomer, leader_client):
    decide(leader_client, asked, "decline")
    asked.refresh_from_db()
    assert asked.state == AccessRequest.State.DECLINED
    assert not Membership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("who", ["member_client", "viewer_client", "outsider_client"])
def test_only_leaders_over_the_organisation_decide(request, who, asked, newcomer):
    client = request.getfixturevalue(who)
    assert decide(client, asked, "approve", role="leader").status_code == 403
    assert "Nea Uusi" not in client.get(REQUESTS).content.decode()
    asked.refresh_from_db()
    assert asked.state == AccessRequest.State.PENDING
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_newcomer_cannot_approve_their_own_request(asked, newcomer_client, newcomer):
    assert decide(newcomer_client, asked, "approve", role="leader").status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()
