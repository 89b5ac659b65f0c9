"""Reminders of committed benefits: to the initiative's owner, before the date and while short.

The persona `initiative` applies for funding with a benefit of 180 000 € a year expected on
31 March 2027; `granted` freezes it into the commitment. Sweeps run at explicit Helsinki moments.
"""

from datetime import date
from decimal import Decimal

import pytest

from initiatives.models import RealisedBenefit, State
from initiatives.models.planning import ShowsIn
from notifications.kinds import message_for
from notifications.models import EmailPreference, EmailStatus, Kind, Notification
from notifications.services import sweep
from organisations.models import Membership
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db

EXPECTED = date(2027, 3, 31)


@pytest.fixture
def benefit_expected_date():
    return EXPECTED


def realise(benefit, amount):
    RealisedBenefit.objects.create(
        benefit=benefit,
        date=date(2027, 3, 1),
        amount=Decimal(amount),
        evidence="Budget 2027, line 28.10",
        shows_in=ShowsIn.BUDGET,
    )


def commitment_reminders():
    """The owner's reminders; what the funder's officers hear is in tests/funding/test_alerts.py."""
    return Notification.objects.filter(kind=Kind.FUNDING_COMMITMENT).exclude(
        recipient__memberships__role=Membership.Role.FUNDING_OFFICER
    )


def test_owner_is_reminded_two_weeks_before_the_committed_date(granted, leader, member, outbox):
    assert sweep(at("2027-03-16 09:00")).created[Kind.FUNDING_COMMITMENT] == 0

    result = sweep(at("2027-03-17 09:00"))

    assert result.created[Kind.FUNDING_COMMITMENT] == 1
    [reminder] = commitment_reminders()
    assert reminder.recipient == leader
    assert reminder.period == "upcoming"
    assert reminder.url == granted.get_absolute_url()
    [email] = [m for m in outbox.to(leader) if "Committed benefit" in m.subject]
    assert "Lower handling cost per permit" in email.subject
    assert "31 March 2027" in email.subject
    assert "180,000" in email.body
    assert granted.get_absolute_url() in email.body
    assert not [m for m in outbox.to(member) if "Committed benefit" in m.subject]


def test_the_upcoming_reminder_is_sent_once(granted, outbox):
    sweep(at("2027-03-17 09:00"))
    again = sweep(at("2027-03-25 09:00"))

    assert again.created[Kind.FUNDING_COMMITMENT] == 0
    assert commitment_reminders().count() == 1


def test_overdue_commitment_is_reminded_again_each_month_while_short(granted, outbox):
    sweep(at("2027-04-01 09:00"))
    sweep(at("2027-04-20 09:00"))
    sweep(at("2027-05-01 09:00"))

    periods = list(commitment_reminders().order_by("created_at").values_list("period", flat=True))
    assert periods == ["overdue+0", "overdue+1"]
    first = commitment_reminders().order_by("created_at").first()
    assert message_for(first).title.startswith("Committed benefit overdue")


def test_no_reminder_once_the_benefit_is_realised_in_full(granted, benefit, leader, outbox):
    realise(benefit, 180000)

    assert sweep(at("2027-04-02 09:00")).created[Kind.FUNDING_COMMITMENT] == 0


def test_a_partly_realised_benefit_says_how_much_so_far(granted, benefit, leader, outbox):
    realise(benefit, 60000)
    sweep(at("2027-04-02 09:00"))

    [reminder] = commitment_reminders()
    assert "60,000" in " ".join(message_for(reminder).lines)


def test_only_granted_applications_of_active_initiatives_are_reminded(
    submitted, initiative, outbox
):
    assert sweep(at("2027-04-02 09:00")).created[Kind.FUNDING_COMMITMENT] == 0


def test_a_stopped_initiative_gets_no_commitment_reminders(granted, initiative, outbox):
    initiative.state = State.STOPPED
    initiative.save()

    assert sweep(at("2027-04-02 09:00")).created[Kind.FUNDING_COMMITMENT] == 0


def test_the_reminder_reads_in_the_owners_language(granted, leader, outbox):
    leader.language = "fi"
    leader.save()
    sweep(at("2027-04-02 09:00"))

    [email] = [m for m in outbox.to(leader) if "Lower handling cost" in m.subject]
    assert email.subject.startswith("Sitoutunut hyöty myöhässä")


def test_owner_who_turned_off_this_email_still_sees_it_in_the_app(granted, leader, outbox):
    EmailPreference.objects.create(user=leader, kind=Kind.FUNDING_COMMITMENT, email=False)

    sweep(at("2027-04-02 09:00"))

    [reminder] = commitment_reminders()
    assert reminder.recipient == leader
    assert reminder.email_status == EmailStatus.NOT_WANTED
    assert not [m for m in outbox.to(leader) if "Committed benefit" in m.subject]
