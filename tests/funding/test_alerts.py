"""Alerts to the funder's officers, through the reminder sweep: each officer of the funder gets
each alert once, in the app and by e-mail, however often the sweep runs.

The clock stands on 1 March 2027 (Helsinki) when the fixtures are made; `granted` freezes the
persona initiative's KPI (processing time, lower is better, target 60 days by 28 August 2027) and
its benefit (180 000 € a year expected on 31 March 2027).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from funding.models import ProgressReport
from notifications.models import Kind, Notification
from notifications.services import sweep
from organisations.models import Membership, Organisation
from tests.conftest import make_user
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db

EXPECTED = date(2027, 3, 31)


@pytest.fixture(autouse=True)
def first_of_march(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    with time_machine.travel(at("2027-03-01 10:00"), tick=False):
        yield


@pytest.fixture
def benefit_expected_date():
    return EXPECTED


@pytest.fixture
def second_officer(funder):
    return make_user("officer2", "Oona", "Oksanen", funder, Membership.Role.FUNDING_OFFICER)


@pytest.fixture
def stranger():
    """An officer of another funder: never alerted of Sitra's applications."""
    other = Organisation.objects.create(name="Other Fund", kind=Organisation.Kind.FUNDER)
    return make_user("stranger", "Sam", "Toivonen", other, Membership.Role.FUNDING_OFFICER)


def alerts(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def emails_to(user):
    return [m for m in mail.outbox if user.email in m.to]


def test_each_officer_hears_once_that_a_funded_initiative_was_stopped(
    granted, leader, officer, second_officer, stranger
):
    granted.initiative.stop(leader, "The pilot did not shorten processing times.")

    first = sweep(at("2027-03-02 10:00"))
    second = sweep(at("2027-03-02 10:15"))

    kind = Kind.APPLICATION_INITIATIVE_STOPPED
    assert first.created[kind] == 2 and second.created[kind] == 0
    assert sorted(n.recipient.username for n in alerts(kind)) == ["officer", "officer2"]
    for person in (officer, second_officer):
        [email] = emails_to(person)
        assert email.subject == "Funded initiative stopped: Digital environmental permit service"
        assert "It was granted 250,000\xa0€ from Sitra renewal call" in email.body
    assert not emails_to(stranger)


def test_an_officer_hears_once_that_a_funded_initiative_was_put_on_hold(granted, leader, officer):
    granted.initiative.pause(leader, "Waiting for the new case system.")

    sweep(at("2027-03-02 10:00"))
    sweep(at("2027-03-03 10:00"))

    [alert] = alerts(Kind.APPLICATION_INITIATIVE_STOPPED)
    assert (alert.recipient, alert.period) == (officer, "on_hold")
    [email] = emails_to(officer)
    assert email.subject == "Funded initiative put on hold: Digital environmental permit service"


def test_each_officer_hears_once_of_a_weakened_target_and_once_of_a_postponed_date(
    granted, kpi, officer, second_officer, stranger
):
    kpi.target_value = Decimal(90)  # lower is better: 90 days asks less than the 60 committed
    kpi.save()
    sweep(at("2027-03-02 10:00"))
    kpi.target_date = kpi.target_date + timedelta(days=90)
    kpi.save()
    sweep(at("2027-03-02 10:15"))
    sweep(at("2027-03-03 10:00"))

    kind = Kind.COMMITMENT_WEAKENED
    assert sorted(alerts(kind).values_list("recipient__username", "period")) == [
        ("officer", "postponed"),
        ("officer", "weakened"),
        ("officer2", "postponed"),
        ("officer2", "weakened"),
    ]
    subjects = sorted(m.subject for m in emails_to(officer))
    assert subjects == [
        "Committed target date postponed: Permit processing time",
        "Committed target weakened: Permit processing time",
    ]
    weakened = next(m for m in emails_to(officer) if "weakened" in m.subject)
    assert "a target of 60 days" in weakened.body and "now 90 days" in weakened.body
    assert not emails_to(stranger)


def test_a_stricter_target_alerts_nobody(granted, kpi, officer):
    kpi.target_value = Decimal(45)
    kpi.save()

    sweep(at("2027-03-02 10:00"))

    assert not alerts(Kind.COMMITMENT_WEAKENED).exists()


def test_each_officer_hears_once_that_a_committed_benefit_passed_its_date_unmet(
    granted, leader, officer, second_officer, stranger
):
    sweep(at("2027-03-25 10:00"))  # before the date: the owner only
    assert not alerts(Kind.FUNDING_COMMITMENT, recipient=officer).exists()

    sweep(at("2027-04-02 10:00"))
    sweep(at("2027-04-02 10:15"))
    sweep(at("2027-05-03 10:00"))  # a month on: the owner again, the officers not

    assert list(
        alerts(Kind.FUNDING_COMMITMENT, recipient__in=[officer, second_officer])
        .order_by("recipient__username")
        .values_list("recipient__username", "period")
    ) == [("officer", "overdue"), ("officer2", "overdue")]
    assert sorted(
        alerts(Kind.FUNDING_COMMITMENT, recipient=leader).values_list("period", flat=True)
    ) == [
        "overdue+0",
        "overdue+1",
        "upcoming",
    ]
    [email] = emails_to(officer)
    assert (
        email.subject
        == "Committed benefit not realised by its date: Lower handling cost per permit"
    )
    assert not emails_to(stranger)


def test_each_officer_hears_once_that_a_progress_report_is_overdue(
    granted, officer, second_officer, stranger
):
    report = ProgressReport.request(granted, officer, date(2027, 3, 20))

    sweep(at("2027-03-21 10:00"))
    sweep(at("2027-03-22 10:00"))

    officers = alerts(Kind.PROGRESS_REPORT, recipient__in=[officer, second_officer])
    assert sorted(officers.values_list("recipient__username", "period")) == [
        ("officer", "overdue"),
        ("officer2", "overdue"),
    ]
    assert all(n.url == report.get_absolute_url() for n in officers)
    [email] = emails_to(officer)
    assert email.subject == "Progress report overdue: Digital environmental permit service"
    assert not emails_to(stranger)


def test_no_officer_alerts_before_anything_happens(granted, officer, second_officer):
    sweep(at("2027-03-02 10:00"))
    sweep(at("2027-03-02 10:15"))

    officers = Notification.objects.filter(recipient__in=[officer, second_officer])
    assert not officers.exists()
