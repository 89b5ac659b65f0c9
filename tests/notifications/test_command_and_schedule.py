"""`send_due_reminders` runs the sweep for operators; beat runs it every 15 minutes."""

import io
import json

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command

from notifications.models import Notification
from notifications.tasks import send_due_reminders
from renewal.celery import app

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[list[str], dict]:
    out = io.StringIO()
    call_command("send_due_reminders", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1])


def test_dry_run_says_what_would_be_sent_and_records_nothing(reviewed, outbox):
    lines, summary = run("--now", "2026-11-23T09:00:00+02:00", "--dry-run")
    assert summary == {
        "sent": {
            "weekly_review": 2,
            "monthly_review": 0,
            "measurement_overdue": 0,
            "portfolio_digest": 1,
            "funding_commitment": 0,
            "gate_request": 0,
            "application_initiative_stopped": 0,
            "commitment_weakened": 0,
            "progress_report": 0,
            "review_action": 0,
            "access_request": 0,
        },
        "total": 3,
        "dry_run": True,
    }
    assert "  weekly_review: 2 would be sent" in lines
    assert not Notification.objects.exists()
    assert not outbox.all()


def test_the_command_sends_once(reviewed, outbox):
    lines, summary = run("--now", "2026-11-23T09:00")  # no offset: read in Helsinki
    assert summary["total"] == 3
    assert summary["dry_run"] is False
    assert "  weekly_review: 2 sent" in lines
    assert "E-mails delivered: 3, failed (retried later): 0, too late to send: 0" in lines
    assert len(outbox.all()) == 3

    _, again = run("--now", "2026-11-23T09:30")
    assert again["total"] == 0
    assert len(outbox.all()) == 3


def test_a_bad_moment_is_refused(db):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("send_due_reminders", "--now", "next tuesday", stdout=io.StringIO())


def test_the_task_runs_the_same_sweep(reviewed, outbox):
    summary = send_due_reminders.apply(kwargs={"now": "2026-11-23T09:00:00+02:00"}).get()
    assert summary["sent"]["weekly_review"] == 2
    assert Notification.objects.count() == 3


def test_beat_sends_the_sweep_every_15_minutes():
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "reminders" in e["task"]]
    assert entry["task"] == send_due_reminders.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute="*/15")
    # A sweep queued while workers were down is dropped rather than run late in a pile.
    assert entry["options"]["expires"] < 15 * 60
