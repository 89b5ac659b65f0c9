"""A team member records a KPI measurement in the Phase 1 workspace without leaving the page."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

INITIATIVE = "Digital environmental permit service"
SCREENSHOT = "/tmp/renewal-phase1-after-measurement.png"


def _points(chart) -> int:
    return int(chart.get_attribute("data-points"))


def test_member_adds_a_measurement_inline_and_sees_errors_in_place(
    page: Page, login, browser_problems
):
    login(page, "member")
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()

    page.get_by_role("link", name=INITIATIVE, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=INITIATIVE)).to_be_visible()

    phases = page.get_by_role("navigation", name="Phases")
    phases.get_by_role("link", name=re.compile("Goals and metrics")).click()
    expect(page).to_have_url(re.compile(r"/initiatives/\d+/phase/1/$"))
    expect(phases.get_by_role("link", name=re.compile("Goals and metrics"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="Phase 1: Goals and metrics")).to_be_visible()

    # The first KPI card; htmx swaps the whole card, so it is found again by its id afterwards.
    card_id = page.locator("article.kpi-card").first.get_attribute("id")
    card = page.locator(f"#{card_id}")
    chart = card.locator(".chart")
    expect(chart).to_have_attribute("data-points", re.compile(r"^\d+$"))
    expect(chart.locator(".main-svg").first).to_be_visible()  # plotly.js drew it
    points_before = _points(chart)

    # A marker on the window: a full page load would wipe it.
    page.evaluate("window.__renewalNoReload = true")

    value = card.get_by_label(re.compile(r"^Value"))
    date = card.get_by_label("Date")
    expect(date).to_have_value(timezone.localdate().isoformat())  # today, the default
    value.fill("73,5")
    card.get_by_role("button", name="Add", exact=True).click()

    expect(card.get_by_role("status")).to_have_text("Measurement added.")
    latest = card.get_by_role("table", name=re.compile(r"^Latest measurements"))
    expect(latest.locator("tbody tr").first.locator("td.num")).to_have_text(re.compile(r"^73\.5\s"))
    expect(chart).to_have_attribute("data-points", str(points_before + 1))
    assert page.evaluate("window.__renewalNoReload") is True, "the page reloaded"
    expect(card.get_by_label(re.compile(r"^Value"))).to_have_value("")

    # caret="initial": hiding the caret would leave style="" on the inputs, which htmx then copies.
    page.screenshot(path=SCREENSHOT, full_page=True, caret="initial")

    # A value that is not a number: the error stands next to the field and the text is kept.
    # (Today has a measurement now, so the next one is for yesterday.)
    today = timezone.localdate()
    yesterday = (today - timedelta(days=1)).isoformat()
    card.get_by_label("Date").fill(yesterday)
    value = card.get_by_label(re.compile(r"^Value"))
    value.fill("abc")
    card.get_by_role("button", name="Add", exact=True).click()
    value_field = card.locator(".field", has=page.get_by_label(re.compile(r"^Value")))
    expect(value_field.locator(".field__error")).to_have_text(re.compile("is not a number"))
    expect(value).to_have_value("abc")
    expect(value).to_have_attribute("aria-invalid", "true")
    expect(value).to_be_focused()  # static/js/renewal.js moves focus to the first error
    expect(card.get_by_label("Date")).to_have_value(yesterday)
    expect(card.get_by_label("Date")).not_to_have_attribute("aria-invalid", "true")
    expect(card.get_by_role("alert")).to_contain_text("The measurement was not saved")
    expect(chart).to_have_attribute("data-points", str(points_before + 1))

    # A date in the future is refused the same way.
    tomorrow = (today + timedelta(days=1)).isoformat()
    card.get_by_label("Date").fill(tomorrow)
    value.fill("70")
    card.get_by_role("button", name="Add", exact=True).click()
    date_field = card.locator(".field", has=page.get_by_label("Date"))
    expect(date_field.locator(".field__error")).to_have_text(
        re.compile("The date cannot be in the future")
    )
    expect(card.get_by_label("Date")).to_have_value(tomorrow)
    expect(value).to_have_value("70")
    expect(value_field.locator(".field__error")).to_have_count(0)
    expect(chart).to_have_attribute("data-points", str(points_before + 1))

    assert page.evaluate("window.__renewalNoReload") is True, "the page reloaded"
    assert not browser_problems, "\n".join(browser_problems)
