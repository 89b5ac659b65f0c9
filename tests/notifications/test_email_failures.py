"""A failed e-mail: the others still go, the in-app notification exists, and it is retried later."""

from datetime import timedelta

import pytest

from notifications.models import EmailStatus, Kind, Notification
from notifications.services import MAX_ATTEMPTS, sweep
from tests.notifications.backends import FlakyBackend
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-11-23 09:00")


@pytest.fixture
def flaky(settings, outbox):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failing = set()
    yield FlakyBackend
    FlakyBackend.failing = set()


def weekly(user):
    return Notification.objects.get(kind=Kind.WEEKLY_REVIEW, recipient=user)


def test_one_recipients_failure_does_not_stop_the_others(reviewed, leader, member, flaky, outbox):
    flaky.failing = {member.email}

    result = sweep(NOW)

    assert result.emails_failed == 1
    assert outbox.to(leader)
    assert not outbox.to(member)
    failed = weekly(member)
    assert failed.email_status == EmailStatus.FAILED
    assert failed.email_attempts == 1
    assert "SMTPRecipientsRefused" in failed.email_error
    assert failed.email_next_attempt_at == NOW + timedelta(minutes=15)
    assert weekly(leader).email_status == EmailStatus.SENT


def test_a_failed_email_is_retried_with_backoff_and_sent_once(reviewed, member, flaky, outbox):
    flaky.failing = {member.email}
    sweep(NOW)
    # Too early for the retry.
    assert sweep(NOW + timedelta(minutes=5)).emails_sent == 0
    # The second attempt fails too: the wait doubles.
    assert sweep(NOW + timedelta(minutes=15)).emails_failed == 1
    assert weekly(member).email_next_attempt_at == NOW + timedelta(minutes=45)
    flaky.failing = set()
    assert sweep(NOW + timedelta(minutes=30)).emails_sent == 0
    assert sweep(NOW + timedelta(minutes=45)).emails_sent == 1
    assert sweep(NOW + timedelta(hours=3)).emails_sent == 0

    assert len([m for m in outbox.to(member) if "Weekly" in m.subject]) == 1
    sent = weekly(member)
    assert sent.email_status == EmailStatus.SENT
    assert sent.email_attempts == 3
    assert sent.email_error == ""


def test_delivery_gives_up_after_the_last_attempt(reviewed, member, flaky, outbox):
    flaky.failing = {member.email}
    moment = NOW
    sweep(moment)
    for _ in range(MAX_ATTEMPTS - 1):
        moment = weekly(member).email_next_attempt_at
        sweep(moment)
    gave_up = weekly(member)
    assert gave_up.email_status == EmailStatus.GAVE_UP
    assert gave_up.email_attempts == MAX_ATTEMPTS
    assert gave_up.email_next_attempt_at is None
    assert sweep(moment + timedelta(days=1)).emails_failed == 0


def test_the_same_reminder_keeps_one_message_id(reviewed, member, flaky, outbox):
    """A claim re-taken after a crash sends a message mail systems can recognise as the same."""
    sweep(NOW)
    [message] = [m for m in outbox.to(member) if "Weekly" in m.subject]
    assert message.extra_headers["Message-ID"] == f"<notification.{weekly(member).pk}@127.0.0.1>"


def test_a_person_deactivated_before_delivery_gets_no_email(reviewed, member, flaky, outbox):
    flaky.failing = {member.email}
    sweep(NOW)
    member.is_active = False
    member.save()
    result = sweep(NOW + timedelta(minutes=15))
    assert (result.emails_sent, result.emails_failed) == (0, 0)
    assert weekly(member).email_status == EmailStatus.NOT_WANTED


# Too late to help ------------------------------------------------------------------------------


def test_a_review_reminder_is_not_emailed_after_the_review_day(reviewed, member, flaky, outbox):
    flaky.failing = {member.email}
    sweep(NOW)  # Monday: the reminder for Tuesday's review fails for the member
    flaky.failing = set()

    result = sweep(at("2026-11-25 09:00"))  # Wednesday: the review is over

    assert result.emails_outdated == 1
    assert not [m for m in outbox.to(member) if "Weekly" in m.subject]
    late = weekly(member)
    assert late.email_status == EmailStatus.OUTDATED
    assert late.read_at is None  # still in the app


def test_a_newer_reminder_supersedes_an_unsent_older_one(reviewed, leader, outbox):
    # November's digest is recorded while e-mail is down, and never sent.
    sweep(at("2026-11-23 09:00"), deliver=False)

    sweep(at("2026-12-01 09:00"))

    digests = [m.subject for m in outbox.to(leader) if "Portfolio digest" in m.subject]
    assert digests == ["Portfolio digest, December 2026"]
    november = Notification.objects.get(kind=Kind.PORTFOLIO_DIGEST, period="2026-11")
    assert november.email_status == EmailStatus.OUTDATED
