"""A leader takes the portfolio to the meeting-room screen (issue 13, item 6): the presentation
view keeps the filters, draws the four charts with labelled points in large type, shows no
filters panel, passes axe and logs no console error under the strict CSP."""

import re

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible, axe, wait_for_charts

__all__ = ["axe"]


def test_the_presentation_view_keeps_the_filters_and_labels_the_initiatives(
    page: Page, login, server_url, browser_problems, axe
):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "leader")
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.wait_for_load_state("load")
    page.get_by_label("State").select_option("active")
    expect(page).to_have_url(re.compile(r"state=active"))

    page.get_by_role("link", name="Presentation view").click()

    expect(page).to_have_url(re.compile(r"/initiatives/portfolio/present/\?state=active$"))
    expect(page.get_by_role("heading", level=1, name="Portfolio")).to_be_visible()
    expect(page.get_by_text("Showing: State: Active")).to_be_visible()
    expect(page.get_by_role("search")).to_have_count(0)
    expect(page.get_by_role("heading", name="Stop, fix or scale")).to_be_visible()
    wait_for_charts(page)
    expect(page.locator(".chart[data-figure]")).to_have_count(4)
    # Each point of the spent-and-realised chart carries its initiative's name.
    labels = page.locator("[data-figure='figure-investment'] .textpoint text").all_text_contents()
    assert any(label.strip() for label in labels), labels
    # Large type: the chart text is bigger than the portfolio page's 13 px.
    size = page.locator("[data-figure='figure-funnel'] .ytick text").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert size >= 18
    page.screenshot(path="/tmp/h7/presentation.png", full_page=True)
    assert_accessible(page, axe, "the portfolio presentation")

    page.get_by_role("link", name="Back to the portfolio").click()
    expect(page).to_have_url(re.compile(r"/initiatives/portfolio/\?state=active$"))
    assert browser_problems == []


def test_a_presentation_that_matches_nothing_says_so(page: Page, login, server_url, axe):
    login(page, "leader")
    page.goto(f"{server_url}/initiatives/portfolio/present/?q=nothing-like-this")

    expect(page.get_by_role("heading", name="No initiatives match")).to_be_visible()
    expect(page.locator(".chart[data-figure]")).to_have_count(0)
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/initiatives/portfolio/present/$"))
    wait_for_charts(page)
    assert_accessible(page, axe, "the portfolio presentation with no match")
