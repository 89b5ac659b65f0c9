"""The officer sees the paradox radar's verdict and signals across the initiatives their funder
funds, filters to those with a signal, and reads the evidence on the application page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from funding.models import FundingApplication, FundingCall
from initiatives.models import MonthlySpend
from organisations.models import Organisation

LIST = reverse("funding:list")
EVIDENCE = "the KPI has not moved towards its target."


def burn(initiative, kpi):
    """Three months of spend up to last month, and its only KPI where it started."""
    type(kpi).objects.filter(pk=kpi.pk).update(latest_value=kpi.baseline_value, status="off_track")
    month = timezone.localdate().replace(day=1)
    for amount in (150000, 140000, 120000):
        month = (month - timedelta(days=1)).replace(day=1)
        MonthlySpend.objects.create(initiative=initiative, month=month, amount_eur=Decimal(amount))


@pytest.fixture
def burning(submitted, kpi):
    burn(submitted.initiative, kpi)
    return submitted


@pytest.fixture
def other_funders(make_application, city_initiative, make_kpi, outsider):
    """A stop candidate that applied to another funder only."""
    other = Organisation.objects.create(name="Other Fund", kind=Organisation.Kind.FUNDER)
    today = timezone.localdate()
    call = FundingCall.objects.create(
        funder=other,
        name="Other call",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
        budget=Decimal(500_000),
    )
    burn(city_initiative, make_kpi(city_initiative))
    application = FundingApplication.objects.create(
        initiative=city_initiative,
        call=call,
        amount_requested=Decimal(100_000),
        period_start=today,
        period_end=today + timedelta(days=365),
        created_by=outsider,
    )
    application.submit(outsider)
    return application


@pytest.fixture
def calm(make_application, make_initiative, agency_b, leader):
    application = make_application(make_initiative(agency_b, leader, title="Quiet registry"))
    application.submit(leader)
    return application


def test_the_officer_sees_the_verdict_and_evidence_of_a_funded_stop_candidate(
    officer_client, burning, other_funders
):
    response = officer_client.get(LIST)

    [shown] = response.context["applications"]
    assert shown == burning
    assert shown.radar.verdict == "stop"
    assertContains(response, "Stop candidate")
    assertContains(response, "Money in, no change:")
    assertContains(response, EVIDENCE)
    assertNotContains(response, other_funders.initiative.title)


def test_the_officer_filters_to_initiatives_with_a_signal(officer_client, burning, calm):
    everything = officer_client.get(LIST)
    with_signal = officer_client.get(LIST, {"signal": "any"})

    assert set(everything.context["applications"]) == {burning, calm}
    assert with_signal.context["applications"] == [burning]
    assertContains(with_signal, 'name="signal" value="any" checked')


def test_the_application_page_shows_the_evidence_and_what_to_do(officer_client, burning):
    response = officer_client.get(burning.get_absolute_url())

    assertContains(response, "Paradox check")
    assertContains(response, EVIDENCE)
    assertContains(response, "Decide at the next monthly review whether to change course or stop.")


# The ceiling of tests/funding/test_officer.py: the list's own queries and the radar's eight
# aggregated ones fit within it.
CEILING = 14


def test_the_list_costs_the_same_queries_with_the_radar_at_any_size(
    officer_client, make_application, make_initiative, agency_b, leader
):
    counts = []
    for size in (2, 8):
        for number in range(size - (2 if counts else 0)):
            initiative = make_initiative(agency_b, leader, title=f"Initiative {size}-{number}")
            make_application(initiative).submit(leader)
        with CaptureQueriesContext(connection) as queries:
            response = officer_client.get(LIST)
        assert len(response.context["applications"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= CEILING
