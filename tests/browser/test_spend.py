"""A team member records this month's spend and sees the total change."""

from decimal import Decimal

from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from initiatives.models import Initiative
from initiatives.spend import spend_summary
from renewal.formatting import eur, month_year

TITLE = "Digital environmental permit service"


def test_member_records_a_months_spend_and_sees_the_total(
    page: Page, login, server_url, browser_problems
):
    initiative = Initiative.objects.get(title=TITLE)
    today = timezone.localdate()
    before = spend_summary(initiative, today).spent
    with translation.override("en"):
        expected = eur(before + Decimal("4321.50"))
        month = month_year(today)
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative.pk}/")
    page.get_by_role("link", name="Budget and spend").click()
    expect(page.get_by_role("heading", level=1, name="Budget and spend")).to_be_visible()
    form = page.locator("#month-form")
    form.locator("#id_month").fill(today.strftime("%Y-%m"))
    form.locator("#id_amount_eur").fill("4321,50")
    form.locator("#id_person_months").fill("0.5")
    form.get_by_role("button", name="Save spend").click()
    expect(page.get_by_role("status").or_(page.locator(".message--success")).first).to_be_visible()
    expect(page.get_by_test_id("spent-total")).to_contain_text(expected)
    expect(page.locator("#spend-months")).to_contain_text(month)
    assert not browser_problems, "\n".join(browser_problems)
