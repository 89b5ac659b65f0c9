"""Two journeys of trust: a member asks for a gate decision and a leader, landing on it, decides;
a member types a wrong value, the portfolio turns off track, and a correction puts it right."""

import re

from playwright.sync_api import Page, expect

ASK = "Shared case-management platform for supervision"  # phase 2, gate met, member in team
CORRECT = "Digital environmental permit service"  # phase 4, member in team
KPI = "Permit processing time"  # days, lower is better, on track in the demo


def open_initiative(page: Page, title: str) -> None:
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    page.get_by_role("table").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()


def test_a_member_asks_and_a_leader_decides_from_their_landing_page(
    page: Page, login, browser_problems
):
    login(page, "member")
    open_initiative(page, ASK)
    gate = page.get_by_role("region", name="Gate to phase 3")
    expect(gate.get_by_role("button", name="Record decision")).to_have_count(0)
    expect(gate).to_contain_text("Only leaders decide at the gates")
    gate.get_by_label("Note to the leaders").fill("Every dataset assessed; legal consulted early.")
    gate.get_by_role("button", name="Ask for a decision").click()
    expect(page.get_by_role("status").first).to_contain_text("Decision requested.")
    expect(gate).to_contain_text("Mikko Mäkinen asked for a decision on")
    sign_out(page)

    login(page, "leader")
    waiting = page.get_by_role("region", name="Decisions waiting for you")
    expect(waiting).to_contain_text("Asked by Mikko Mäkinen")
    waiting.get_by_role("link", name=ASK).click()
    gate = page.get_by_role("region", name="Gate to phase 3")
    expect(gate).to_contain_text("Every dataset assessed; legal consulted early.")
    gate.get_by_label("Approve: move to the next phase").check()
    gate.get_by_label("Rationale").fill("Prerequisites are in place.")
    gate.get_by_role("button", name="Record decision").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Gate approved. The initiative is now in phase 3."
    )
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    expect(page.get_by_role("region", name="Decisions waiting for you")).not_to_contain_text(ASK)
    assert browser_problems == []


def portfolio_row(page: Page, title: str):
    page.get_by_role("banner").get_by_role("link", name="Portfolio").click()
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


def test_a_member_corrects_a_wrong_measurement_and_the_portfolio_follows(
    page: Page, login, browser_problems
):
    login(page, "member")
    status_before = portfolio_row(page, CORRECT).locator(".status").first.inner_text()
    assert status_before != "Off track"

    open_initiative(page, CORRECT)
    page.get_by_role("navigation", name="Phases").get_by_role(
        "link", name=re.compile("Goals")
    ).click()
    card = page.locator(".kpi-card").filter(has=page.get_by_role("heading", name=KPI))
    card.get_by_label("Value (days)").fill("930")
    card.get_by_role("button", name="Add").click()
    expect(card).to_contain_text("930 is far outside this KPI's usual range")
    card.get_by_label("The value is right: save it anyway").check()
    card.get_by_role("button", name="Add").click()
    expect(card).to_contain_text("Measurement added.")
    expect(portfolio_row(page, CORRECT).locator(".status").first).to_have_text("Off track")

    open_initiative(page, CORRECT)
    page.get_by_role("navigation", name="Phases").get_by_role(
        "link", name=re.compile("Goals")
    ).click()
    card = page.locator(".kpi-card").filter(has=page.get_by_role("heading", name=KPI))
    card.get_by_role("link", name=re.compile("Measurements and history")).click()
    expect(page.get_by_role("heading", level=1, name=KPI)).to_be_visible()
    page.get_by_role("region", name="All measurements").get_by_role(
        "link", name=re.compile("^Correct")
    ).first.click()
    page.get_by_label(re.compile(r"^Value")).fill("93")
    page.get_by_label("Why is it corrected?").fill("Typed 930 for 93.")
    page.get_by_role("button", name="Save the correction").click()

    expect(page.get_by_role("status").first).to_contain_text("Measurement corrected.")
    history = page.get_by_role("region", name="History of this KPI")
    expect(history).to_contain_text("Reason: Typed 930 for 93.")
    expect(portfolio_row(page, CORRECT).locator(".status").first).to_have_text(status_before)
    assert browser_problems == []
