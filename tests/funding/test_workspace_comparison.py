"""The live comparison on the application page and in its PDF: each committed KPI beside its
latest measured value, status, trend and when that trend reaches the committed target; each
committed benefit beside what was realised, by date and where it shows."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from funding.compare import compare_commitment
from initiatives.models import RealisedBenefit
from initiatives.models.planning import ShowsIn
from metrics.models import KPI, Measurement, refresh_kpi_statuses
from metrics.status import Trend
from organisations.models import Membership, Organisation
from tests.conftest import client_for, make_user

DAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fixed_day():
    # Every fixture below dates its rows from "today": this day, whenever the suite runs.
    with time_machine.travel(f"{DAY.isoformat()} 12:00 +03:00", tick=False):
        yield


@pytest.fixture
def measured(granted, kpi, member):
    """After the commitment: the KPI's target weakened from 60 to 70 days, three measurements
    (112, 105 and 101 days; 70, 40 and 10 days ago) and two realisations of the benefit."""
    KPI.objects.filter(pk=kpi.pk).update(target_value=Decimal(70))
    for days, value in [(70, 112), (40, 105), (10, 101)]:
        Measurement.objects.create(
            kpi=kpi, date=DAY - timedelta(days=days), value=Decimal(value), entered_by=member
        )
    refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))
    benefit = granted.initiative.benefits.get()
    RealisedBenefit.objects.create(
        benefit=benefit,
        date=DAY - timedelta(days=20),
        amount=Decimal(40000),
        eur=Decimal(40000),
        evidence="Budget 2026 cut",
        shows_in=ShowsIn.BUDGET,
        budget_line="Permit handling",
        fiscal_year=2026,
    )
    RealisedBenefit.objects.create(
        benefit=benefit,
        date=DAY + timedelta(days=300),  # after the committed date (DAY + 200)
        amount=Decimal(10000),
        eur=Decimal(10000),
        evidence="Two posts moved",
        shows_in=ShowsIn.STAFFING_PLAN,
        from_unit="Permit desk",
        to_task="Advice to companies",
    )
    return granted


def test_each_committed_kpi_shows_its_latest_value_status_trend_and_projection(measured):
    comparison = compare_commitment(measured.commitment, DAY, live=True)
    (k,) = comparison.kpis
    assert (k.committed.target_value, k.current.target_value) == (Decimal(60), Decimal(70))
    assert (k.status.latest_value, k.status.latest_date) == (Decimal(101), DAY - timedelta(10))
    assert k.trend == Trend.IMPROVING  # lower is better, and the values fall
    # Least squares over (0, 112), (30, 105), (60, 101): slope -330/1800 = -0.1833 a day; from
    # 101 to the committed 60 takes 41 / 0.1833 = 223.6 days, from the last measurement.
    assert k.projected_committed == DAY - timedelta(days=10) + timedelta(days=224)
    # The status is the KPI's own, against its current plan (120 to 70 over 360 days): on the
    # measurement's day 120 - 50 * 170/360 = 96.4, so 101 is behind by 4.6 of 50, under 10 %.
    assert k.status.status == "on_track"


def test_each_committed_benefit_shows_its_realisations_by_date(measured):
    (b,) = compare_commitment(measured.commitment, DAY, live=True).benefits
    assert [r.amount for r in b.realisations] == [Decimal(40000), Decimal(10000)]
    assert b.realised == Decimal(50000)
    assert b.realised_by_expected_date == Decimal(40000)


def test_the_application_page_shows_the_live_comparison(officer_client, measured):
    response = officer_client.get(reverse("funding:application", args=[measured.pk]))
    page = response.content.decode()
    assert "latest measured values and trend" in page
    assert "improving" in page
    assert "after the committed date" in page
    assert "Permit handling (2026)" in page
    assert "Permit desk → Advice to companies" in page


def test_the_application_pdf_holds_the_same_comparison(officer_client, measured):
    response = officer_client.get(reverse("reports:application", args=[measured.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "latest measured values and trend" in text
    assert "improving" in text
    assert "Permit handling (2026)" in text
    assert "after the committed date" in text


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_another_funders_officer_gets_neither_the_page_nor_the_pdf(measured):
    other = Organisation.objects.create(name="Business Finland", kind=Organisation.Kind.FUNDER)
    bea = client_for(make_user("bea", "Bea", "Berg", other, Membership.Role.FUNDING_OFFICER))
    for name in ("funding:application", "reports:application"):
        assert bea.get(reverse(name, args=[measured.pk])).status_code == 404


def _page_queries(client, application) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("funding:application", args=[application.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_comparison_reads_as_many_queries_for_one_kpi_as_for_four(
    officer_client,
    make_application,
    make_initiative,
    make_kpi,
    agency_a,
    leader,
    officer,
    measured,
    member,
):
    one = _page_queries(officer_client, measured)
    bigger = make_initiative(agency_a, leader, title="Four KPIs")
    for n in range(4):
        kpi = make_kpi(bigger, name=f"KPI {n}")
        for days in (60, 30):
            Measurement.objects.create(
                kpi=kpi, date=DAY - timedelta(days=days), value=Decimal(110 - n), entered_by=member
            )
        RealisedBenefit.objects.create(
            benefit=bigger.benefits.create(
                description=f"Saving {n}",
                kind="cashable",
                quantity=Decimal(1000),
                unit="eur_per_year",
                expected_date=DAY,
            ),
            date=DAY,
            amount=Decimal(10),
            evidence="Budget",
            shows_in=ShowsIn.BUDGET,
        )
    application = make_application(bigger)
    application.submit(leader)
    application.start_review(officer)
    application.grant(officer, "Granted.")
    assert _page_queries(officer_client, application) == one
