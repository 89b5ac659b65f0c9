"""Leadership approves a phase gate and stops an initiative, and the page shows both at once."""

import re

from playwright.sync_api import Page, expect

GATE_READY = "Regulatory impact assessment templates"  # phase 1, every gate criterion met
TO_STOP = "Ministry-wide benefits tracking"


def open_initiative(page: Page, title: str) -> None:
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def phase_step(page: Page, number: int):
    return page.get_by_role("navigation", name="Phases").get_by_role("listitem").nth(number - 1)


def test_leader_approves_gate_then_stops_another_initiative(page: Page, login, browser_problems):
    login(page, "leader")

    open_initiative(page, GATE_READY)
    expect(phase_step(page, 1)).to_contain_text("current phase")
    gate = page.get_by_role("region", name="Gate to phase 2")
    expect(gate).to_contain_text("Every criterion is met")
    gate.get_by_label("Approve: move to the next phase").check()
    gate.get_by_label("Rationale").fill("Targets agreed with the permanent secretary.")
    gate.get_by_role("button", name="Record decision").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Gate approved. The initiative is now in phase 2."
    )
    expect(phase_step(page, 2)).to_have_class(re.compile(r"\bphase--current\b"))
    expect(phase_step(page, 2)).to_contain_text("current phase")
    expect(phase_step(page, 2).get_by_role("link")).to_have_attribute("aria-current", "page")
    expect(phase_step(page, 1)).to_have_class(re.compile(r"\bphase--done\b"))
    expect(phase_step(page, 1)).to_contain_text("done")
    decisions = page.get_by_role("region", name="Decisions")
    expect(decisions.get_by_role("listitem").first).to_contain_text("Gate approved (1 → 2)")
    expect(decisions.get_by_role("listitem").first).to_contain_text(
        "Targets agreed with the permanent secretary."
    )

    # Stopping a failing initiative is a success of the model: it is a recorded decision.
    open_initiative(page, TO_STOP)
    expect(page.locator(".banner--stopped")).to_have_count(0)
    page.get_by_role("link", name="Stop initiative").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Stop “{TO_STOP}”")
    rationale = "Realised benefits are tracked in the budget system; the money moves to permits."
    page.get_by_label("Why is the initiative stopped?").fill(rationale)
    page.get_by_role("button", name="Stop the initiative").click()

    expect(page.get_by_role("heading", level=1, name=TO_STOP)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The initiative is stopped.")
    banner = page.locator(".banner--stopped")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("This initiative is stopped.")
    expect(banner).to_contain_text(rationale)
    expect(banner).to_contain_text("Liisa Laaksonen")
    expect(page.locator(".page-head .state")).to_have_text("Stopped")
    expect(page.get_by_role("link", name="Stop initiative")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)

    assert not browser_problems, "\n".join(browser_problems)
