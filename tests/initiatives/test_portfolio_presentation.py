"""Charts people can present (issue 13, item 6): labelled points, shapes and patterns besides
colour, a message instead of empty axes, and a presentation view for a meeting-room screen."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiatives import charts
from initiatives.models import MonthlySpend
from metrics.models import KPI, Measurement, refresh_kpi_statuses

URL = reverse("initiatives:portfolio")
PRESENT = reverse("initiatives:portfolio_presentation")
OKABE_ITO = {c.upper() for c in charts.OKABE_ITO.values()}


@pytest.fixture
def initiatives(make_initiative, make_kpi, agency_a, agency_b, municipality, leader, outsider):
    permits = make_initiative(
        agency_a, leader, title="Permit service", phase=4, investment_budget=Decimal(90000)
    )
    registry = make_initiative(
        agency_b, leader, title="Register notifications", phase=2, investment_budget=50000
    )
    behind = make_kpi(permits)  # lower is better, 120 → 60; 119 measured lately: off track
    Measurement.objects.create(
        kpi=behind, date=timezone.localdate() - timedelta(days=5), value=Decimal(119)
    )
    refresh_kpi_statuses(KPI.objects.all())
    MonthlySpend.objects.create(
        initiative=permits, month=date(2026, 3, 1), amount_eur=Decimal(12000)
    )
    make_initiative(municipality, outsider, title="Home care routes", phase=3)
    return permits, registry


def figure(response, name):
    html = response.content.decode()
    marker = f'<script id="figure-{name}" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])


def test_investment_points_are_labelled_and_shaped_by_status(leader_client, initiatives):
    response = leader_client.get(URL)
    trace = figure(response, "investment")["data"][0]
    statuses = {r.initiative.title: r.kpi_status for r in response.context["portfolio"].rows}

    assert trace["texttemplate"] == ["Permit service", "Register notifications"]
    assert "text" in trace["mode"]
    # Colour is never the only cue: each KPI status has its own marker shape.
    assert statuses["Permit service"] != statuses["Register notifications"]
    assert trace["marker"]["symbol"] == [
        charts.STATUS_SYMBOLS[statuses["Permit service"]],
        charts.STATUS_SYMBOLS[statuses["Register notifications"]],
    ]
    assert len(set(charts.STATUS_SYMBOLS.values())) == len(charts.STATUS_SYMBOLS)


def test_the_initiatives_of_the_investment_chart_are_listed_beside_it(leader_client, initiatives):
    html = leader_client.get(URL).content.decode()
    listed = html[html.index("Show the initiatives in this chart") :]

    assert "Permit service" in listed and "Register notifications" in listed


def test_every_status_and_verdict_has_its_own_shape_pattern_or_dash(leader_client, initiatives):
    response = leader_client.get(URL)
    status = figure(response, "status")["data"]
    trend = figure(response, "trend")["data"]

    patterns = [t["marker"]["pattern"]["shape"] for t in status]
    assert len(set(patterns)) >= len(patterns) - 1  # one plain fill, every other hatched apart
    assert {t["marker"]["color"].upper() for t in status if t["marker"]["pattern"]["shape"]} <= (
        OKABE_ITO | {"#BBBBBB", "#E4E4E4"}
    )
    assert len({t["line"]["dash"] for t in trend}) == len(trend) == 3
    assert len({t["marker"]["symbol"] for t in trend}) == 3
    assert {t["line"]["color"].upper() for t in trend} <= OKABE_ITO


def test_month_axes_do_not_write_iso_months_in_finnish(leader_client, initiatives):
    with translation.override("fi"):
        leader_client.cookies["django_language"] = "fi"
        response = leader_client.get(URL, HTTP_ACCEPT_LANGUAGE="fi")
    axis = figure(response, "benefits")["layout"]["xaxis"]

    assert axis["tickformat"] == "%b %Y" and axis["hoverformat"] == "%B %Y"


def test_a_filter_that_matches_nothing_says_so_instead_of_drawing_empty_axes(
    leader_client, initiatives
):
    response = leader_client.get(URL, {"q": "no such initiative"})
    html = response.content.decode()

    assert "No initiatives match" in html
    assert "data-figure=" not in html
    assert f'href="{URL}">Clear filters</a>' in html.split("No initiatives match", 1)[1]


def test_an_htmx_filter_that_matches_nothing_swaps_in_the_message(leader_client, initiatives):
    response = leader_client.get(URL, {"q": "no such initiative"}, HTTP_HX_REQUEST="true")

    assert "No initiatives match" in response.content.decode()
    assert "data-figure=" not in response.content.decode()


def test_the_portfolio_links_to_the_presentation_with_its_filters(leader_client, initiatives):
    html = leader_client.get(URL, {"phase": "4", "page": "1"}).content.decode()

    assert f'href="{PRESENT}?phase=4">Presentation view</a>' in html


def test_the_presentation_shows_the_radar_and_four_charts_without_filters(
    leader_client, initiatives
):
    response = leader_client.get(PRESENT)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Stop, fix or scale" in html
    for name in ("funnel", "status", "benefits", "investment"):
        assert f'data-figure="figure-{name}"' in html
        assert figure(response, name)["layout"]["font"]["size"] == 18  # large type
    assert 'role="search"' not in html and "Apply filters" not in html
    assert "<script>" not in html  # charts come from json_script and a static script


def test_the_presentation_keeps_the_filters_from_the_url(leader_client, initiatives):
    response = leader_client.get(PRESENT, {"phase": "4"})
    html = response.content.decode()

    assert [r.initiative.title for r in response.context["portfolio"].rows] == ["Permit service"]
    assert "Phase: 4. " in html
    assert f'href="{URL}?phase=4">Back to the portfolio</a>' in html


def test_an_empty_presentation_says_no_initiatives_match(leader_client, initiatives):
    html = leader_client.get(PRESENT, {"q": "nothing"}).content.decode()

    assert "No initiatives match" in html and "data-figure=" not in html


@pytest.mark.parametrize(
    ("persona", "titles"),
    [
        ("leader_client", ["Permit service", "Register notifications"]),
        ("member_client", ["Permit service"]),
        ("viewer_client", ["Permit service", "Register notifications"]),
        ("outsider_client", ["Home care routes"]),
    ],
)
def test_each_role_presents_only_its_own_subtree(request, initiatives, persona, titles):
    response = request.getfixturevalue(persona).get(PRESENT)

    assert response.status_code == 200
    assert sorted(r.initiative.title for r in response.context["portfolio"].rows) == titles
    assert "Home care routes" not in response.content.decode() or persona == "outsider_client"


def test_a_funding_officer_without_an_organisation_role_may_not_present(
    officer_client, initiatives
):
    assert officer_client.get(PRESENT).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client, initiatives):
    response = client.get(PRESENT)

    assert response.status_code == 302 and "login" in response["Location"]


def test_for_screen_enlarges_a_figure_without_changing_the_original():
    original = {"data": [{"type": "bar", "textfont": {"size": 11}}], "layout": {"height": 300}}

    shown = charts.for_screen(original)

    assert shown["layout"]["height"] > 300 and shown["layout"]["font"]["size"] == 18
    assert shown["data"][0]["textfont"]["size"] > 11
    assert original == {
        "data": [{"type": "bar", "textfont": {"size": 11}}],
        "layout": {"height": 300},
    }


def test_the_presentation_numbers_the_points_as_the_list_beside_the_chart(
    leader_client, initiatives
):
    response = leader_client.get(PRESENT)
    trace = figure(response, "investment")["data"][0]
    listed = [r.initiative.title for r in response.context["investment_rows"]]

    assert trace["texttemplate"] == ["1", "2"]
    assert trace["text"] == listed == ["Permit service", "Register notifications"]
    assert "<details open>" in response.content.decode()
