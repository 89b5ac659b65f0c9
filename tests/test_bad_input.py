"""Bad input gets a clear message, never a server error (issue 15, item 8)."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.asserts import assertContains

from api.models import APIToken
from funding.forms import ApplicationForm
from initiatives.phase_forms import BenefitForm, RemeasureForm, ReviewActionForm
from metrics.charts import kpi_figure
from metrics.imports import check_rows
from metrics.models import KPI, Measurement
from organisations.models import User
from renewal.svg import bar_chart, line_chart, scatter_chart
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


# Server-drawn charts ---------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_measurement_dated_year_one_on_a_kpi_without_a_plan_prints(
    member_client, make_kpi, initiative
):
    kpi = make_kpi(initiative, baseline_value=None, target_value=None, name="Queue length")
    # Stored before the rules refused such dates: the PDF must still print for everyone.
    Measurement.objects.create(kpi=kpi, date=date(1, 1, 1), value=Decimal(5))

    response = member_client.get(reverse("reports:initiative", args=[initiative.pk]))

    assert response.status_code == 200
    assert "Queue length" in pdf_text(response.content)


@pytest.mark.parametrize(
    "data",
    [
        [(date(1, 1, 1), 5)],
        [(date(9999, 12, 31), 5)],
        [(date(2025, 1, 1), 1), (date(2025, 1, 1), 2)],
        [(date(1, 1, 1), -1e300), (date(9999, 12, 31), 1e300)],
        [(date(2025, 1, 1), float("nan")), (date(2025, 2, 1), 3)],
    ],
)
def test_the_line_chart_draws_single_points_equal_dates_and_extreme_values(data):
    svg = line_chart([("Measured", "actual", data)], title="KPI", unit="days", target=Decimal(4))

    assert svg.startswith("<svg") and "nan" not in svg.lower() and "inf" not in svg.lower()
    assert svg.count("<circle") == len([v for _, v in data if v == v])


def test_chart_labels_are_text_in_the_svg():
    svg = line_chart(
        [("Measured", "actual", [(date(2025, 1, 1), 1)])],
        title="<a href=x>t</a>",
        unit="<a href=x>u</a>",
        target=2,
        target_label="<b>target</b>",
    )
    bars = bar_chart([("<a href=x>phase</a>", 3)], title="t")
    scatter = scatter_chart([("<a href=x>i</a>", -5, 0)], title="t", x_label="<i>", y_label="&")

    for drawn in (svg, bars, scatter):
        assert "<a " not in drawn and "<b>" not in drawn and "<i>" not in drawn
    assert "&lt;a href=x&gt;u&lt;/a&gt;" in svg


# Plotly charts ---------------------------------------------------------------------------------

MARKUP = "<a href=x>u</a> & <b>"
AS_TEXT = "&lt;a href=x&gt;u&lt;/a&gt; &amp; &lt;b&gt;"


def test_a_kpi_unit_with_markup_is_plotly_text_not_a_link(make_kpi, initiative):
    kpi = make_kpi(initiative, unit=MARKUP)

    figure = kpi_figure(kpi, [])

    assert figure["layout"]["yaxis"]["title"]["text"] == AS_TEXT


def test_portfolio_charts_show_names_and_titles_with_markup_as_text(
    leader_client, initiative, agency_a
):
    agency_a.name = MARKUP
    agency_a.save()
    initiative.title = MARKUP
    initiative.budget_eur = Decimal(1000)
    initiative.save()

    figures = leader_client.get(reverse("initiatives:portfolio")).context["figures"]

    assert AS_TEXT in figures["status"]["data"][0]["x"]
    blob = json.dumps(figures)
    assert "<a href" not in blob and "<b>" not in blob


# The PDF header --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ['Etelä-Savon "Hyvinvointialue"', "O'Brien & Co \\ Oy", "Pohjois-Karjala </style>"]
)
def test_an_organisation_name_with_hyphens_or_quotes_prints_as_it_is_in_the_header(
    member_client, initiative, agency_a, name
):
    agency_a.name = name
    agency_a.save()

    response = member_client.get(reverse("reports:initiative", args=[initiative.pk]))

    assert response.status_code == 200
    header = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"Renewal · {name}" in " ".join(header.split())


# Dates before 1900 or far ahead ----------------------------------------------------------------


@pytest.mark.parametrize("when", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_kpi_target_date_before_1900_or_far_ahead_is_refused(member_client, kpi, form_data, when):
    edit_url = reverse("metrics:kpi_edit", args=[kpi.pk])
    form = member_client.get(edit_url).context["form"]

    response = member_client.post(edit_url, form_data(form, target_date=when))

    errors = response.context["form"].errors["target_date"]
    assert errors[0] == "Check the year: the date must be between 1900 and 2100."
    assert KPI.objects.get(pk=kpi.pk).target_date == kpi.target_date


def test_a_funding_period_in_year_one_is_refused(call):
    form = ApplicationForm(
        data={
            "call": call.pk,
            "amount_requested": "1000",
            "period_start": "0001-01-01",
            "period_end": "9999-12-31",
        }
    )

    assert not form.is_valid()
    assert "Check the year" in form.errors["period_start"][0]
    assert "Check the year" in form.errors["period_end"][0]


# The import's KPI column -----------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["²", "١٢", "１２"])
def test_a_kpi_column_with_digits_of_other_scripts_names_an_unknown_kpi(member, initiative, ref):
    rows = check_rows(member, initiative, [["kpi", "date", "value"], [ref, "1.1.2025", "1"]])

    assert rows[0]["errors"][0] == ["unknown_kpi", {"kpi": ref}]


def test_a_benefit_expected_in_year_one_is_refused_next_to_the_field(initiative):
    form = BenefitForm(
        data={"description": "Faster permits", "kind": "time", "expected_date": "0001-01-01"},
        initiative=initiative,
    )

    assert not form.is_valid()
    assert form.errors["expected_date"] == [
        "Check the year: the date must be between 1900 and 2100."
    ]


def test_review_actions_and_re_measurements_refuse_line_breaks_and_year_one(people):
    action = ReviewActionForm(
        data={"description": "Call\r\nthe unit", "due_date": "0001-01-01"}, people=people
    )
    remeasure = RemeasureForm(data={"measured_on": "9999-12-31"})

    assert not action.is_valid() and not remeasure.is_valid()
    assert action.errors["description"] == [LINE_BREAK_MESSAGE]
    assert action.errors["due_date"] == ["Check the year: the date must be between 1900 and 2100."]
    assert remeasure.errors["measured_on"] == [
        "Check the year: the date must be between 1900 and 2100."
    ]


@pytest.fixture
def people(member):
    return User.objects.filter(pk=member.pk)
