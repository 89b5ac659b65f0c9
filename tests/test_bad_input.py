"""Bad input gets a clear message, never a server error (issue 15, item 8)."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from api.models import APIToken
from metrics.models import KPI, Measurement
from renewal.validators import no_line_breaks

LINE_BREAK_MESSAGE = "Write this on one line: it cannot contain line breaks."


# One-line fields -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Permit\r\nBcc: x@example.com", "a\nb", "a\rb", "a\u2028b"])
def test_a_line_break_is_refused_in_a_one_line_field(text):
    with pytest.raises(ValidationError) as caught:
        no_line_breaks(text)
    assert caught.value.messages == [LINE_BREAK_MESSAGE]


def test_a_kpi_name_with_a_line_break_is_refused_next_to_the_field(member_client, kpi, form_data):
    edit_url = reverse("metrics:kpi_edit", args=[kpi.pk])
    form = member_client.get(edit_url).context["form"]

    response = member_client.post(edit_url, form_data(form, name="Permit time\r\nBcc: x@y.fi"))

    assertContains(response, LINE_BREAK_MESSAGE)
    assert response.context["form"].errors["name"] == [LINE_BREAK_MESSAGE]
    assert KPI.objects.get(pk=kpi.pk).name == "Permit processing time"


# The API's dates -------------------------------------------------------------------------------


@pytest.fixture
def api_client(member):
    return Client(HTTP_AUTHORIZATION=f"Bearer {APIToken.issue(member, 'Feed', 'write')[1]}")


@pytest.mark.parametrize("when", [0, 1700000000, 2025.5, True, [2025, 1, 1], "0", "0001-01-01"])
def test_the_api_refuses_a_date_that_is_not_a_written_date(api_client, kpi, when):
    response = api_client.post(
        f"/api/v1/kpis/{kpi.pk}/measurements",
        data=json.dumps({"date": when, "value": 1}),
        content_type="application/json",
    )

    assert response.status_code in (400, 422)
    error = response.json()["errors"][0]
    assert error["loc"][-1] == "date"
    assert "date" in error["message"].lower() or "1900" in error["message"]
    assert not Measurement.objects.filter(kpi=kpi, date=date(1970, 1, 1)).exists()


def test_the_api_filters_refuse_a_timestamp_for_a_date(api_client, kpi):
    response = api_client.get(f"/api/v1/kpis/{kpi.pk}/measurements?date_from=0")

    assert response.status_code in (400, 422)
