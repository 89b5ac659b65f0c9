"""Dates on real pages as Finns read them, in English, Finnish and Swedish (issue 13, item 3):
day-month-year and the 24-hour clock, never 12/08/2026, "5:35 p.m." or an ISO date in the text,
and the short style in tables."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from initiatives.models import Initiative, Review
from metrics.models import KPI
from tests.browser.test_accessibility import WITH_KPIS, wait_for_charts

AMERICAN = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b[ap]\.m\.|\b\d{1,2}(:\d\d)? ?[AP]M\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
SHORT = {
    "en": re.compile(rf"^\d{{1,2}} ({MONTHS}) \d{{4}}$"),
    "fi": re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"),
    "sv": re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"),
}
# Plotly's own default starts with the month: "Aug 12".
MONTH_FIRST = re.compile(rf"^({MONTHS}) \d{{1,2}}\b")


def pages() -> dict[str, str]:
    initiative = Initiative.objects.get(title=WITH_KPIS)
    kpi = KPI.objects.filter(initiative=initiative, measurements__isnull=False).first()
    review = Review.objects.order_by("pk").first()
    return {
        "kpi": f"/kpis/{kpi.pk}/",
        "review": f"/initiatives/{review.initiative_id}/reviews/{review.pk}/",
        "history": f"/initiatives/{initiative.pk}/history/",
    }


def read_in(page: Page, server_url: str, language: str, path: str) -> str:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": server_url}]
    )
    page.goto(f"{server_url}{path}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page.locator("main").inner_text()


@pytest.mark.parametrize("language", ["en", "fi", "sv"])
def test_dates_on_the_kpi_page_review_and_history_read_day_month_year(
    page: Page, login, server_url, browser_problems, language
):
    login(page, "leader")
    for name, path in pages().items():
        text = read_in(page, server_url, language, path)
        assert not AMERICAN.findall(text), f"{name} in {language}: {AMERICAN.findall(text)}"
        assert not ISO_DATE.findall(text), f"{name} in {language}: {ISO_DATE.findall(text)}"
        # Tables use the short style: every cell that is a date at all is in it.
        cells = page.locator("main table td, main table th").all_inner_texts()
        dates = [c.strip() for c in cells if re.search(r"\d{4}", c) and len(c.strip()) <= 20]
        shaped = [c for c in dates if SHORT[language].match(c)]
        assert shaped, f"{name} in {language}: no short date in its tables: {dates[:10]}"
        if name == "kpi":
            wait_for_charts(page)
            ticks = page.locator(".xtick text").all_text_contents()
            assert ticks and not [t for t in ticks if MONTH_FIRST.match(t)], ticks
    assert browser_problems == []


def test_the_history_shows_moments_on_the_24_hour_clock_in_finnish(page: Page, login, server_url):
    login(page, "leader")
    text = read_in(page, server_url, "fi", pages()["history"])

    # 17.35, never 5:35 ip.
    assert re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}\.\d{2}\b", text), text[:500]
