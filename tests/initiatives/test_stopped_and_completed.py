"""A stopped or completed initiative's KPI status reads as its state, never *on track*: on the
portfolio page, its filter and totals, the exports, the API, the PDFs, the digest and the
initiative page.

Each of the three initiatives below has one KPI measured well ahead of its plan, so a surface that
forgot the rule would show "On track" for all three.
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from api.models import APIToken
from initiatives.models import Phase, State
from metrics.models import KPI, Measurement, refresh_kpi_statuses
from metrics.status import CLOSED_STATES, ShownStatus, Status, shown_status
from notifications.kinds import PortfolioDigest
from reports import render
from tests.api.conftest import client_with_token

URL = reverse("initiatives:portfolio")
API = "/api/v1"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def three(make_initiative, make_kpi, agency_a, leader, member):
    """Live service (active), Chatbot (stopped) and Permit archive (completed), all in phase 4."""
    made = {}
    for title, state in (
        ("Live service", State.ACTIVE),
        ("Chatbot", State.STOPPED),
        ("Permit archive", State.COMPLETED),
    ):
        initiative = make_initiative(
            agency_a, leader, team=[member], title=title, phase=Phase.EXECUTION, state=state
        )
        kpi = make_kpi(initiative)  # 120 → 60 days, lower is better; 70 is well ahead of plan
        Measurement.objects.create(
            kpi=kpi, date=timezone.localdate() - timedelta(days=5), value=Decimal(70)
        )
        made[title] = initiative
    refresh_kpi_statuses(KPI.objects.all())
    return made


def measured_50_days_ago():
    """Every measurement moved to 50 days ago: overdue on a monthly cadence."""
    Measurement.objects.all().update(date=timezone.localdate() - timedelta(days=50))
    refresh_kpi_statuses(KPI.objects.all())


def statuses(response) -> dict:
    return {r.initiative.title: r.kpi_status for r in response.context["portfolio"].rows}


def test_the_closed_states_are_the_initiative_states_an_initiative_does_not_leave():
    assert set(CLOSED_STATES) == {State.STOPPED, State.COMPLETED}
    assert shown_status(Status.ON_TRACK, State.STOPPED) == ShownStatus.STOPPED
    assert shown_status(Status.OFF_TRACK, State.COMPLETED) == ShownStatus.COMPLETED
    assert shown_status(Status.AT_RISK, State.ON_HOLD) == ShownStatus.AT_RISK


def test_portfolio_shows_stopped_and_completed_instead_of_on_track(leader_client, three):
    response = leader_client.get(URL)
    page = response.content.decode()

    assert statuses(response) == {
        "Live service": "on_track",
        "Chatbot": "stopped",
        "Permit archive": "completed",
    }
    assert page.count('<span class="status status--on_track">On track</span>') == 1
    assert '<span class="status status--stopped">Stopped</span>' in page
    assert '<span class="status status--completed">Completed</span>' in page


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("on_track", ["Live service"]),
        ("stopped", ["Chatbot"]),
        ("completed", ["Permit archive"]),
    ],
)
def test_kpi_status_filter_counts_closed_initiatives_under_their_state(
    leader_client, three, status, expected
):
    response = leader_client.get(f"{URL}?kpi_status={status}")

    assert list(statuses(response)) == expected


def test_totals_by_status_count_closed_initiatives_under_their_state(leader_client, three):
    response = leader_client.get(URL)

    labels = [str(label) for label in response.context["statuses"]]
    [(name, cells)] = response.context["status_rows"]
    counts = dict(zip(labels, [count for count, _link in cells], strict=True))
    assert name == "Permit Agency"
    assert counts["On track"] == 1
    assert counts["Stopped"] == 1
    assert counts["Completed"] == 1
    chart = {s["name"]: s["y"] for s in response.context["figures"]["status"]["data"]}
    assert chart["On track"] == [1] and chart["Stopped"] == [1] and chart["Completed"] == [1]


def test_portfolio_exports_show_the_state(leader_client, three):
    response = leader_client.get(reverse("initiatives:portfolio_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(
        io.BytesIO(
            leader_client.get(reverse("initiatives:portfolio_export", args=["xlsx"])).content
        )
    ).active
    cells = {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert rows[0][4] == "KPI status"
    assert {r[0]: r[4] for r in rows[1:]} == {
        "Live service": "On track",
        "Chatbot": "Stopped",
        "Permit archive": "Completed",
    }
    assert cells == {
        "Live service": "On track",
        "Chatbot": "Stopped",
        "Permit archive": "Completed",
    }


def test_closed_initiatives_have_nothing_overdue_in_the_portfolio(leader_client, three):
    # Measured 50 days ago on a monthly cadence: overdue, but only the live one still owes it.
    measured_50_days_ago()
    response = leader_client.get(URL)

    overdue = {r.initiative.title for r in response.context["portfolio"].rows if r.overdue}
    assert overdue == {"Live service"}


def test_api_shows_the_state_for_initiatives_and_their_kpis(leader, three):
    client = client_with_token(APIToken.issue(leader, "Feed", APIToken.Scope.READ)[1])
    chatbot = three["Chatbot"]

    listed = {i["title"]: i for i in client.get(f"{API}/initiatives").json()["results"]}
    on_track = client.get(f"{API}/initiatives?kpi_status=on_track").json()["results"]
    kpi_id = chatbot.kpis.get().pk
    kpi = client.get(f"{API}/kpis/{kpi_id}").json()
    detail = client.get(f"{API}/initiatives/{chatbot.pk}").json()

    assert listed["Chatbot"]["kpi_status"] == "stopped"
    assert listed["Chatbot"]["kpi_status_counts"]["stopped"] == 1
    assert listed["Chatbot"]["kpi_status_counts"]["on_track"] == 0
    assert listed["Permit archive"]["kpi_status"] == "completed"
    assert listed["Live service"]["kpi_status"] == "on_track"
    assert [i["title"] for i in on_track] == ["Live service"]
    assert (kpi["status"], kpi["status_label"], kpi["overdue"]) == ("stopped", "Stopped", False)
    assert detail["kpis"][0]["status"] == "stopped"
    assert client.get(f"{API}/kpis?status=on_track").json()["count"] == 1
    assert [k["id"] for k in client.get(f"{API}/kpis?status=stopped").json()["results"]] == [kpi_id]


def test_initiative_pdf_shows_the_state_of_a_stopped_initiative(leader_client, three):
    chatbot = three["Chatbot"]
    response = leader_client.get(reverse("reports:initiative", args=[chatbot.pk]))

    text = pdf_text(response.content)
    assert "Permit processing time (Stopped)" in text
    assert "On track" not in text


def test_portfolio_pdf_shows_the_state(leader, ministry, three):
    text = pdf_text(render.portfolio_pdf(leader, ministry))

    assert "Chatbot Permit Agency 4 Stopped Stopped" in text
    assert "Permit archive Permit Agency 4 Completed Completed" in text
    assert text.count("On track") == 1


def test_initiative_page_shows_the_state_in_phase_4(member_client, three):
    archive = three["Permit archive"]
    measured_50_days_ago()

    page = member_client.get(
        reverse("initiatives:phase", args=[archive.pk, Phase.EXECUTION])
    ).content.decode()

    assert '<span class="status status--completed">Completed</span>' in page
    assert "status--on_track" not in page
    assert "status--overdue" not in page


def test_the_monthly_digest_does_not_count_closed_initiatives_as_on_track(leader, three):
    figures = PortfolioDigest().figures(leader, timezone.localdate())
    message = PortfolioDigest().message(figures)

    assert figures["statuses"]["on_track"] == 1
    assert figures["statuses"]["stopped"] == 1
    assert figures["statuses"]["completed"] == 1
    assert "0 off track, 0 at risk, 1 on track" in " ".join(message.lines)
