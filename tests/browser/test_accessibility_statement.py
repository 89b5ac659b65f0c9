"""Anyone reaches the accessibility statement from the footer, sends feedback and is thanked;
both pages are axe clean (WCAG 2.1 A/AA)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from renewal.models import AccessibilityFeedback
from tests.browser.test_accessibility import assert_accessible


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def test_feedback_from_the_footer_link(page: Page, axe, server_url, browser_problems):
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server_url}]
    )
    page.goto(f"{server_url}/accounts/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()

    expect(page.get_by_role("heading", level=1, name="Accessibility statement")).to_be_visible()
    expect(page.get_by_text("partially conforms", exact=False)).to_be_visible()
    expect(page.get_by_label("Address of the page it concerns")).to_have_value("/accounts/login/")
    assert_accessible(page, axe, "the accessibility statement")

    page.get_by_label("Your e-mail address (optional)").fill("aino@example.fi")
    page.get_by_label("Your feedback").fill("The sign-in page loses focus after an error.")
    page.get_by_role("button", name="Send feedback").click()

    expect(page.get_by_role("heading", level=1, name="Thank you for your feedback")).to_be_visible()
    expect(page.get_by_text("within 14 days", exact=False)).to_be_visible()
    assert_accessible(page, axe, "the feedback thank-you page")
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.page_url == "/accounts/login/"
    assert feedback.email == "aino@example.fi"
    assert not browser_problems, "\n".join(browser_problems)
