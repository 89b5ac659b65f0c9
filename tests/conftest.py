"""Personas for the tests, shaped like the demo data.

The organisation tree is a ministry with two agencies under it, a municipality and a funder beside
it. The personas are the people of the product specification:

- `leader`: leader of the ministry, so of both agencies too
- `member`: product team member in agency A
- `viewer`: viewer of the ministry
- `officer`: funding officer at the funder
- `outsider`: product team member in the municipality

`initiative` is a phase-1 initiative of agency A owned by `leader`, with `member` on its team.
`kpi` is one of its KPIs with a baseline and a target; `measurements` are three monthly values.
Each persona has a client already signed in: `leader_client`, `member_client`, ...

Funding: `call` is an open Sitra call; `benefit` a benefit of `initiative`. `draft` is a draft
application of `initiative`; `submitted` the same application submitted, so its commitments (the
`kpi` and `benefit`) are frozen; `in_review` and `granted` the same, taken up and granted by
`officer`.
"""

import os
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from funding.models import FundingApplication, FundingCall
from initiatives.models import Benefit, BenefitKind, BenefitUnit, Initiative
from metrics.models import KPI, Cadence, Direction, Measurement, ValueArea, refresh_kpi_statuses
from organisations.models import Membership, Organisation, User
from renewal.celery import app as celery_app

Kind = Organisation.Kind
Role = Membership.Role


# The clock -----------------------------------------------------------------------------------
# CI runs the suite again with the clock moved (RENEWAL_TEST_CLOCK, an ISO date-time with its
# offset) so that a test which quietly depends on today's date fails on a clean clone, not on
# some day next year.


def pytest_configure(config):
    _flush_postgresql_by_delete()
    moment = os.environ.get("RENEWAL_TEST_CLOCK")
    if moment:
        traveller = time_machine.travel(datetime.fromisoformat(moment), tick=True)
        traveller.start()
        config._renewal_clock = traveller


# Flushing ----------------------------------------------------------------------------------
# After each transactional test (the browser tests among them) Django's flush empties every table.
# On PostgreSQL that is one TRUNCATE, which makes new files for every table and index: seconds on
# a busy machine. Tables of a few thousand rows empty far quicker with a DELETE each, in the same
# transaction (the foreign keys are checked at its end). The outcome is the same: every table
# empty, the sequences as they were.


def _flush_postgresql_by_delete():
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no psycopg: not on PostgreSQL
        return
    truncate = DatabaseOperations.sql_flush
    if getattr(truncate, "deletes", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]

    sql_flush.deletes = True
    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Each test starts in English: a Finnish request in one test must not leak into the next."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def celery_runs_tasks():
    """Run Celery tasks in-process, as a worker would, even when REDIS_URL is set."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


def pytest_report_header(config):
    moment = os.environ.get("RENEWAL_TEST_CLOCK")
    return f"renewal: clock moved to {moment}" if moment else None


# Organisations -------------------------------------------------------------------------------


@pytest.fixture
def ministry(db):
    return Organisation.objects.create(name="Ministry of Economic Affairs", kind=Kind.MINISTRY)


@pytest.fixture
def agency_a(ministry):
    return Organisation.objects.create(name="Permit Agency", kind=Kind.AGENCY, parent=ministry)


@pytest.fixture
def agency_b(ministry):
    return Organisation.objects.create(
        name="Registration Office", kind=Kind.AGENCY, parent=ministry
    )


@pytest.fixture
def municipality(db):
    return Organisation.objects.create(name="City of Lahti", kind=Kind.MUNICIPALITY)


@pytest.fixture
def funder(db):
    return Organisation.objects.create(name="Sitra", kind=Kind.FUNDER)


# People --------------------------------------------------------------------------------------


def make_user(username, first_name, last_name, organisation=None, role=None, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password="secret",
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@example.org",
        **extra,
    )
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def leader(ministry):
    return make_user("leader", "Liisa", "Laaksonen", ministry, Role.LEADER)


@pytest.fixture
def member(agency_a):
    return make_user("member", "Mikko", "Mäkinen", agency_a, Role.MEMBER)


@pytest.fixture
def viewer(ministry):
    return make_user("viewer", "Veera", "Virtanen", ministry, Role.VIEWER)


@pytest.fixture
def officer(funder):
    return make_user("officer", "Olli", "Ojala", funder, Role.FUNDING_OFFICER)


@pytest.fixture
def outsider(municipality):
    return make_user("outsider", "Outi", "Salo", municipality, Role.MEMBER)


@pytest.fixture
def superuser(db):
    return make_user("admin", "Aino", "Admin", is_staff=True, is_superuser=True)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leader_client(leader):
    return client_for(leader)


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture
def viewer_client(viewer):
    return client_for(viewer)


@pytest.fixture
def officer_client(officer):
    return client_for(officer)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)


@pytest.fixture
def superuser_client(superuser):
    return client_for(superuser)


# Initiatives and KPIs ------------------------------------------------------------------------


@pytest.fixture
def make_initiative():
    """`make_initiative(organisation, owner, team=(), **fields)`: a phase-1 initiative."""

    def make(organisation, owner, team=(), **fields) -> Initiative:
        fields.setdefault("title", "Digital environmental permit service")
        fields.setdefault("problem", "Permit applications take four months and arrive on paper.")
        initiative = Initiative.objects.create(organisation=organisation, owner=owner, **fields)
        if team:
            initiative.team.set(team)
        return initiative

    return make


@pytest.fixture
def initiative(make_initiative, agency_a, leader, member):
    return make_initiative(
        agency_a,
        leader,
        team=[member],
        change_for_citizens="Companies get a permit decision in 60 days instead of 120.",
        change_in_cost_efficiency="Handling cost per permit falls by a quarter.",
    )


@pytest.fixture
def make_kpi():
    """`make_kpi(initiative, **fields)`: a KPI with a baseline 180 days ago, a target in 180."""

    def make(initiative, **fields) -> KPI:
        today = timezone.localdate()
        values = {
            "name": "Permit processing time",
            "unit": "days",
            "direction": Direction.LOWER,
            "value_area": ValueArea.CURRENT_VALUE,
            "baseline_value": Decimal(120),
            "baseline_date": today - timedelta(days=180),
            "baseline_source": "Case management report",
            "target_value": Decimal(60),
            "target_date": today + timedelta(days=180),
            "cadence": Cadence.MONTHLY,
        }
        values.update(fields)
        return KPI.objects.create(initiative=initiative, **values)

    return make


@pytest.fixture
def kpi(make_kpi, initiative):
    return make_kpi(initiative)


@pytest.fixture
def measurements(kpi, member):
    """Three monthly values, the newest 10 days ago."""
    today = timezone.localdate()
    created = [
        Measurement.objects.create(
            kpi=kpi, date=today - timedelta(days=days), value=Decimal(value), entered_by=member
        )
        for days, value in [(70, 112), (40, 105), (10, 101)]
    ]
    # Written around metrics.measurements, so the cached status is refreshed here, as it does.
    refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))
    return created


# Forms ---------------------------------------------------------------------------------------


def _form_data(form, **changes) -> dict:
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[field.html_name] = value
    data.update(changes)
    return data


@pytest.fixture
def form_data():
    """`form_data(form, **changes)`: what a browser posts back for an opened form, plus changes.

    Take the form from a GET's `response.context["form"]`, as the person saw it.
    """
    return _form_data


# Funding ----------------------------------------------------------------------------------------


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
def benefit_expected_date():
    """When `benefit` is expected; a test module that needs a fixed date overrides this."""
    return timezone.localdate() + timedelta(days=200)


@pytest.fixture
def benefit(initiative, leader, benefit_expected_date):
    return Benefit.objects.create(
        initiative=initiative,
        description="Lower handling cost per permit",
        kind=BenefitKind.CASHABLE,
        quantity=Decimal(180000),
        unit=BenefitUnit.EUR_PER_YEAR,
        expected_date=benefit_expected_date,
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
