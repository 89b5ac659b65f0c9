"""The portfolio opens with stop, fix or scale: the radar's candidates, each with its reasons,
filterable, in the exports and the API."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from api.models import APIToken
from initiatives.models import MonthlySpend
from reports.contexts import initiative_report

URL = reverse("initiatives:portfolio")


@pytest.fixture
def burning(initiative, kpi):
    """Three months of spend up to last month, and its only KPI where it started."""
    type(kpi).objects.filter(pk=kpi.pk).update(latest_value=kpi.baseline_value, status="off_track")
    month = timezone.localdate().replace(day=1)
    for amount in (150000, 140000, 120000):
        month = (month - timedelta(days=1)).replace(day=1)
        MonthlySpend.objects.create(initiative=initiative, month=month, amount_eur=Decimal(amount))
    return initiative


@pytest.fixture
def calm(make_initiative, agency_b, leader):
    return make_initiative(agency_b, leader, title="Quiet registry clean-up")


def test_the_portfolio_opens_with_stop_candidates_and_why(leader_client, burning, calm):
    response = leader_client.get(URL)

    assertContains(response, "Stop, fix or scale")
    panel = response.context["stop_fix_scale"]
    stop = next(g for g in panel if g["verdict"] == "stop")
    assert [r.initiative for r in stop["rows"]] == [burning]
    assertContains(response, "Money in, no change:")
    assertContains(response, "410,000\u00a0€ spent since")
    assertContains(response, "the KPI has not moved towards its target.")


def test_the_signal_and_verdict_filters_narrow_the_table(leader_client, burning, calm):
    by_signal = leader_client.get(URL, {"signal": "money_no_change"})
    by_verdict = leader_client.get(URL, {"verdict": "stop"})
    any_signal = leader_client.get(URL, {"signal": "any"})

    for response in (by_signal, by_verdict):
        assert [r.initiative for r in response.context["portfolio"].rows] == [burning]
    assert calm not in [r.initiative for r in any_signal.context["portfolio"].rows]


def test_a_stopped_initiative_is_never_a_candidate(leader_client, leader, burning):
    burning.stop(leader, "Spend without change.")

    response = leader_client.get(URL, {"verdict": "stop"})

    assert response.context["portfolio"].rows == []
    assertNotContains(leader_client.get(URL), "Money in, no change:")


def test_the_export_carries_the_verdict_and_the_evidence(leader_client, burning):
    response = leader_client.get(reverse("initiatives:portfolio_export", args=["csv"]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    [row] = [r for r in rows if r["Initiative"] == burning.title]
    assert row["Stop, fix or scale"] == "Stop candidate"
    assert row["Signals"].startswith("Money in, no change: 410,000")


def test_the_api_exposes_the_signals(leader, burning, issue_token):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(leader)}")
    data = client.get(f"/api/v1/initiatives/{burning.pk}").json()

    assert data["verdict"] == "stop"
    assert data["signals"][0]["code"] == "money_no_change"
    assert data["signals"][0]["evidence"].startswith("410,000")


@pytest.fixture
def issue_token():
    return lambda user: APIToken.issue(user, "feed", APIToken.Scope.READ)[1]


def test_the_initiative_page_has_the_paradox_check_with_what_to_do(member_client, burning):
    response = member_client.get(burning.get_absolute_url())

    assertContains(response, "Paradox check")
    assertContains(response, "Stop candidate")
    assertContains(response, "Money in, no change.")
    assertContains(response, "Decide at the next monthly review whether to change course or stop.")


def test_a_calm_initiative_reads_as_in_step(leader_client, calm):
    assertContains(
        leader_client.get(calm.get_absolute_url()), "No sign of the productivity paradox"
    )


def test_the_initiative_pdf_carries_the_paradox_check(leader, burning):
    html = render_to_string("pdf/initiative.html", {"report": initiative_report(burning, leader)})

    assert "Paradox check" in html
    assert "410,000\u00a0€ spent since" in html
