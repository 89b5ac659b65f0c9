"""My work in the browser: a member signs in, lands on their work and marks a review action done
with a note; the page, the mark-done form and a leader's decisions are accessible."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from initiatives.models import ReviewAction
from tests.browser.test_accessibility import assert_accessible

ACTION = "Report the digital share by channel"  # the demo's latest review's action
OWNED = "Online trade register notifications"  # registrar's, in phase 5


def test_sign_in_lands_on_my_work_and_an_action_is_marked_done(page: Page, login, browser_problems):
    axe = Axe()
    login(page, "registrar")

    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    actions = page.get_by_role("region", name="Review actions assigned to you")
    expect(actions.get_by_role("row").filter(has_text=ACTION)).to_have_count(1)
    expect(
        page.get_by_role("region", name="Your initiatives").get_by_role("link", name=OWNED)
    ).to_be_visible()
    page.screenshot(path="/tmp/renewal-my-work.png", full_page=True)
    assert_accessible(page, axe, "my work")

    # The hidden part names the action for screen readers; Chromium reads it after a space.
    actions.get_by_role("link", name=re.compile(rf"^Mark done\W+{ACTION}$")).click()
    expect(page.get_by_role("heading", level=1, name="Mark the action done")).to_be_visible()
    assert_accessible(page, axe, "the mark-done form")
    page.get_by_label("What was done").fill("Shares by channel are on the KPI page.")
    page.get_by_role("button", name="Mark done").click()

    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(f"Action marked done: {ACTION}")
    expect(page.get_by_text("No open review actions are assigned to you.")).to_be_visible()
    action = ReviewAction.objects.get(
        review__initiative__title=OWNED,
        done_by__username="registrar",
        done_note__startswith="Shares",
    )
    assert action.done

    page.goto(f"{page.url.split('/initiatives/')[0]}{action.review.get_absolute_url()}")
    expect(page.locator(f"#action-{action.pk}")).to_contain_text(
        "Shares by channel are on the KPI page."
    )
    assert not browser_problems, "\n".join(browser_problems)


def test_a_leaders_work_shows_the_decisions_waiting_and_is_accessible(
    page: Page, login, browser_problems
):
    login(page, "leader")

    waiting = page.get_by_role("region", name="Decisions waiting for you")
    expect(waiting).to_contain_text("Asked by")
    page.get_by_role("link", name="Open the portfolio").click()
    expect(page.get_by_role("heading", level=1, name="Portfolio")).to_be_visible()
    page.get_by_role("banner").get_by_role("link", name="My work").click()
    page.screenshot(path="/tmp/renewal-my-work-leader.png", full_page=True)
    assert_accessible(page, Axe(), "a leader's work")
    assert not browser_problems, "\n".join(browser_problems)
