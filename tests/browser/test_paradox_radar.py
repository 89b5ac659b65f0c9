"""A leader reads on the portfolio why an initiative is a stop candidate, finds the same signal on
the initiative's page, stops it, and the portfolio no longer lists it."""

import re

from playwright.sync_api import Page, expect

TITLE = "Ministry-wide benefits tracking"  # the demo's money-in-no-change story
SIGNAL = "Money in, no change"


def stop_candidates(page: Page):
    panel = page.get_by_role("region", name="Stop, fix or scale")
    return panel.locator(".radar__group--stop")


def open_portfolio(page: Page) -> None:
    page.get_by_role("banner").get_by_role("link", name="Portfolio", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Portfolio")).to_be_visible()


def test_leader_reads_why_an_initiative_is_a_stop_candidate_and_stops_it(
    page: Page, login, browser_problems
):
    login(page, "leader")
    open_portfolio(page)

    entry = (
        stop_candidates(page)
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=TITLE, exact=True))
    )
    signal = entry.get_by_role("listitem").filter(has_text=SIGNAL)
    expect(signal).to_have_text(
        re.compile(
            rf"^{SIGNAL}: .+ spent since .+; none of the 2 KPIs has moved towards its target\.$"
        )
    )
    evidence = signal.inner_text().removeprefix(f"{SIGNAL}: ")

    entry.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    check = page.get_by_role("region", name="Paradox check")
    expect(check).to_contain_text("Stop candidate")
    expect(check.get_by_role("listitem").filter(has_text=SIGNAL)).to_contain_text(evidence)

    page.get_by_role("link", name="Stop initiative").click()
    rationale = "A year of spend and no ministry reporting changed; the budget moves to permits."
    page.get_by_label("Why is the initiative stopped?").fill(rationale)
    page.get_by_role("button", name="Stop the initiative").click()
    expect(page.get_by_role("status")).to_contain_text("The initiative is stopped.")
    expect(page.locator(".banner--stopped")).to_contain_text(rationale)
    expect(page.get_by_role("region", name="Paradox check")).to_contain_text(
        "A stopped or completed initiative is no longer checked."
    )

    # Stopping is the model working: the initiative leaves the stop candidates.
    open_portfolio(page)
    expect(stop_candidates(page)).to_be_visible()
    expect(stop_candidates(page).get_by_role("link", name=TITLE, exact=True)).to_have_count(0)
    assert not browser_problems, "\n".join(browser_problems)
