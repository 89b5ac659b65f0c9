"""Funding fixtures: a Sitra call, and the persona `initiative` with a benefit, applying to it.

`draft` is a draft application of `initiative`; `submitted` the same application submitted, so its
commitments (the `kpi` and `benefit`) are frozen; `granted` the same, granted by `officer`.
`city_initiative` belongs to the municipality and never applied.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.models import FundingApplication, FundingCall
from initiatives.models import Benefit, BenefitKind, BenefitUnit


@pytest.fixture
def call(funder):
    today = timezone.localdate()
    return FundingCall.objects.create(
        funder=funder,
        name="Sitra renewal call",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
        budget=Decimal(1_000_000),
    )


@pytest.fixture
def benefit(initiative, leader):
    return Benefit.objects.create(
        initiative=initiative,
        description="Lower handling cost per permit",
        kind=BenefitKind.CASHABLE,
        quantity=Decimal(180000),
        unit=BenefitUnit.EUR_PER_YEAR,
        expected_date=timezone.localdate() + timedelta(days=200),
        owner=leader,
    )


@pytest.fixture
def make_application(call):
    def make(initiative, **fields) -> FundingApplication:
        today = timezone.localdate()
        values = {
            "amount_requested": Decimal(250000),
            "period_start": today,
            "period_end": today + timedelta(days=365),
            "created_by": initiative.owner,
        }
        values.update(fields)
        return FundingApplication.objects.create(initiative=initiative, call=call, **values)

    return make


@pytest.fixture
def draft(make_application, initiative, kpi, benefit):
    return make_application(initiative)


@pytest.fixture
def submitted(draft, leader):
    draft.submit(leader)
    return draft


@pytest.fixture
def in_review(submitted, officer):
    submitted.start_review(officer)
    return submitted


@pytest.fixture
def granted(in_review, officer):
    in_review.grant(officer, "Granted: report the processing time quarterly.")
    return in_review


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
