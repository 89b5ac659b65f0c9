"""The monthly portfolio PDF opens with stop, fix or scale, draws its charts as SVG on the server
and lists the month's review decisions beside the gate decisions."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader

from initiatives.models import MonthlySpend, Review
from reports.contexts import portfolio_report
from reports.render import portfolio_pdf

EVIL = '<a href="x">Evil</a>'


def spend_months(initiative, amounts):
    month = timezone.localdate().replace(day=1)
    for amount in amounts:
        month = (month - timedelta(days=1)).replace(day=1)
        MonthlySpend.objects.create(initiative=initiative, month=month, amount_eur=Decimal(amount))


@pytest.fixture
def burning(initiative, kpi, leader):
    """Three months of spend up to last month, its only KPI where it started, a recent review."""
    type(kpi).objects.filter(pk=kpi.pk).update(latest_value=kpi.baseline_value, status="off_track")
    spend_months(initiative, (150000, 140000, 120000))
    Review.objects.create(
        initiative=initiative,
        date=timezone.localdate() - timedelta(days=5),
        kind=Review.Kind.MONTHLY,
        participants="Liisa, Mikko",
        decision=Review.Decision.ADJUST,
        rationale="Narrow the pilot to two teams.",
        recorded_by=leader,
    )
    return initiative


@pytest.fixture
def evil(make_initiative, agency_a, leader):
    initiative = make_initiative(agency_a, leader, title=EVIL)
    spend_months(initiative, (1000,))
    return initiative


def render(leader, organisation):
    report = portfolio_report(leader, organisation, today=timezone.localdate())
    return render_to_string("pdf/portfolio.html", {"report": report})


def test_the_pdf_opens_with_stop_fix_or_scale_and_the_evidence(leader, burning, agency_a):
    html = render(leader, agency_a)

    body = html[html.index("<h1>") :]
    assert re.search(r"<h2>[^<]*</h2>", body).group() == "<h2>Stop, fix or scale</h2>"
    assert "Stop candidate (1)" in body
    assert "Money in, no change:" in body
    assert "410,000\u00a0€ spent since" in body
    assert body.index("Stop, fix or scale") < body.index("Initiatives by phase")


def test_the_pdf_has_the_phase_funnel_and_spend_charts_with_escaped_labels(
    leader, burning, evil, agency_a
):
    html = render(leader, agency_a)

    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    titles = [re.search(r"<title>(.*?)</title>", svg).group(1) for svg in svgs]
    assert "Phase funnel: initiatives in each phase" in titles
    assert "Spent against realised benefit, by initiative" in titles
    [scatter] = [s for s in svgs if "Spent against realised" in s]
    assert burning.title in scatter
    assert "&lt;a href=" in scatter
    assert EVIL not in html


def test_the_pdf_lists_review_decisions_beside_gate_decisions(leader, burning, agency_a):
    html = render(leader, agency_a)

    assert "Decisions in the last month" in html
    assert "Review decisions in the last month" in html
    assert "Narrow the pilot to two teams." in html
    assert "Monthly leadership review" in html


def test_the_rendered_pdf_carries_the_list_and_the_review(leader, burning, agency_a):
    pdf = portfolio_pdf(leader, agency_a, "en")

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())  # table cells wrap their lines
    assert text.index("Stop, fix or scale") < text.index("Initiatives by phase")
    assert "Narrow the pilot to two teams." in text
