"""A team member re-measures the real process of an initiative in execution and sees the change
against the as-is baseline in the comparison."""

import re

from playwright.sync_api import Page, expect

from initiatives.models import Initiative, ValueStreamVersion

TITLE = "Digital environmental permit service"  # phase 4, re-measured 40 days ago in the demo


def test_a_member_re_measures_the_process_and_sees_the_lead_time_change(
    page: Page, login, server_url, browser_problems
):
    initiative = Initiative.objects.get(title=TITLE)
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative.pk}/phase/4/")
    stream = page.locator("#value-stream")
    comparison = stream.locator("#value-stream-comparison-table")
    expect(comparison.locator("tbody tr")).to_have_count(3)  # baseline, design, re-measurement

    # The date defaults to today; the steps of the latest re-measurement are copied.
    stream.get_by_role("button", name="Re-measure the process").click()
    expect(page).to_have_url(re.compile(r"/phase/4/#value-stream-\d+$"))
    version = ValueStreamVersion.objects.filter(initiative=initiative).latest("id")
    section = page.locator(f"#value-stream-{version.pk}")
    expect(section.get_by_role("cell", name="Substantive review", exact=True)).to_be_visible()
    expect(comparison.locator("tbody tr")).to_have_count(4)
    expect(comparison.locator("tbody tr").last).to_contain_text("319.8")  # as copied

    # The wait before the substantive review halves; the lead time follows without a reload.
    page.evaluate("window.__renewalNoReload = true")
    section.get_by_role("link", name=re.compile(r"^Edit\s*:\s*Substantive review$")).click()
    form = page.locator("#item-form")
    form.get_by_label("Waiting time (hours per case)").fill("100")
    form.get_by_role("button", name="Save", exact=True).click()
    last = page.locator("#value-stream-comparison-table tbody tr").last
    expect(last).to_contain_text("219.8")  # 319.8 h less 100 h of waiting
    expect(last).to_contain_text("\u221271\u00a0%")  # against the baseline's 756.95 h
    assert page.evaluate("window.__renewalNoReload") is True
    expect(page.locator(".chart[data-figure='figure-value-stream']")).to_have_attribute(
        "data-points", "8"
    )
    assert version.steps.get(name="Substantive review").waiting_hours == 100
    assert not browser_problems, "\n".join(browser_problems)
