"""A real round trip: the sweep task goes through the Redis broker to a Celery worker process,
which reads the test database, records the reminders and writes the e-mails to an outbox here.

The worker is the command operators run (`celery -A renewal worker`), on a queue of its own so it
takes nothing else. It needs REDIS_URL and PostgreSQL (a second process cannot see SQLite's
in-memory test database); CI sets RENEWAL_REQUIRE_SERVICES=1, and then a missing one fails.
"""

import os
import subprocess
import sys
import uuid
from email import message_from_string
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Kind, Notification
from notifications.tasks import send_due_reminders

REQUIRED = os.environ.get("RENEWAL_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes", "on"}
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


@pytest.fixture
def services_for_a_worker(transactional_db):
    missing = []
    if not settings.REDIS_URL:
        missing.append("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        missing.append("the tests do not run on PostgreSQL")
    if missing:
        message = "a Celery worker round trip needs Redis and PostgreSQL: " + "; ".join(missing)
        if REQUIRED:
            pytest.fail(f"RENEWAL_REQUIRE_SERVICES=1 but {message}")
        pytest.skip(message)


def database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(services_for_a_worker, tmp_path):
    """A Celery worker subprocess on a fresh queue; yields (queue, outbox directory)."""
    queue = f"test-{uuid.uuid4().hex}"
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "RENEWAL_TEST_EMAIL_DIR": str(outbox),
        "PYTHONPATH": str(ROOT),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "renewal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue, outbox, tmp_path / "worker.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(queue, f"_kombu.binding.{queue}")
        client.close()


def test_a_worker_runs_the_sweep_from_the_broker_and_the_emails_arrive(
    worker, reviewed, leader, member
):
    queue, outbox, log = worker

    async_result = send_due_reminders.apply_async(
        kwargs={"now": "2026-11-23T09:00:00+02:00"}, queue=queue
    )
    try:
        summary = async_result.get(timeout=90)
    except Exception:
        print(log.read_text())
        raise

    assert summary["sent"][Kind.WEEKLY_REVIEW] == 2
    assert summary["dry_run"] is False
    assert Notification.objects.filter(kind=Kind.WEEKLY_REVIEW).count() == 2

    raw = "".join(path.read_text() for path in sorted(outbox.iterdir()))
    messages = [message_from_string(part.lstrip()) for part in raw.split("-" * 79) if part.strip()]
    recipients = {m["To"] for m in messages if "Weekly team review" in (m["Subject"] or "")}
    assert recipients == {leader.email, member.email}
    assert all(n.email_status == "sent" for n in Notification.objects.all())
