"""A sweep replaying a past moment (`send_due_reminders --now`) while a live sweep runs (issue 15,
item 6): each e-mail still goes out once, and a replayed month never makes a later month's digest
"outdated". And the file e-mail backend, configured from the environment, works with the sweep."""

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from notifications.models import EmailStatus, Kind, Notification
from notifications.services import sweep
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db

LIVE = at("2026-12-01 09:00")
OVERDUE = "Measurement overdue"


class LiveSweepDuringSend(EmailBackend):
    """Memory outbox; while the replaying sweep sends its first overdue reminder, a live sweep
    (real clock) runs in full, as a beat sweep on another worker would."""

    live_ran = False

    def send_messages(self, messages):
        if not LiveSweepDuringSend.live_ran and any(OVERDUE in m.subject for m in messages):
            LiveSweepDuringSend.live_ran = True
            sweep(timezone.now())
        return super().send_messages(messages)


@pytest.fixture
def live_during_send(settings, outbox):
    settings.EMAIL_BACKEND = "tests.notifications.test_replay_and_file_backend.LiveSweepDuringSend"
    LiveSweepDuringSend.live_ran = False
    return outbox


def test_replaying_a_past_moment_during_a_live_sweep_sends_each_email_once(
    reviewed, member, make_monthly_kpi, live_during_send
):
    make_monthly_kpi(reviewed, member, date(2026, 9, 1))
    with time_machine.travel(LIVE, tick=False):
        # An hour in the past: the replay's claim is fresh by the real clock, so the live sweep
        # must leave it alone rather than take it as a worker that died mid-send.
        call_command("send_due_reminders", "--now", "2026-12-01T08:00", stdout=StringIO())

    assert LiveSweepDuringSend.live_ran
    overdue = [m for m in live_during_send.to(member) if OVERDUE in m.subject]
    assert len(overdue) == 1
    reminder = Notification.objects.get(kind=Kind.MEASUREMENT_OVERDUE)
    assert reminder.email_status == EmailStatus.SENT
    assert reminder.email_attempts == 1


def test_replaying_november_does_not_suppress_decembers_digest(reviewed, leader, outbox):
    with time_machine.travel(LIVE, tick=False):
        # The live sweep has recorded December's digest; its e-mail has not gone out yet.
        sweep(LIVE, deliver=False)
        december = Notification.objects.get(kind=Kind.PORTFOLIO_DIGEST, period="2026-12")
        # Someone replays November: its digest row is created after December's (a higher id).
        call_command("send_due_reminders", "--now", "2026-11-02T10:00", stdout=StringIO())
        november = Notification.objects.get(kind=Kind.PORTFOLIO_DIGEST, period="2026-11")
        assert november.pk > december.pk
        # The next live sweep: December's digest is the newest by period, so it goes out.
        call_command("send_due_reminders", stdout=StringIO())

    december.refresh_from_db()
    assert december.email_status == EmailStatus.SENT
    digests = [m for m in outbox.to(leader) if "Portfolio digest, December 2026" in m.subject]
    assert len(digests) == 1


def test_a_later_overdue_episode_still_supersedes_an_earlier_one(
    reviewed, member, make_monthly_kpi, outbox
):
    """Ordering by period keeps what ordering by id did right: a later episode is newer."""
    make_monthly_kpi(reviewed, member, date(2026, 9, 1))
    with time_machine.travel(LIVE, tick=False):
        sweep(LIVE, deliver=False)
        first = Notification.objects.get(kind=Kind.MEASUREMENT_OVERDUE)
        Notification.objects.create(
            recipient=first.recipient,
            kind=first.kind,
            subject=first.subject,
            period=first.period.split("+")[0] + "+10",  # sorts before "+9" as text
            params=first.params,
            url=first.url,
            time_zone=first.time_zone,
            created_at=LIVE,
            email_status=EmailStatus.NOT_WANTED,
        )
        sweep(LIVE)
    first.refresh_from_db()
    assert first.email_status == EmailStatus.OUTDATED
    assert not [m for m in outbox.to(member) if OVERDUE in m.subject]


def test_the_sweep_writes_email_files_with_the_file_backend(reviewed, member, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    mail.outbox = []

    result = sweep(at("2026-11-23 09:00"))

    assert result.emails_sent >= 1
    assert result.emails_failed == 0
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert written.count("Message-ID: <notification.") == result.emails_sent
    assert f"To: {member.email}" in written


def settings_value(name: str, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="renewal.settings", SECRET_KEY="x" * 50, **environment)
    code = f"from django.conf import settings; print(settings.{name})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )


def test_email_file_path_is_read_from_the_environment(tmp_path):
    done = settings_value(
        "EMAIL_FILE_PATH",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path)


def test_the_file_backend_without_a_path_is_a_clear_configuration_error():
    done = settings_value(
        "EMAIL_FILE_PATH", EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"
    )
    assert done.returncode != 0
    assert "EMAIL_FILE_PATH must name a directory" in done.stderr
