"""Property-based: generated text thrown at every form and import parser gives clear errors,
never an exception or a server error (issue 15, item 8).

Modest example counts and no deadline keep CI fast and steady; derandomized so a failure
reproduces on every run.
"""

import json
from datetime import date

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import APIToken
from funding.forms import ApplicationForm
from initiatives.phase_forms import BenefitForm
from initiatives.spend import SpendError, parse_amount, parse_month, parse_year
from initiatives.spend_forms import BudgetYearForm, MonthlySpendForm
from metrics.forms import KPIForm, MeasurementForm
from metrics.imports import ImportFileError, check_rows
from metrics.measurements import MeasurementError, parse_date, parse_value
from organisations.models import User

# Text people and programs send: digits of other scripts, superscripts, huge numbers, dates with
# too many digits, line breaks, markup, and any other character.
TRICKY = [
    "²",
    "١٢",
    "１２",
    "1.1.99999999999999999999",
    "99999999999.1.2026",
    "0001-01-01",
    "9999-12-31",
    "1e999",
    "NaN",
    "-0",
    "2026-02-30",
    "31.12.1899",
    "<a href=x>u</a>",
    "a\r\nb",
    "=1+1",
    "\x00",
    "9" * 40,
]
TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=30),
    st.text(alphabet="0123456789.,-+ e/²١", max_size=25),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
RAW = st.one_of(TEXT, st.integers(), st.floats(), st.none(), st.booleans())
FIELD_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FIELD_SETTINGS
@given(raw=RAW)
def test_the_measurement_parsers_refuse_with_a_clear_message_or_accept(raw):
    for parse in (parse_value, parse_date):
        try:
            parse(raw)
        except MeasurementError as error:
            assert error.message


@FIELD_SETTINGS
@given(raw=RAW)
def test_the_spend_parsers_refuse_with_a_clear_message_or_accept(raw):
    for parse in (parse_month, parse_year, parse_amount):
        try:
            parse(raw)
        except SpendError as error:
            assert error.message


@pytest.mark.django_db
@FIELD_SETTINGS
@given(name=TEXT, unit=TEXT, value=TEXT, when=TEXT)
def test_the_kpi_and_measurement_forms_never_fail(kpi, name, unit, value, when):
    kpi_form = KPIForm(
        data={
            "name": name,
            "unit": unit,
            "value_area": kpi.value_area,
            "direction": kpi.direction,
            "baseline_value": value,
            "baseline_date": when,
            "target_value": value,
            "target_date": when,
            "cadence": kpi.cadence,
            "version": str(kpi.version),
        },
        instance=kpi,
        people=User.objects.all(),
    )
    assert kpi_form.is_valid() or kpi_form.errors
    measurement_form = MeasurementForm(data={"date": when, "value": value, "note": name}, kpi=kpi)
    assert measurement_form.is_valid() or measurement_form.errors


@pytest.mark.django_db
@FIELD_SETTINGS
@given(text=TEXT, amount=TEXT, when=TEXT)
def test_the_benefit_spend_and_application_forms_never_fail(initiative, call, text, amount, when):
    forms = [
        BenefitForm(
            data={
                "description": text,
                "kind": "time",
                "quantity": amount,
                "unit": "eur_per_year",
                "expected_date": when,
            },
            initiative=initiative,
        ),
        BudgetYearForm(data={"year": text, "amount_eur": amount}, initiative=initiative),
        MonthlySpendForm(
            data={"month": when, "amount_eur": amount, "person_months": text, "note": text},
            initiative=initiative,
        ),
        ApplicationForm(
            data={
                "call": str(call.pk),
                "amount_requested": amount,
                "period_start": when,
                "period_end": text,
                "summary": text,
            }
        ),
    ]
    for form in forms:
        assert form.is_valid() or form.errors


@pytest.mark.django_db
@FIELD_SETTINGS
@given(rows=st.lists(st.tuples(RAW, RAW, RAW, RAW), min_size=1, max_size=5))
def test_the_import_row_checker_gives_every_row_a_verdict(member, initiative, kpi, rows):
    table = [["kpi", "date", "value", "note"], *[list(row) for row in rows]]
    try:
        checked = check_rows(member, initiative, table)
    except ImportFileError:
        return  # "the file has no rows": a clear message of its own
    for row in checked:
        assert isinstance(row["errors"], list)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    when=st.one_of(RAW, st.lists(st.integers(), max_size=3)),
    value=st.one_of(RAW, st.lists(st.integers(), max_size=2)),
)
def test_the_api_measurement_endpoint_answers_4xx_not_500(member, kpi, when, value):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {APIToken.issue(member, 'Feed', 'write')[1]}")

    response = client.post(
        f"/api/v1/kpis/{kpi.pk}/measurements",
        data=json.dumps({"date": when, "value": value}),
        content_type="application/json",
    )

    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["errors"][0]["message"]
    else:
        assert date(1900, 1, 1) <= date.fromisoformat(response.json()["date"])
