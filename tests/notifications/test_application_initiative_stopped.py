"""The funder's officers hear once when the initiative of an application still open at the
funder is stopped: in the app and by e-mail, through the reminder sweep."""

import pytest
from django.urls import reverse

from notifications.models import EmailPreference, Kind, Notification
from notifications.services import sweep
from organisations.models import Membership, Organisation
from tests.conftest import client_for, make_user
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db

RATIONALE = "The pilot did not shorten processing times."
KIND = Kind.APPLICATION_INITIATIVE_STOPPED


def warnings():
    return Notification.objects.filter(kind=KIND)


def test_the_officer_is_notified_once_even_when_the_sweep_runs_twice(
    submitted, leader, officer, outbox
):
    submitted.initiative.stop(leader, RATIONALE)

    first = sweep(at("2027-03-17 09:00"))
    second = sweep(at("2027-03-17 09:15"))

    assert first.created[KIND] == 1
    assert second.created[KIND] == 0
    [warning] = warnings()
    assert warning.recipient == officer
    assert warning.url == submitted.get_absolute_url()
    [email] = outbox.to(officer)
    assert email.subject == (
        "Initiative stopped while its funding application is open: Digital environmental permit service"
    )
    assert RATIONALE in email.body
    assert "Sitra renewal call" in email.body and "250,000\xa0€" in email.body
    assert submitted.get_absolute_url() in email.body


def test_the_warning_shows_in_the_officers_notifications(submitted, leader, officer):
    submitted.initiative.stop(leader, RATIONALE)
    sweep(at("2027-03-17 09:00"))

    page = client_for(officer).get(reverse("notifications:list")).content.decode()

    assert "Initiative stopped while its funding application is open" in page


def test_no_warning_while_the_initiative_runs_or_once_the_application_is_rejected(
    in_review, leader, officer, outbox
):
    sweep(at("2027-03-17 09:00"))
    assert not warnings().exists()

    in_review.reject(officer, "Out of the call's scope.")
    in_review.initiative.stop(leader, RATIONALE)
    sweep(at("2027-03-17 10:00"))

    # A granted one is still warned of: see tests/funding/test_alerts.py.
    assert not warnings().exists()


def test_only_the_officers_of_the_applications_funder_are_warned(
    in_review, leader, officer, outbox
):
    other = Organisation.objects.create(name="Other Fund", kind=Organisation.Kind.FUNDER)
    make_user("stranger", "Sam", "Toivonen", other, Membership.Role.FUNDING_OFFICER)
    in_review.initiative.stop(leader, RATIONALE)

    sweep(at("2027-03-17 09:00"))

    assert [n.recipient for n in warnings()] == [officer]


def test_an_unsent_email_is_dropped_once_the_application_is_decided(
    in_review, leader, officer, outbox
):
    in_review.initiative.stop(leader, RATIONALE)
    sweep(at("2027-03-17 09:00"), deliver=False)
    in_review.initiative.refresh_from_db()
    in_review.grant(officer, "Granted for the wind-down.", stop_acknowledged=True)

    result = sweep(at("2027-03-17 09:15"))

    assert result.emails_outdated == 1
    assert not outbox.to(officer)


def test_the_officer_can_turn_the_email_off(submitted, leader, officer, outbox):
    client = client_for(officer)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Initiative stopped or put on hold while applying or funded" in page
    EmailPreference.objects.create(user=officer, kind=KIND, email=False)
    submitted.initiative.stop(leader, RATIONALE)

    sweep(at("2027-03-17 09:00"))

    assert warnings().count() == 1
    assert not outbox.to(officer)
