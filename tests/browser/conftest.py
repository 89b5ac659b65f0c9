"""Headless-browser tests: Debian's Chromium drives the app on pytest-django's live server.

Every test here is marked `browser`. The live server shares the transactional test database, which
is seeded with the demo data (`seed_demo`) for each test. Chromium must be installed: without it
the tests fail with a message saying what to install, they are never skipped.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "demo"
HERE = Path(__file__).resolve().parent
IGNORED = ("/favicon.ico",)

# Playwright waits this long (ms) for a page element before an expectation fails.
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}, so the browser tests cannot run. "
            "Install it with `apt-get install chromium` (`make test` does this when run as root). "
            "`playwright install` is not used: these tests drive the system Chromium.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A desktop-sized window, so the phase workspace shows its sidebar beside the content.
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session")
def base_url():
    # The address is the live server's (see `server_url`); no --base-url is used. This replaces
    # pytest-playwright's own fixture, which pytest warns about.
    return None


@pytest.fixture
def seeded(transactional_db, live_server):
    """The demo organisations, users (password "demo") and initiatives, seen by the live server."""
    # seed_demo refuses to create users with a known password while DEBUG is off, as it is in tests.
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def server_url(seeded, live_server) -> str:
    """The live server's address with the demo data in place, without a trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def login(server_url):
    """`login(page, username)` signs a demo user in and lands on the initiative list."""

    def _login(page: Page, username: str, password: str = PASSWORD) -> None:
        # The demo users prefer Finnish or Swedish; the tests read the English interface.
        page.context.add_cookies(
            [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server_url}]
        )
        page.goto(f"{server_url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).to_have_url(re.compile(r"/initiatives/$"))
        expect(page.get_by_role("heading", level=1, name="Initiatives")).to_be_visible()

    return _login


@pytest.fixture
def browser_problems(page: Page) -> list[str]:
    """JavaScript errors, console errors (CSP refusals among them) and failed or 4xx/5xx loads
    while the test runs. Tests assert the list stays empty."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

    def console(message):
        # Chromium asks for /favicon.ico on its own; the app has no favicon, which is harmless.
        if message.type == "error" and not message.location.get("url", "").endswith(IGNORED):
            problems.append(f"console error at {message.location.get('url')}: {message.text}")

    def response(response):
        if response.status >= 400 and not response.url.endswith(IGNORED):
            problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def request_failed(request):
        # ERR_ABORTED: the test moved on to another page before this one finished loading.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("console", console)
    page.on("response", response)
    page.on("requestfailed", request_failed)
    return problems
