"""The suite runs against the services it claims to run against.

CI sets RENEWAL_REQUIRE_SERVICES=1 (see .ci/run): then PostgreSQL, Redis and Chromium must all be
there, and a missing one fails the run instead of quietly turning into SQLite, eager tasks or
skipped browser tests. Without the variable (a developer's `make test`) only what is configured is
checked: a configured DATABASE_URL or REDIS_URL must work, and Chromium, when installed, must run.
"""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("RENEWAL_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes", "on"}


def _configured_database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def test_database_is_postgresql_when_required_or_configured(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    if REQUIRED or _configured_database_is_postgres():
        assert connection.vendor == "postgresql", (
            f"the tests ran on {connection.vendor}, not PostgreSQL: set DATABASE_URL "
            "(for example postgres://postgres@127.0.0.1:5432/test)"
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            assert cursor.fetchone()[0]


def test_redis_answers_ping():
    if not settings.REDIS_URL:
        if REQUIRED:
            pytest.fail("RENEWAL_REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set: Celery runs tasks eagerly")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3, socket_timeout=3)
    try:
        assert client.ping() is True
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {settings.REDIS_URL} does not answer PING: {exc}")
    finally:
        client.close()
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert not settings.CELERY_TASK_ALWAYS_EAGER


def test_chromium_runs():
    if not CHROMIUM.exists():
        if REQUIRED:
            pytest.fail(
                f"RENEWAL_REQUIRE_SERVICES=1 but {CHROMIUM} is missing (apt-get install chromium)"
            )
        pytest.skip(f"{CHROMIUM} is not installed")
    result = subprocess.run(
        [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"{CHROMIUM} --version failed: {result.stderr.strip()}"
    assert "Chromium" in result.stdout, result.stdout
