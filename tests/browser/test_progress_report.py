"""A progress report from request to review: the funding officer asks the demo's granted
application for one, its owner writes and submits it, the officer reviews it. Every page of it
passes axe and logs no console error."""

import re
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible

GRANTED = "Digital environmental permit service"  # the demo's granted application, owner "leader"
NARRATIVE = "The service is live in two regions and processing time is falling month by month."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def open_application(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/funding/")
    page.get_by_role("link", name=GRANTED).first.click()


def test_request_fill_submit_and_review_a_progress_report(
    page: Page, login, server_url, browser_problems
):
    axe = Axe()
    due = timezone.localdate() + timedelta(days=30)
    login(page, "officer")
    open_application(page, server_url)
    panel = page.get_by_role("region", name="Progress reports")
    assert_accessible(page, axe, "the granted application with the request form")
    panel.get_by_label("Due on").fill(due.isoformat())
    panel.get_by_label("What the funder asks").fill("How far is the regional roll-out?")
    panel.get_by_role("button", name="Request the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress report")
    expect(page.get_by_role("status").first).to_contain_text("Progress report requested")
    assert_accessible(page, axe, "the requested progress report, as the officer sees it")
    sign_out(page)

    login(page, "leader")
    open_application(page, server_url)
    page.get_by_role("region", name="Progress reports").get_by_role("link").first.click()
    expect(page.get_by_role("region", name="What the funder asks")).to_contain_text(
        "regional roll-out"
    )
    expect(
        page.get_by_role("region", name="KPIs: latest values against the commitment")
    ).to_contain_text("Permit processing time")
    assert_accessible(page, axe, "the progress report the owner fills in")
    page.get_by_label("Progress narrative").fill(NARRATIVE)
    page.get_by_role("button", name="Submit to the funder").click()
    expect(page.get_by_role("status").first).to_contain_text("now frozen")
    expect(page.locator(".page-head .application-state")).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Submit to the funder")).to_have_count(0)
    assert_accessible(page, axe, "the submitted progress report")
    sign_out(page)

    login(page, "officer")
    open_application(page, server_url)
    page.get_by_role("region", name="Progress reports").get_by_role("link").first.click()
    expect(page.get_by_role("region", name="Narrative")).to_contain_text(NARRATIVE)
    page.get_by_label("Review comment").fill("Thank you. Report the regional figures next time.")
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".page-head .application-state")).to_have_text("Reviewed")
    expect(page.get_by_role("region", name="Funder's review")).to_contain_text(
        "Report the regional figures next time."
    )
    assert_accessible(page, axe, "the reviewed progress report")
    assert not browser_problems, "\n".join(browser_problems)
