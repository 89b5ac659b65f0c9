"""Focus follows the eye: an "add" that opens a form in the page puts the cursor in its first
field, a failed submit lands on an error summary whose links lead to the fields, and the charts'
toolbars add no Tab stops. None of it logs a console error (a CSP refusal of an inline style
among them)."""

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from initiatives.models import Initiative

IN_PHASE_3 = "Automated completeness check for permit applications"
WITH_KPIS = "Regulatory impact assessment templates"  # phase 1, KPIs with charts


def exactly(label: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(label)}( \*)?$")


def field_ids_linked_from(summary) -> list[str]:
    return summary.get_by_role("link").evaluate_all(
        "links => links.map((a) => decodeURIComponent(a.hash.slice(1)))"
    )


def assert_links_lead_to_fields(page: Page, ids: list[str]) -> None:
    assert ids, "the error summary links to no field"
    for field_id in ids:
        field = page.locator(f"[id='{field_id}']")
        expect(field).to_have_count(1)
        assert field.evaluate("(el) => el.matches('input, select, textarea')"), field_id


def test_add_step_focuses_the_form_and_a_failed_save_its_error_summary(
    page: Page, login, server_url, browser_problems
):
    login(page, "leader")
    initiative = Initiative.objects.get(title=IN_PHASE_3)
    page.goto(server_url + reverse("initiatives:phase", args=[initiative.pk, 3]))
    page.locator("#value-stream").get_by_role("link", name="Add step", exact=True).click()

    form = page.locator("#item-form")
    step = form.get_by_label(exactly("Step"))
    expect(step).to_be_focused()
    expect(form.get_by_role("button", name="Save", exact=True)).to_be_in_viewport()

    # Saved empty: focus on the summary at the top of the form, which names the step field.
    form.get_by_label("Processing time (hours per case)").fill("twelve")
    form.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator("#item-form .error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile(r"^Step"))).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile(r"^Processing time"))).to_be_visible()
    ids = field_ids_linked_from(summary)
    assert_links_lead_to_fields(page, ids)

    # Its link to the processing time moves focus into that field, with the typo kept.
    summary.get_by_role("link", name=re.compile(r"^Processing time")).click()
    processing = form.get_by_label("Processing time (hours per case)")
    expect(processing).to_be_focused()
    expect(processing).to_have_value("twelve")
    assert not browser_problems, "\n".join(browser_problems)


def test_a_page_form_sent_with_errors_opens_at_its_error_summary(
    page: Page, login, server_url, browser_problems
):
    login(page, "leader")
    page.goto(server_url + reverse("initiatives:create"))
    page.get_by_role("button", name=re.compile("^(Save|Create)")).first.click()

    summary = page.locator("main form .error-summary")
    expect(summary).to_be_focused()
    ids = field_ids_linked_from(summary)
    assert_links_lead_to_fields(page, ids)
    summary.get_by_role("link").first.click()
    expect(page.locator(f"[id='{ids[0]}']")).to_be_focused()
    assert not browser_problems, "\n".join(browser_problems)


def test_chart_toolbars_add_no_tab_stops(page: Page, login, server_url, browser_problems):
    login(page, "leader")
    initiative = Initiative.objects.get(title=WITH_KPIS)
    page.goto(server_url + reverse("initiatives:phase", args=[initiative.pk, 1]))
    charts = page.locator(".js-plotly-plot")
    expect(charts.first).to_have_attribute("data-points", re.compile(r"\d"))
    buttons = page.locator(".js-plotly-plot .modebar-btn")
    assert buttons.count() > 0, "the charts have no toolbar to check"
    in_tab_order = page.locator(".js-plotly-plot").evaluate_all(
        """charts => charts.flatMap((chart) => [...chart.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")])
             .filter((el) => el.tabIndex >= 0).length"""
    )
    assert in_tab_order == 0

    # From the link just before the first chart, Tab goes past the chart, not into its toolbar.
    card = page.locator(".kpi-card").first
    card.locator(".kpi-card__links a").last.focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.js-plotly-plot') === null")
    assert not browser_problems, "\n".join(browser_problems)
