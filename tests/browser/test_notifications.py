"""Notifications in the browser: the header count arrives with htmx, marking one read updates it
in place, and the list and the e-mail choices pass axe-core's WCAG 2.1 AA checks."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.models import Notification
from notifications.services import sweep
from organisations.models import User
from tests.browser.test_accessibility import assert_accessible


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def reminded(server_url):
    """The demo's reminders as a sweep at 10:00 today (Helsinki) records them."""
    sweep(timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0))
    leader = User.objects.get(username="leader")
    unread = leader.notifications.unread().count()
    assert unread >= 1, "the demo leader should have at least the monthly digest"
    return unread


def count_link(page: Page):
    return page.locator("#notification-count")


def test_marking_a_notification_read_updates_the_header_count(
    page: Page, axe, login, server_url, reminded, browser_problems
):
    login(page, "leader")
    expect(count_link(page)).to_contain_text(f"{reminded} unread")

    count_link(page).click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    assert_accessible(page, axe, "the notification list")

    first = page.locator(".notification--unread").first
    item_id = first.get_attribute("id")
    first.get_by_role("button", name=re.compile("^Mark read")).click()
    item = page.locator(f"#{item_id}")
    expect(item).not_to_have_class(re.compile("notification--unread"))
    expect(item.get_by_role("button", name=re.compile("^Mark read"))).to_have_count(0)
    if reminded > 1:
        expect(count_link(page)).to_contain_text(f"{reminded - 1} unread")
    else:
        expect(count_link(page).locator(".count-badge")).to_have_count(0)
    pk = int(item_id.removeprefix("notification-"))
    assert Notification.objects.get(pk=pk).read_at is not None
    assert_accessible(page, axe, "the notification list after marking one read")
    assert not browser_problems, "\n".join(browser_problems)


def test_opening_a_notification_goes_to_its_page_and_marks_it_read(
    page: Page, login, server_url, reminded, browser_problems
):
    login(page, "leader")
    page.goto(f"{server_url}/notifications/")
    first = page.locator(".notification--unread").first
    pk = int(first.get_attribute("id").removeprefix("notification-"))
    notification = Notification.objects.get(pk=pk)

    title = first.locator(".notification__title").get_by_role("button")
    expect(title).to_have_accessible_name(re.compile(r"\S"))
    title.click()

    expect(page).to_have_url(re.compile(re.escape(notification.url) + "$"))
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert not browser_problems, "\n".join(browser_problems)


def test_email_choices_page(page: Page, axe, login, server_url, browser_problems):
    login(page, "member")
    page.goto(f"{server_url}/notifications/preferences/")
    expect(page.get_by_role("heading", level=1, name="E-mail choices")).to_be_visible()
    assert_accessible(page, axe, "the e-mail choices page")

    page.get_by_label("Monthly portfolio digest").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your e-mail choices are saved.")).to_be_visible()
    expect(page.get_by_label("Monthly portfolio digest")).not_to_be_checked()
    expect(page.get_by_label("KPI measurement overdue")).to_be_checked()
    assert not browser_problems, "\n".join(browser_problems)


def test_empty_notification_list(page: Page, axe, login, server_url, browser_problems):
    login(page, "viewer")
    page.goto(f"{server_url}/notifications/")
    expect(page.get_by_text("No notifications yet.")).to_be_visible()
    assert_accessible(page, axe, "an empty notification list")
    assert not browser_problems, "\n".join(browser_problems)
