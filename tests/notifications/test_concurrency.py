"""Sweeps running at the same time on PostgreSQL send each reminder exactly once.

Each thread has its own database connection, as two Celery workers would. SQLite serialises
writers, so the race needs the real database: CI (RENEWAL_REQUIRE_SERVICES=1) fails here without
PostgreSQL instead of skipping.
"""

import os
import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection, connections

from notifications.models import Kind, Notification
from notifications.services import sweep
from tests.notifications.conftest import at

REQUIRED = os.environ.get("RENEWAL_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes", "on"}
SWEEPS = 4


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        if REQUIRED:
            pytest.fail("RENEWAL_REQUIRE_SERVICES=1 but the tests do not run on PostgreSQL")
        pytest.skip("concurrent sweeps need PostgreSQL (set DATABASE_URL)")


def run_at_once(now) -> list:
    """SWEEPS sweeps of the same moment, released together, each on its own connection."""
    start = threading.Barrier(SWEEPS)
    results, errors = [], []

    def one():
        try:
            start.wait(timeout=30)
            results.append(sweep(now))
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == SWEEPS
    return results


def test_sweeps_at_once_send_each_reminder_once(
    postgresql, reviewed, leader, member, make_monthly_kpi, outbox
):
    for n in range(5):
        make_monthly_kpi(reviewed, member, date(2026, 9, 1), name=f"KPI {n}")

    results = run_at_once(at("2026-12-01 09:00"))

    created = sum((r.created for r in results), Counter())
    # Two weekly (owner and team member), five overdue KPIs, one digest.
    assert created == Counter(
        {Kind.WEEKLY_REVIEW: 2, Kind.MEASUREMENT_OVERDUE: 5, Kind.PORTFOLIO_DIGEST: 1}
    )
    assert Notification.objects.count() == 8
    assert sum(r.emails_sent for r in results) == 8
    messages = outbox.all()
    assert len(messages) == 8
    per_notification = Counter(m.extra_headers["Message-ID"] for m in messages)
    assert set(per_notification.values()) == {1}
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}

    # And nothing more when they all run again.
    again = run_at_once(at("2026-12-01 09:15"))
    assert sum(r.total for r in again) == 0
    assert len(outbox.all()) == 8
