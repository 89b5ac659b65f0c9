"""A leader filters the portfolio in the browser, uses the back button and exports what is shown."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible


@pytest.fixture
def portfolio_page(page: Page, login, server_url) -> Page:
    login(page, "leader")
    page.get_by_role("link", name="Portfolio", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Portfolio")).to_be_visible()
    # The filters answer through htmx, which binds them once the deferred scripts have run.
    page.wait_for_load_state("load")
    return page


def initiative_rows(page: Page):
    return page.locator("#results table.data[aria-labelledby='initiatives-title'] tbody tr")


def test_filtering_updates_the_page_and_the_url_and_back_restores_it(
    portfolio_page: Page, browser_problems
):
    page = portfolio_page
    expect(initiative_rows(page)).to_have_count(8)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Phase").select_option("4")
    # Only the filters in use go into the address, ready to share.
    expect(page).to_have_url(re.compile(r"/initiatives/portfolio/\?phase=4$"))
    expect(initiative_rows(page)).to_have_count(1)
    expect(initiative_rows(page).first).to_contain_text("Digital environmental permit service")

    page.get_by_label("State").select_option("stopped")
    expect(page).to_have_url(re.compile(r"phase=4.*state=stopped|state=stopped.*phase=4"))
    expect(page.get_by_role("heading", name="No initiatives match")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"state=stopped"))
    expect(initiative_rows(page)).to_have_count(1)
    expect(initiative_rows(page).first).to_contain_text("Digital environmental permit service")
    assert browser_problems == []


def test_charts_draw_and_have_a_table_alternative(portfolio_page: Page):
    page = portfolio_page
    funnel = page.locator("[data-figure='figure-funnel']")
    expect(funnel).to_have_attribute("data-points", "5")
    page.get_by_text("Show the figures as a table").first.click()
    table = page.locator("details[open] table").first
    expect(table).to_contain_text("2. Prerequisites")
    table.get_by_role("link", name="4. Leading the execution").click()
    expect(page).to_have_url(re.compile(r"phase=4"))
    expect(initiative_rows(page)).to_have_count(1)


def test_export_downloads_the_filtered_rows(portfolio_page: Page):
    page = portfolio_page
    page.get_by_label("Phase").select_option("5")
    expect(initiative_rows(page)).to_have_count(1)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    content = download_info.value.path().read_text(encoding="utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0].startswith("Initiative,Organisation,Phase")
    assert len(lines) == 2
    assert "Online trade register notifications" in lines[1]


def test_portfolio_has_no_accessibility_violations(portfolio_page: Page):
    axe = Axe()
    expect(portfolio_page.locator("[data-figure='figure-funnel']")).to_have_attribute(
        "data-points", "5"
    )
    assert_accessible(portfolio_page, axe, "the portfolio")
    portfolio_page.get_by_label("KPI status").select_option("at_risk")
    expect(portfolio_page).to_have_url(re.compile(r"kpi_status=at_risk"))
    assert_accessible(portfolio_page, axe, "the filtered portfolio")
