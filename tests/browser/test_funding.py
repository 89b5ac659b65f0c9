"""An applicant submits a funding application; the funding officer reviews and grants it. The
officer's pages are accessible."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible

DRAFT = "Self-service for company changes"  # the demo's draft application, owned by registrar
WEAKENED = "Digital environmental permit service"  # granted, its target eased since


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_submit_review_and_grant(page: Page, login, browser_problems):
    login(page, "registrar")
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    page.get_by_role("link", name=DRAFT, exact=True).click()
    page.get_by_role("link", name="Funding", exact=True).click()
    page.get_by_role("link", name="Productivity through public-sector renewal 2026").click()
    expect(page.get_by_role("note")).to_contain_text("A draft shows the initiative's commitments")
    page.get_by_role("button", name="Submit to the funder").click()
    expect(page.get_by_role("status").first).to_contain_text("The commitments are now frozen.")
    expect(page.locator(".page-head .application-state")).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Submit to the funder")).to_have_count(0)
    sign_out(page)

    login(page, "officer")
    page.get_by_role("banner").get_by_role("link", name="Funding applications").click()
    row = page.get_by_role("row").filter(has_text=DRAFT)
    expect(row).to_contain_text("Submitted")
    row.get_by_role("link", name=DRAFT).click()
    page.get_by_label("Take into review").check()
    page.get_by_label("Comment to the applicant").fill("We are reading the application.")
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".page-head .application-state")).to_have_text("In review")
    page.get_by_label("Grant").check()
    page.get_by_label("Comment to the applicant").fill("Granted: report the KPIs quarterly.")
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".page-head .application-state")).to_have_text("Granted")
    comments = page.get_by_role("region", name="Funder's comments and decisions")
    expect(comments).to_contain_text("We are reading the application.")
    expect(comments).to_contain_text("Granted: report the KPIs quarterly.")
    # The officer reads but cannot change the initiative.
    page.get_by_role("link", name="Initiative", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=DRAFT)).to_be_visible()
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    sign_out(page)

    login(page, "registrar")
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    page.get_by_role("link", name=DRAFT, exact=True).click()
    page.get_by_role("link", name="Funding", exact=True).click()
    page.get_by_role("link", name="Productivity through public-sector renewal 2026").click()
    expect(page.get_by_role("region", name="Funder's comments and decisions")).to_contain_text(
        "Granted: report the KPIs quarterly."
    )
    assert not browser_problems, "\n".join(browser_problems)


def test_officer_pages_are_accessible_and_show_a_weakened_target(
    page: Page, login, browser_problems
):
    axe = Axe()
    login(page, "officer")
    page.get_by_role("banner").get_by_role("link", name="Funding applications").click()
    expect(page.get_by_role("heading", level=1, name="Funding applications")).to_be_visible()
    # The granted application with an overdue benefit is first in the officer's queue.
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text("Online trade register notifications")
    assert_accessible(page, axe, "the officer's list of applications")

    page.get_by_role("link", name=WEAKENED).click()
    kpis = page.get_by_role("region", name="Committed KPIs and their current plan")
    # The plan's row (the live comparison's row of the same KPI follows it).
    expect(kpis.get_by_role("row").filter(has_text="Permit processing time").first).to_contain_text(
        "target weakened"
    )
    assert_accessible(page, axe, "a granted application with a weakened target")

    page.get_by_role("link", name="Initiative", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=WEAKENED)).to_be_visible()
    assert_accessible(page, axe, "an applied initiative, read by the officer")
    assert not browser_problems, "\n".join(browser_problems)
