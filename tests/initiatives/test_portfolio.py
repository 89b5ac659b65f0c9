"""The leadership portfolio: filters, sorting, subtree scoping, exports and a constant query count."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from initiatives.models import Benefit, BenefitUnit, RealisedBenefit, State
from metrics.models import KPI, Measurement, refresh_kpi_statuses
from tests.conftest import client_for, make_user

URL = reverse("initiatives:portfolio")


def titles(response) -> list[str]:
    return [row.initiative.title for row in response.context["portfolio"].rows]


@pytest.fixture
def portfolio(
    make_initiative, make_kpi, ministry, agency_a, agency_b, municipality, leader, outsider
):
    """Initiatives across the ministry's subtree and one in the municipality."""
    today = timezone.localdate()
    permits = make_initiative(agency_a, leader, title="Permit service", phase=4, tags="|permits|")
    registry = make_initiative(
        agency_b, leader, title="Register notifications", phase=2, tags="|registers|"
    )
    stopped = make_initiative(ministry, leader, title="Chatbot", phase=1, state=State.STOPPED)
    make_initiative(municipality, outsider, title="Home care routes", phase=3)
    behind = make_kpi(permits)  # lower is better, 120 → 60; measured 119 lately: off track
    Measurement.objects.create(kpi=behind, date=today - timedelta(days=5), value=Decimal(119))
    fine = make_kpi(
        registry, name="Digital share", direction="higher", baseline_value=40, target_value=80
    )
    Measurement.objects.create(kpi=fine, date=today - timedelta(days=5), value=Decimal(61))
    refresh_kpi_statuses(KPI.objects.all())
    saving = Benefit.objects.create(
        initiative=permits,
        description="Lower cost",
        kind="cashable",
        quantity=Decimal(100000),
        unit=BenefitUnit.EUR_PER_YEAR,
        expected_date=today,
    )
    RealisedBenefit.objects.create(
        benefit=saving,
        date=today,
        amount=Decimal(40000),
        evidence="Budget follow-up",
        shows_in="budget",
        fiscal_year=today.year,
        budget_line="Operating",
        eur=Decimal(40000),
    )
    return {"permits": permits, "registry": registry, "stopped": stopped}


def test_leader_sees_the_initiatives_of_the_ministry_subtree_only(leader_client, portfolio):
    response = leader_client.get(URL)

    assert response.status_code == 200
    assert sorted(titles(response)) == ["Chatbot", "Permit service", "Register notifications"]
    assert "Home care routes" not in response.content.decode()


def test_outsider_sees_only_the_municipality(outsider_client, portfolio):
    response = outsider_client.get(URL)

    assert titles(response) == ["Home care routes"]


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("phase=4", ["Permit service"]),
        ("state=stopped", ["Chatbot"]),
        ("tag=registers", ["Register notifications"]),
        ("q=notifications", ["Register notifications"]),
        ("kpi_status=off_track", ["Permit service"]),
        ("kpi_status=on_track", ["Register notifications"]),
        # Chatbot is stopped: its KPI status reads as its state, not as "no data".
        ("kpi_status=stopped", ["Chatbot"]),
        ("kpi_status=no_data", []),
    ],
)
def test_filters_return_the_matching_initiatives(leader_client, portfolio, query, expected):
    response = leader_client.get(f"{URL}?{query}")

    assert titles(response) == expected


def test_organisation_filter_includes_sub_organisations(
    leader_client, portfolio, ministry, agency_b
):
    assert len(titles(leader_client.get(f"{URL}?organisation={ministry.pk}"))) == 3
    assert titles(leader_client.get(f"{URL}?organisation={agency_b.pk}")) == [
        "Register notifications"
    ]


def test_organisation_outside_the_subtree_cannot_be_used_as_a_filter(
    leader_client, portfolio, municipality
):
    response = leader_client.get(f"{URL}?organisation={municipality.pk}")

    assert "Home care routes" not in titles(response)
    assert response.context["form"].errors["organisation"]


def test_sorting_by_realised_benefit_puts_the_largest_first(leader_client, portfolio):
    response = leader_client.get(f"{URL}?sort=-realised_eur")

    assert titles(response)[0] == "Permit service"


def test_figures_show_planned_and_realised_benefit_in_the_readers_format(leader_client, portfolio):
    page = leader_client.get(URL).content.decode()
    assert "100,000\u00a0€" in page
    assert "40,000\u00a0€" in page

    leader_client.cookies["django_language"] = "fi"
    page = leader_client.get(URL).content.decode()
    assert "100\u00a0000\u00a0€" in page


def test_benefits_over_time_sums_planned_and_realised_euros_by_month(leader_client, portfolio):
    today = timezone.localdate()
    month = today.strftime("%Y-%m")
    next_year = today.replace(year=today.year + 1, day=1).strftime("%Y-%m")
    Benefit.objects.create(
        initiative=portfolio["registry"],
        description="Fewer paper forms",
        kind="cashable",
        quantity=Decimal(25000),
        unit=BenefitUnit.EUR_PER_YEAR,
        expected_date=today.replace(year=today.year + 1, day=1),
    )
    Benefit.objects.create(
        initiative=portfolio["registry"],
        description="Freed staff time",
        kind="non_cashable",
        quantity=Decimal(2),
        unit=BenefitUnit.FTE,
        expected_date=today,
    )

    months = leader_client.get(URL).context["benefit_months"]
    assert months == [(month, Decimal(100000), Decimal(40000)), (next_year, Decimal(25000), 0)]

    only_registry = leader_client.get(f"{URL}?phase=2").context["benefit_months"]
    assert only_registry == [(next_year, Decimal(25000), 0)]


def test_htmx_request_gets_only_the_results_region(leader_client, portfolio):
    response = leader_client.get(f"{URL}?phase=4", headers={"HX-Request": "true"})
    page = response.content.decode()

    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "Permit service" in page
    assert response["Vary"].count("HX-Request") == 1


def test_chart_points_drill_down_to_the_matching_initiatives(leader_client, portfolio):
    figures = leader_client.get(URL).context["figures"]

    funnel = figures["funnel"]["data"][0]
    assert funnel["customdata"][3].endswith("phase=4")
    drilled = leader_client.get(funnel["customdata"][3])
    assert titles(drilled) == ["Permit service"]
    investment = figures["investment"]["data"][0]
    assert not investment["customdata"]  # no investment budgets in this fixture


def test_csv_export_has_the_rows_and_columns_of_the_filtered_page(leader_client, portfolio):
    response = leader_client.get(reverse("initiatives:portfolio_export", args=["csv"]) + "?phase=4")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:5] == ["Initiative", "Organisation", "Phase", "State", "KPI status"]
    assert [r[0] for r in rows[1:]] == ["Permit service"]
    assert rows[1][4] == "Off track"


def test_xlsx_export_matches_the_page(leader_client, portfolio):
    response = leader_client.get(reverse("initiatives:portfolio_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))

    assert exported == sorted(titles(leader_client.get(URL)))


def test_export_never_contains_initiatives_outside_the_subtree(outsider_client, portfolio):
    response = outsider_client.get(reverse("initiatives:portfolio_export", args=["csv"]))
    body = response.content.decode("utf-8-sig")

    assert "Home care routes" in body
    assert "Permit service" not in body


def test_unknown_export_format_is_not_found(leader_client, portfolio):
    assert (
        leader_client.get(reverse("initiatives:portfolio_export", args=["pdfx"])).status_code == 404
    )


def _add_initiatives(make_initiative, make_kpi, organisation, owner, count, start):
    today = timezone.localdate()
    for i in range(count):
        initiative = make_initiative(
            organisation, owner, title=f"Extra {start + i}", phase=1 + i % 5
        )
        kpi = make_kpi(initiative)
        Measurement.objects.create(kpi=kpi, date=today - timedelta(days=3), value=Decimal(100))
        refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))
        Benefit.objects.create(
            initiative=initiative,
            description="Saving",
            kind="cashable",
            quantity=Decimal(1000),
            unit=BenefitUnit.EUR_PER_YEAR,
            expected_date=today,
        )


def test_portfolio_query_count_is_the_same_at_two_sizes(
    leader_client, portfolio, make_initiative, make_kpi, agency_a, leader, django_assert_num_queries
):
    leader_client.get(URL)  # warm up the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        leader_client.get(URL)
    _add_initiatives(make_initiative, make_kpi, agency_a, leader, 60, start=0)
    with CaptureQueriesContext(connection) as large:
        response = leader_client.get(URL)

    assert len(response.context["portfolio"].rows) == 63
    assert len(large.captured_queries) == len(small.captured_queries)
    # 12 for the rows and charts, 8 aggregated queries for the paradox radar's facts, and 2 for
    # month on month (last month's snapshots, the twelve months' stop/fix/scale counts).
    assert len(large.captured_queries) <= 22


def test_funding_filter_separates_applied_granted_and_never_applied(
    leader_client, portfolio, funder
):
    from funding.models import FundingApplication, FundingCall

    today = timezone.localdate()
    call = FundingCall.objects.create(
        funder=funder, name="Renewal 2027", opens_on=today, closes_on=today + timedelta(days=60)
    )
    for key, state in (("permits", "granted"), ("registry", "draft")):
        FundingApplication.objects.create(
            initiative=portfolio[key],
            call=call,
            amount_requested=Decimal(100000),
            period_start=today,
            period_end=today + timedelta(days=365),
            state=state,
        )

    assert titles(leader_client.get(f"{URL}?funding=granted")) == ["Permit service"]
    assert titles(leader_client.get(f"{URL}?funding=applied")) == ["Permit service"]
    assert titles(leader_client.get(f"{URL}?funding=none")) == ["Chatbot", "Register notifications"]


def test_charts_get_their_toolbar_words_and_formats_in_the_readers_language(
    leader_client, portfolio
):
    leader_client.cookies["django_language"] = "fi"
    page = leader_client.get(URL).content.decode()

    locale = json.loads(page.split('id="plotly-locale"')[1].split(">", 1)[1].split("</script>")[0])
    assert locale["name"] == "fi"
    assert locale["dictionary"]["Download plot as a PNG"] == "Lataa kaavio PNG-kuvana"
    assert locale["format"]["decimal"] == ","
    assert locale["format"]["months"][0] == "tammikuu"


def test_a_funding_officer_without_an_organisation_role_gets_the_funded_portfolio(
    officer_client,
):
    response = officer_client.get(reverse("initiatives:portfolio"))
    assert response.status_code == 302
    assert response.url == reverse("funding:workspace")
    # The navigation offers the funded portfolio, not an empty organisation portfolio.
    page = officer_client.get(reverse("funding:workspace")).content.decode()
    assert f'href="{reverse("initiatives:portfolio")}"' not in page
    assert f'href="{reverse("funding:workspace")}"' in page


def test_someone_with_no_role_anywhere_may_not_open_the_portfolio(db):
    nobody = make_user("nobody", "No", "Body")
    assert client_for(nobody).get(reverse("initiatives:portfolio")).status_code == 403
