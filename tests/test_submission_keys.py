"""One-time form keys are forgotten once a double click can no longer arrive."""

from datetime import UTC, datetime, timedelta

import time_machine

from renewal.models import SubmissionToken
from renewal.tasks import forget_old_submissions

SENT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_keys_older_than_the_kept_days_are_deleted_and_recent_ones_stay(db, settings):
    settings.SUBMISSION_KEYS_KEPT_DAYS = 2
    with time_machine.travel(SENT, tick=False):
        SubmissionToken.objects.create(key="old", result_url="/initiatives/1/")
    with time_machine.travel(SENT + timedelta(days=2, hours=1), tick=False):
        SubmissionToken.objects.create(key="recent", result_url="/initiatives/2/")
        deleted = forget_old_submissions()

    assert deleted == 1
    assert list(SubmissionToken.objects.values_list("key", flat=True)) == ["recent"]


def test_the_nightly_beat_runs_the_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "renewal.forget_old_submissions" in tasks
