"""Four eyes at the gates: members ask, leaders decide, and nobody decides their own request."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import GateError, GateRequest, Phase
from notifications import services
from notifications.models import EmailStatus, Kind, Notification
from organisations.models import Membership
from tests.conftest import client_for, make_user
from tests.notifications.backends import FlakyBackend

Role = Membership.Role
# A weekday morning in Helsinki, outside the reminders' quiet hours.
MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.fixture
def ready(initiative, kpi):
    """A phase-1 initiative whose gate criteria are all met; `member` is in its team."""
    return initiative


@pytest.fixture
def agency_leader(agency_a):
    return make_user("agencylead", "Anna", "Aalto", agency_a, Role.LEADER)


def ask(client, initiative, note="Goals and KPIs agreed with the team."):
    return client.post(
        reverse("initiatives:gate_request", args=[initiative.pk]), {"gate-note": note}, follow=True
    )


def decide(client, initiative, decision="approve", rationale="Good plan."):
    return client.post(
        reverse("initiatives:gate", args=[initiative.pk]),
        {"decision": decision, "rationale": rationale, "phase": initiative.phase},
        follow=True,
    )


def gate_notifications():
    return Notification.objects.filter(kind=Kind.GATE_REQUEST)


# Asking ----------------------------------------------------------------------------------------


def test_a_member_asks_for_a_gate_decision_with_a_note(member_client, member, ready):
    response = ask(member_client, ready)

    request = GateRequest.objects.get()
    assert (request.status, request.from_phase) == (GateRequest.Status.OPEN, Phase.GOALS)
    assert request.requested_by == member
    assert request.note == "Goals and KPIs agreed with the team."
    assertContains(response, "Decision requested. The leaders are notified")
    assertContains(response, "Mikko Mäkinen asked for a decision on")
    assertContains(response, "Goals and KPIs agreed with the team.")
    assertNotContains(response, "Record decision")


def test_the_member_sees_the_request_form_and_the_rule(member_client, ready):
    response = member_client.get(ready.get_absolute_url())

    assertContains(response, "Ask for a decision")
    assertContains(response, "Only leaders decide at the gates, and nobody decides a request")


def test_a_request_needs_every_criterion_met(member_client, initiative):
    response = ask(member_client, initiative)

    assertContains(
        response, "Every criterion of the gate must be met before a decision is asked for."
    )
    assert not GateRequest.objects.exists()


def test_a_request_needs_a_note(member_client, ready):
    response = ask(member_client, ready, note="  ")

    assertContains(response, "Write a short note: what the leaders should look at.")
    assert not GateRequest.objects.exists()


def test_asking_twice_records_one_request(member_client, ready):
    ask(member_client, ready)
    response = ask(member_client, ready, note="Again")

    assert GateRequest.objects.count() == 1
    assertContains(response, "A decision at this gate has already been asked for.")


def test_a_viewer_cannot_ask_and_an_outsider_does_not_see_the_initiative(
    viewer_client, outsider_client, ready
):
    assert ask(viewer_client, ready).status_code == 403
    assert ask(outsider_client, ready).status_code == 404
    assert not GateRequest.objects.exists()


def test_the_requester_withdraws_the_request(member_client, ready):
    ask(member_client, ready)

    response = member_client.post(
        reverse("initiatives:gate_request_withdraw", args=[ready.pk]), follow=True
    )

    assert GateRequest.objects.get().status == GateRequest.Status.WITHDRAWN
    assertContains(response, "Your request for a gate decision is withdrawn.")
    assertContains(response, "Ask for a decision")


# Deciding --------------------------------------------------------------------------------------


def test_the_leader_finds_the_request_on_landing_and_approves_it(
    member_client, leader_client, leader, ready
):
    ask(member_client, ready)

    landing = leader_client.get(reverse("initiatives:list"))
    assertContains(landing, "Decisions waiting for you")
    assertContains(landing, "Asked by Mikko Mäkinen")
    response = decide(leader_client, ready)

    ready.refresh_from_db()
    request = GateRequest.objects.get()
    assert ready.phase == Phase.PREREQUISITES
    assert request.status == GateRequest.Status.DECIDED
    assert request.decision.decided_by == leader
    assertContains(response, "Gate approved.")
    assertNotContains(leader_client.get(reverse("initiatives:list")), "Decisions waiting for you")


def test_a_member_who_owns_the_initiative_cannot_decide_even_their_own_request(
    member_client, member, make_initiative, make_kpi, agency_a
):
    owned = make_initiative(
        agency_a, member, change_for_citizens="Faster.", change_in_cost_efficiency="Cheaper."
    )
    make_kpi(owned)
    ask(member_client, owned)

    assert decide(member_client, owned).status_code == 403
    owned.refresh_from_db()
    assert owned.phase == Phase.GOALS


def test_a_leader_never_decides_a_request_they_made(leader_client, leader, ready, ministry):
    ask(leader_client, ready)

    response = decide(leader_client, ready)
    assertContains(response, "You asked for this decision yourself, so another leader must")
    ready.refresh_from_db()
    assert ready.phase == Phase.GOALS
    assert not ready.decisions.exists()
    with pytest.raises(GateError):
        ready.return_at_gate(leader, "Not yet.")

    colleague = make_user("colleague", "Kalle", "Koski", ministry, Role.LEADER)
    decide(client_for(colleague), ready)
    ready.refresh_from_db()
    assert ready.phase == Phase.PREREQUISITES


def test_the_requesting_leader_is_shown_that_another_leader_decides(leader_client, ready):
    ask(leader_client, ready)

    response = leader_client.get(ready.get_absolute_url())

    assertContains(response, "You asked for this decision, so another leader decides it.")
    assertNotContains(response, "Record decision")
    assertNotContains(leader_client.get(reverse("initiatives:list")), "Decisions waiting")


def test_stopping_the_initiative_closes_the_request(member_client, leader, ready):
    ask(member_client, ready)

    ready.stop(leader, "Not producing results.")

    assert GateRequest.objects.get().status == GateRequest.Status.DECIDED


# Who is asked ----------------------------------------------------------------------------------


def test_the_initiatives_own_leaders_are_asked_not_the_requester(
    member, agency_leader, leader, ready
):
    request = ready.request_gate(member, "Please decide.")

    assert list(request.deciders()) == [agency_leader]


def test_the_only_leader_asking_is_decided_above(agency_leader, leader, ready):
    request = ready.request_gate(agency_leader, "I lead the agency alone.")

    assert list(request.deciders()) == [leader]


def test_an_agency_leader_may_decide_a_request_from_the_ministry_level(
    member_client, agency_leader, ready
):
    ask(member_client, ready)

    decide(client_for(agency_leader), ready)

    ready.refresh_from_db()
    assert ready.phase == Phase.PREREQUISITES


# Notifying -------------------------------------------------------------------------------------


def test_the_leaders_are_notified_once_in_the_app_and_by_email(member, agency_leader, ready):
    ready.request_gate(member, "Goals agreed.")

    services.sweep(MORNING)
    services.sweep(MORNING)

    notification = gate_notifications().get()
    assert notification.recipient == agency_leader
    assert notification.email_status == EmailStatus.SENT
    sent = [m for m in mail.outbox if "Decision requested" in m.subject]
    assert len(sent) == 1
    assert sent[0].to == [agency_leader.email]
    assert "Mikko Mäkinen asks you to decide at the gate" in sent[0].body
    assert "Goals agreed." in sent[0].body


def test_a_decided_request_is_not_mailed_late(member, leader, agency_leader, ready, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failing = {agency_leader.email}
    ready.request_gate(member, "Goals agreed.")
    services.sweep(MORNING)  # recorded; the e-mail fails and waits for a retry
    FlakyBackend.failing = set()
    ready.pass_gate(agency_leader, "Approved.")

    services.sweep(MORNING.replace(hour=14))

    assert gate_notifications().get().email_status == EmailStatus.OUTDATED
