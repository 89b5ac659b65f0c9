"""A team member imports measurements from a Finnish Excel CSV; API tokens; the API docs page.

axe-core checks the import pages and the tokens page; the docs page must load Swagger UI from our
own static files without a single CSP refusal.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from initiatives.models import Initiative
from tests.browser.test_accessibility import assert_accessible

INITIATIVE = "Digital environmental permit service"


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def test_member_imports_valid_rows_and_sees_them_on_the_kpi_card(
    page: Page,
    login,
    axe,
    browser_problems,
):
    kpi = Initiative.objects.get(title=INITIATIVE).kpis.order_by("id").first()
    yesterday = timezone.localdate() - timedelta(days=1)
    content = (
        "\ufeffkpi;date;value;note\r\n"
        f"{kpi.pk};{yesterday.day}.{yesterday.month}.{yesterday.year};77,7;From the case system\r\n"
        f"{kpi.pk};{(yesterday - timedelta(days=1)).isoformat()};about ten;\r\n"
    ).encode()

    login(page, "member")
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    page.get_by_role("link", name=INITIATIVE, exact=True).click()
    page.get_by_role("navigation", name="Phases").get_by_role(
        "link", name=re.compile("Goals and metrics")
    ).click()
    page.get_by_role("link", name="Import measurements from a file").click()
    expect(page.get_by_role("heading", level=1, name="Import measurements")).to_be_visible()
    assert_accessible(page, axe, "the import upload page")

    page.get_by_label("File to import").set_input_files(
        {"name": "mittaukset.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and check").click()

    preview = page.get_by_role("table", name=re.compile(r"^Rows 1–2 of 2"))
    expect(preview).to_be_visible()
    rejected = preview.locator("tr.row--rejected")
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text("“about ten” is not a number.")
    expect(preview.locator("tr.row--accepted")).to_contain_text("77,7")  # as typed in the file
    assert_accessible(page, axe, "the import preview with a rejected row")
    page.screenshot(path="/tmp/renewal-import-preview.png", full_page=True, caret="initial")

    page.get_by_role("button", name="Import only the 1 valid row").click()
    expect(page).to_have_url(re.compile(r"/initiatives/\d+/phase/1/$"))
    expect(page.locator("#messages")).to_contain_text("1 measurement imported.")
    card = page.locator(f"#kpi-{kpi.pk}")
    latest = card.get_by_role("table", name=re.compile(r"^Latest measurements"))
    first = latest.locator("tbody tr").first
    expect(first.locator("td.num")).to_have_text(re.compile(r"^77\.7\s"))
    expect(first).to_contain_text("From the case system")
    assert not browser_problems, "\n".join(browser_problems)


def test_member_creates_and_revokes_an_api_token(page: Page, login, axe, browser_problems):
    login(page, "member")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1, name="API tokens")).to_be_visible()
    assert_accessible(page, axe, "the API tokens page")

    page.get_by_label("Name").fill("Case system feed")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token", exact=True)
    expect(secret).to_have_value(re.compile(r"^rnw_"))
    assert_accessible(page, axe, "the API tokens page showing a new token")
    page.screenshot(path="/tmp/renewal-api-token.png", full_page=True, caret="initial")
    row = page.get_by_role("row", name=re.compile("Case system feed"))
    expect(row).to_contain_text("Read and write")

    page.reload()  # a reload neither shows the secret again nor creates a second token
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile("Case system feed"))).to_have_count(1)

    row.get_by_role("link", name=re.compile("^Revoke")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoke the token")
    assert_accessible(page, axe, "the revoke confirmation")
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator("#messages")).to_contain_text("revoked")
    expect(page.get_by_role("row", name=re.compile("Case system feed"))).to_contain_text("Revoked")
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)  # shown once only
    assert not browser_problems, "\n".join(browser_problems)


def test_the_api_docs_work_under_the_content_security_policy(
    page: Page, login, server_url, browser_problems
):
    login(page, "member")
    page.goto(f"{server_url}/api/v1/docs")
    expect(page.get_by_text("Renewal API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/measurements", exact=True).first).to_be_visible()
    assert not browser_problems, "\n".join(browser_problems)
