"""The funding officer's workspace in the browser: the funded portfolio with its charts, filtered
by a signal without JavaScript's help, drilled down to an application and its live comparison;
axe finds nothing and the console stays clean."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Page, expect

from organisations.models import User
from tests.browser.test_accessibility import assert_accessible, wait_for_charts

WEAKENED = "Digital environmental permit service"  # granted, its target eased since
WAITING = "Shared case-management platform for supervision"  # submitted


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def sign_in_as_officer(page: Page, server_url: str) -> None:
    """The demo's officer, signed in by a session of their own. Not the shared `login`: that one
    expects the initiative list, and the sign-in steps for officers (second factor, landing
    page) are not what this test is about."""
    client = Client()
    client.force_login(User.objects.get(username="officer"))
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server_url},
            {"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": server_url},
        ]
    )


def test_filter_the_funded_portfolio_and_drill_down(page: Page, axe, server_url, browser_problems):
    sign_in_as_officer(page, server_url)
    page.goto(f"{server_url}/funding/workspace/")
    expect(page.get_by_role("heading", level=1, name="Funded portfolio")).to_be_visible()
    wait_for_charts(page)
    applications = page.locator("#applications-table")
    expect(applications).to_contain_text(WEAKENED)
    expect(applications).to_contain_text(WAITING)
    expect(page.locator("#by-call-table")).to_contain_text(
        "Productivity through public-sector renewal 2026"
    )
    assert_accessible(page, axe, "the funded portfolio")

    # Filter by a signal: the query lands in the URL, and only those applications are listed.
    page.get_by_label("Signal").select_option(label="Committed target weakened or postponed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"signal=weakened"))
    expect(applications).to_contain_text(WEAKENED)
    expect(applications).not_to_contain_text(WAITING)
    expect(page.locator("#weakened-list")).to_contain_text(WEAKENED)
    export = page.get_by_role("link", name="Export CSV")
    expect(export).to_have_attribute("href", re.compile(r"signal=weakened"))

    # The signals table beside the chart drills down too.
    page.locator("#signal-table").locator("xpath=ancestor::details").locator("summary").click()
    page.locator("#signal-table").get_by_role("link", name="Waiting for review").click()
    expect(page).to_have_url(re.compile(r"signal=waiting"))
    expect(applications).to_contain_text(WAITING)
    expect(applications).not_to_contain_text(WEAKENED)

    # And from a row to the application, with the live comparison of its commitments.
    page.get_by_role("link", name="Clear filters").click()
    applications.get_by_role("link", name=WEAKENED).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(WEAKENED)
    expect(
        page.get_by_role("heading", name="The committed KPIs now: latest measured values and trend")
    ).to_be_visible()
    expect(page.locator("table.live-kpis")).to_contain_text("Permit processing time")
    assert_accessible(page, axe, "the application with its live comparison")
    assert not browser_problems, "\n".join(browser_problems)
