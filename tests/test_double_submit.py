"""No double rows from a double click (issue 15, item 5).

Every create form carries a hidden one-time key (renewal.models.SubmissionToken): the same POST
sent twice — a double click, a replay — creates one row, and the second request lands on the
first one's result without an error. A new opening of the form gets a new key.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import FundingApplication
from initiatives.models import BudgetYear, Initiative, MonthlySpend, Review
from metrics.models import KPI

KPI_VALUES = {
    "name": "Permit processing time",
    "value_area": "current_value",
    "unit": "days",
    "direction": "lower",
    "baseline_value": "120",
    "baseline_date": "2025-01-15",
    "target_value": "60",
    "target_date": "2026-01-15",
    "cadence": "monthly",
}


def _opened(client, url, form_data, **values):
    """What the browser posts for a freshly opened form, filled in."""
    return form_data(client.get(url).context["form"], **values)


def _twice(client, url, data):
    return client.post(url, data), client.post(url, data)


def test_a_double_clicked_kpi_is_created_once(member_client, initiative, form_data):
    url = reverse("metrics:kpi_create", args=[initiative.pk])
    data = _opened(member_client, url, form_data, **KPI_VALUES)
    assert data["submission"]

    first, second = _twice(member_client, url, data)

    assert KPI.objects.filter(initiative=initiative).count() == 1
    assert first.status_code == second.status_code == 302
    assert second.url == first.url


def test_opening_the_form_again_adds_a_second_kpi(member_client, initiative, form_data):
    url = reverse("metrics:kpi_create", args=[initiative.pk])
    for _ in range(2):
        member_client.post(url, _opened(member_client, url, form_data, **KPI_VALUES))

    assert KPI.objects.filter(initiative=initiative).count() == 2


def test_a_refused_kpi_keeps_its_key_usable(member_client, initiative, form_data):
    url = reverse("metrics:kpi_create", args=[initiative.pk])
    data = _opened(member_client, url, form_data, **KPI_VALUES)

    refused = member_client.post(url, {**data, "target_date": "2024-12-31"})
    fixed = member_client.post(url, data)

    assert refused.status_code == 200 and fixed.status_code == 302
    assert KPI.objects.filter(initiative=initiative).count() == 1


def test_a_double_clicked_review_is_recorded_once(member_client, initiative, form_data):
    url = reverse("initiatives:review_create", args=[initiative.pk])
    values = {
        "date": timezone.localdate().isoformat(),
        "kind": "monthly",
        "participants": "Liisa Laaksonen, Mikko Mäkinen",
        "decision": "continue",
        "rationale": "Processing time falls as planned; continue.",
    }
    data = _opened(member_client, url, form_data, **values)
    for i in range(3):
        data.update(
            {f"action{i}-description": "", f"action{i}-owner": "", f"action{i}-due_date": ""}
        )

    first, second = _twice(member_client, url, data)

    review = Review.objects.get(initiative=initiative)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url == reverse("initiatives:review", args=[initiative.pk, review.pk])


def test_a_double_clicked_funding_application_is_created_once(
    leader_client, initiative, kpi, call, form_data
):
    url = reverse("funding:create", args=[initiative.pk])
    values = {
        "call": call.pk,
        "amount_requested": "250 000",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "summary": "Development",
    }
    data = _opened(leader_client, url, form_data, **values)

    first, second = _twice(leader_client, url, data)

    application = FundingApplication.objects.get(initiative=initiative)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url == application.get_absolute_url()


def _spend_url(initiative):
    return reverse("initiatives:spend", args=[initiative.pk])


def _spend_form(client, initiative, name):
    return client.get(_spend_url(initiative)).context[name]


def test_a_double_clicked_month_of_spend_is_recorded_once(member_client, initiative):
    key = _spend_form(member_client, initiative, "month_form")["submission"].value()
    data = {"form": "month", "month": "2024-03", "amount_eur": "900", "submission": key}

    first, second = _twice(member_client, _spend_url(initiative), data)

    assert MonthlySpend.objects.filter(initiative=initiative).count() == 1
    assert first.status_code == second.status_code == 302  # no "already recorded" error
    assert second.url == first.url


def test_a_double_clicked_budget_year_is_saved_once(member_client, initiative):
    key = _spend_form(member_client, initiative, "year_form")["submission"].value()
    data = {"form": "year", "year": "2025", "amount_eur": "100 000", "submission": key}

    first, second = _twice(member_client, _spend_url(initiative), data)

    assert BudgetYear.objects.filter(initiative=initiative).count() == 1
    assert first.status_code == second.status_code == 302


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_double_clicked_measurement_is_added_once(member_client, kpi, htmx):
    url = reverse("metrics:measurement_add", args=[kpi.pk])
    page = member_client.get(kpi.initiative.get_goals_url()).content.decode()
    prefix = f"kpi{kpi.pk}"
    key = re.search(rf'name="{prefix}-submission" value="(\w+)"', page).group(1)
    data = {
        f"{prefix}-date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        f"{prefix}-value": "101",
        f"{prefix}-note": "",
        f"{prefix}-submission": key,
    }
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = kpi.measurements.count()

    first = member_client.post(url, data, **headers)
    second = member_client.post(url, data, **headers)

    assert kpi.measurements.count() == before + 1
    assert first.status_code == second.status_code
    assert "already a measurement" not in second.content.decode()


def test_a_double_clicked_initiative_is_created_once(
    member_client, member, leader, agency_a, form_data
):
    url = reverse("initiatives:create")
    data = _opened(
        member_client,
        url,
        form_data,
        organisation=agency_a.pk,
        title="Permit guidance chatbot",
        problem="The helpdesk answers the same 20 questions every day.",
        owner=leader.pk,
        team=[member.pk, leader.pk],
        start_date="2026-01-01",
        end_date="2026-12-31",
    )

    first, second = _twice(member_client, url, data)

    created = Initiative.objects.get(title="Permit guidance chatbot")
    assert first.status_code == second.status_code == 302
    assert second.url == first.url == created.get_absolute_url()
