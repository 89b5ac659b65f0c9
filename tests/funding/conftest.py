"""Funding fixtures beyond the shared ones in tests/conftest.py (`call`, `draft`, `granted`, ...):
`city_initiative` belongs to the municipality and never applied.
"""

import pytest


@pytest.fixture
def city_initiative(make_initiative, municipality, outsider):
    return make_initiative(municipality, outsider, title="Home care route optimisation")


@pytest.fixture
def celery_runs_tasks():
    """Run Celery tasks in-process, as a worker would, even when REDIS_URL is set."""
    from renewal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
