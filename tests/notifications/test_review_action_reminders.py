"""Reminders of review actions: to the action's owner, once as its due date comes and once when
it is overdue; none once it is done. Sweeps run at explicit Helsinki moments.

`reviewed` (phase 4, agency A) had a monthly review on 1 October 2026; its action, `member`'s, is
due on Thursday 12 November 2026.
"""

from datetime import date

import pytest

from initiatives.models import Review, ReviewAction, State
from notifications.kinds import message_for
from notifications.models import EmailStatus, Kind, Notification
from notifications.services import sweep
from organisations.models import Membership
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db

DUE = date(2026, 11, 12)


@pytest.fixture
def action(reviewed, member):
    review = Review.objects.create(
        initiative=reviewed,
        date=date(2026, 10, 1),
        kind=Review.Kind.MONTHLY,
        participants="Liisa Laaksonen, Mikko Mäkinen",
        decision=Review.Decision.CONTINUE,
        rationale="On plan.",
    )
    return ReviewAction.objects.create(
        review=review, owner=member, due_date=DUE, description="Report the digital share"
    )


def action_reminders():
    return Notification.objects.filter(kind=Kind.REVIEW_ACTION).order_by("created_at", "pk")


def test_the_owner_is_reminded_the_day_before_it_is_due(action, member, outbox):
    assert sweep(at("2026-11-10 09:00")).created[Kind.REVIEW_ACTION] == 0

    result = sweep(at("2026-11-11 09:00"))

    assert result.created[Kind.REVIEW_ACTION] == 1
    [reminder] = action_reminders()
    assert (reminder.recipient, reminder.period) == (member, "due")
    assert reminder.url == f"{action.review.get_absolute_url()}#action-{action.pk}"
    assert (
        message_for(reminder).title
        == "Review action due on 12 November 2026: Report the digital share"
    )
    [email] = [m for m in outbox.to(member) if "Review action" in m.subject]
    assert "Report the digital share" in email.body


def test_each_reminder_is_sent_once_when_the_sweep_runs_twice(action, member, outbox):
    sweep(at("2026-11-11 09:00"))
    sweep(at("2026-11-11 09:00"))
    sweep(at("2026-11-12 15:00"))  # still due, the same reminder
    sweep(at("2026-11-13 09:00"))
    sweep(at("2026-11-13 09:15"))
    sweep(at("2026-11-20 09:00"))  # overdue for a week: no repeat

    assert list(action_reminders().values_list("period", flat=True)) == ["due", "overdue"]
    overdue = action_reminders().last()
    assert message_for(overdue).title == "Review action overdue: Report the digital share"
    assert len([m for m in outbox.to(member) if "Review action" in m.subject]) == 2


def test_an_action_already_overdue_when_swept_gets_only_the_overdue_reminder(action, outbox):
    sweep(at("2026-11-16 09:00"))

    assert list(action_reminders().values_list("period", flat=True)) == ["overdue"]


def test_no_reminder_for_an_action_done_in_time(action, member, outbox):
    action.mark_done(member, "Published.")

    sweep(at("2026-11-11 09:00"))
    sweep(at("2026-11-13 09:00"))

    assert not action_reminders().exists()


def test_an_email_not_yet_sent_is_not_sent_once_the_action_is_done(action, member, outbox):
    sweep(at("2026-11-11 09:00"), deliver=False)
    action.mark_done(member, "Published.")

    sweep(at("2026-11-11 09:15"))

    assert action_reminders().get().email_status == EmailStatus.OUTDATED
    assert not [m for m in outbox.to(member) if "Review action" in m.subject]


def test_no_reminder_for_a_stopped_initiative_or_an_owner_without_access(
    action, member, reviewed, outbox
):
    Membership.objects.filter(user=member).delete()
    sweep(at("2026-11-13 09:00"))
    assert not action_reminders().exists()

    reviewed.state = State.STOPPED
    reviewed.save()
    Membership.objects.create(
        user=member, organisation=reviewed.organisation, role=Membership.Role.MEMBER
    )
    sweep(at("2026-11-14 09:00"))
    assert not action_reminders().exists()
