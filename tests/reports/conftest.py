"""Report fixtures beyond the shared ones in tests/conftest.py: `celery_runs_tasks` runs the
portfolio report's Celery task in-process."""

import pytest

from renewal.celery import app


@pytest.fixture
def celery_runs_tasks():
    """Run Celery tasks in-process, as a worker would, even when REDIS_URL is set."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
