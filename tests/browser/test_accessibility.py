"""axe-core finds no WCAG 2.1 A/AA violations on the main pages, charts and error states included."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from initiatives.models import Initiative

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
WITH_KPIS = "Digital environmental permit service"


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def describe(violations: list[dict]) -> str:
    """Each violation with its rule, what to do and where, so it can be fixed from the output."""
    lines = []
    for violation in violations:
        lines.append(
            f"\n[{violation['impact']}] {violation['id']}: {violation['help']}\n"
            f"    {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"  - at {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html'][:200]}")
            for summary_line in node.get("failureSummary", "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)


def assert_accessible(page: Page, axe: Axe, what: str) -> None:
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, (
        f"{len(violations)} accessibility violation(s) on {what} ({page.url}):"
        + describe(violations)
    )


def initiative_pk(title: str) -> int:
    return Initiative.objects.get(title=title).pk


def wait_for_charts(page: Page) -> None:
    charts = page.locator(".chart[data-figure]")
    expect(charts.first).to_be_visible()
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-points", re.compile(r"^\d+$"))


def test_login_page(page: Page, axe, server_url, browser_problems):
    page.goto(f"{server_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert_accessible(page, axe, "the login page")
    assert not browser_problems, "\n".join(browser_problems)


def test_login_page_with_error(page: Page, axe, server_url):
    page.goto(f"{server_url}/accounts/login/")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, axe, "the login page with an error")


def test_initiative_list(page: Page, axe, login, browser_problems):
    login(page, "leader")
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    expect(page.get_by_role("link", name=WITH_KPIS)).to_be_visible()
    assert_accessible(page, axe, "the initiative list")
    assert not browser_problems, "\n".join(browser_problems)


@pytest.mark.parametrize(
    ("username", "title"),
    [
        ("leader", "Regulatory impact assessment templates"),  # phase 1, gate can be approved
        ("leader", "Self-service for company changes"),  # phase 1, gate criteria missing
        ("leader", "Shared case-management platform for supervision"),  # phase 2
        ("leader", "Ministry-wide benefits tracking"),  # a stop candidate: its paradox check
        ("cityleader", "Purchase invoice automation"),  # phase 5, ready to scale
        ("leader", "Automated completeness check for permit applications"),  # phase 3
        ("leader", WITH_KPIS),  # phase 4
        ("leader", "Online trade register notifications"),  # phase 5
        ("leader", "Permit guidance chatbot"),  # stopped
        ("cityleader", "Building permit e-service"),  # completed
        ("member", WITH_KPIS),  # a team member: edit links, no gate decision
    ],
)
def test_initiative_page(page: Page, axe, login, server_url, browser_problems, username, title):
    login(page, username)
    page.goto(f"{server_url}/initiatives/{initiative_pk(title)}/")
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_role("navigation", name="Phases").get_by_role("link").first).to_be_visible()
    if page.locator(".chart[data-figure]").count():
        wait_for_charts(page)
    assert_accessible(page, axe, f"the initiative page of {title!r} as {username}")
    assert not browser_problems, "\n".join(browser_problems)


def test_phase_1_with_kpis_and_charts(page: Page, axe, login, server_url, browser_problems):
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/phase/1/")
    expect(page.get_by_role("heading", name="Phase 1: Goals and metrics")).to_be_visible()
    expect(page.locator("article.kpi-card")).to_have_count(3)
    wait_for_charts(page)
    assert_accessible(page, axe, "the Phase 1 workspace")
    assert not browser_problems, "\n".join(browser_problems)


def test_phase_1_measurement_error(page: Page, axe, login, server_url):
    """The KPI card as htmx returns it with errors in the inline measurement form."""
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/phase/1/")
    card_id = page.locator("article.kpi-card").first.get_attribute("id")
    card = page.locator(f"#{card_id}")
    card.get_by_label(re.compile(r"^Value")).fill("abc")
    card.get_by_role("button", name="Add", exact=True).click()
    expect(card.get_by_role("alert")).to_be_visible()
    wait_for_charts(page)
    assert_accessible(page, axe, "the Phase 1 workspace with a measurement error")


def test_budget_and_spend_page_with_chart_and_an_error(
    page: Page, axe, login, server_url, browser_problems
):
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/spend/")
    expect(page.get_by_role("heading", level=1, name="Budget and spend")).to_be_visible()
    wait_for_charts(page)
    assert_accessible(page, axe, "the budget and spend page")
    form = page.locator("#month-form")
    form.locator("#id_month").fill("2999-01")
    form.locator("#id_amount_eur").fill("-1")
    form.get_by_role("button", name="Save spend").click()
    expect(
        page.get_by_text("Spend cannot be recorded for a future month.", exact=True)
    ).to_be_visible()
    assert_accessible(page, axe, "the budget and spend page with errors")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/spend/import/")
    assert_accessible(page, axe, "the spend import page")
    assert not [p for p in browser_problems if "400" not in p], "\n".join(browser_problems)


def test_history_page(page: Page, axe, login, server_url, browser_problems):
    login(page, "leader")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/history/")
    expect(page.get_by_role("heading", level=1, name="History")).to_be_visible()
    assert_accessible(page, axe, "the history page")
    assert not browser_problems, "\n".join(browser_problems)


def test_new_initiative_form_with_errors(page: Page, axe, login, server_url, browser_problems):
    login(page, "leader")
    page.get_by_role("banner").get_by_role("link", name="Initiatives").click()
    page.get_by_role("link", name="New initiative").click()
    expect(page.get_by_role("heading", level=1, name="New initiative")).to_be_visible()
    assert_accessible(page, axe, "the new-initiative form")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(page.locator(".field--error").first).to_be_visible()
    assert_accessible(page, axe, "the new-initiative form with validation errors")
    assert not browser_problems, "\n".join(browser_problems)


ASKED = "Automated completeness check for permit applications"  # the demo's open gate request


@pytest.mark.parametrize("username", ["member", "leader"])
def test_initiative_page_with_an_open_gate_request(
    page: Page, axe, login, server_url, browser_problems, username
):
    login(page, username)
    page.goto(f"{server_url}/initiatives/{initiative_pk(ASKED)}/")
    expect(page.get_by_role("region", name="Gate to phase 4")).to_contain_text(
        "asked for a decision"
    )
    assert_accessible(page, axe, f"an initiative with an open gate request as {username}")
    assert not browser_problems, "\n".join(browser_problems)


def test_gate_request_form_with_an_error(page: Page, axe, login, server_url):
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/gate/request/")
    page.get_by_role("button", name="Ask for a decision").click()
    expect(page.get_by_text("Write a short note").first).to_be_visible()
    assert_accessible(page, axe, "the gate request form with an error")


def test_kpi_page_and_its_correction_forms(page: Page, axe, login, server_url, browser_problems):
    login(page, "member")
    kpi = Initiative.objects.get(title=WITH_KPIS).kpis.order_by("pk").first()
    page.goto(f"{server_url}/kpis/{kpi.pk}/")
    expect(page.get_by_role("heading", level=1, name=kpi.name)).to_be_visible()
    wait_for_charts(page)
    assert_accessible(page, axe, "the KPI page")

    page.get_by_role("region", name="All measurements").get_by_role(
        "link", name=re.compile("^Correct")
    ).first.click()
    page.get_by_label(re.compile(r"^Value")).fill("1e6")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("exponent notation").first).to_be_visible()
    assert_accessible(page, axe, "the measurement correction form with errors")

    page.goto(f"{server_url}/kpis/{kpi.pk}/")
    page.get_by_role("region", name="All measurements").get_by_role(
        "link", name=re.compile("^Withdraw")
    ).first.click()
    page.get_by_role("button", name="Withdraw the measurement").click()
    expect(page.get_by_text("Say why the measurement").first).to_be_visible()
    assert_accessible(page, axe, "the measurement withdrawal form with an error")
    assert not [p for p in browser_problems if "HTTP 4" not in p], "\n".join(browser_problems)


def test_an_implausible_value_asks_for_confirmation_accessibly(page: Page, axe, login, server_url):
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/phase/1/")
    card = page.locator("article.kpi-card").first
    card.get_by_label(re.compile(r"^Value")).fill("999999")
    card.get_by_role("button", name="Add", exact=True).click()
    expect(card.get_by_label("The value is right: save it anyway")).to_be_visible()
    wait_for_charts(page)
    assert_accessible(page, axe, "a KPI card asking to confirm a surprising value")


@pytest.mark.parametrize("phase", [3, 4])
def test_the_value_stream_measured_again(
    page: Page, axe, login, server_url, browser_problems, phase
):
    """Baseline, to-be design and re-measurement with the comparison chart and table, and the
    re-measure form, as a team member edits them."""
    login(page, "member")
    page.goto(f"{server_url}/initiatives/{initiative_pk(WITH_KPIS)}/phase/{phase}/")
    expect(page.locator("#value-stream-comparison-table tbody tr")).to_have_count(3)
    wait_for_charts(page)
    assert_accessible(page, axe, f"the value stream versions in phase {phase}")
    assert not browser_problems, "\n".join(browser_problems)
