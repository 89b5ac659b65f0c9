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
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
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
    if connection.vendor == "postgresql":
        _restore_demo_postgresql()
    else:
        _seed_demo()


def _seed_demo() -> None:
    # seed_demo refuses to create users with a known password while DEBUG is off, as it is in tests.
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


# What seed_demo left in each table (PostgreSQL's binary COPY), made once per database and hour:
# the next test starts from the same rows in a fraction of a second instead of seeding again.
# Each test still gets the demo as seed_demo made it; an hour later (the reminders depend on the
# time of day) or on another day it is seeded afresh.
_demo_tables: dict[tuple, dict[str, bytes]] = {}


def _restore_demo_postgresql() -> None:
    now = timezone.localtime()
    key = (connection.settings_dict["NAME"], now.date(), now.hour)
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    quote = connection.ops.quote_name
    if key not in _demo_tables:
        _seed_demo()
        dumped = {}
        with connection.cursor() as cursor:
            for table in tables:
                with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as copy:
                    dumped[table] = b"".join(bytes(chunk) for chunk in copy)
        _demo_tables.clear()
        _demo_tables[key] = dumped
        return
    dumped = _demo_tables[key]
    # Every table emptied (a DELETE each: far quicker than a TRUNCATE of small tables) and
    # refilled; the sequences only move forward, so no id is handed out twice.
    sequences = [
        f"SELECT setval(pg_get_serial_sequence('{quote(seq['table'])}', '{seq['column']}'), "
        f"GREATEST((SELECT COALESCE(MAX({quote(seq['column'])}), 1) FROM {quote(seq['table'])}), "
        f"nextval(pg_get_serial_sequence('{quote(seq['table'])}', '{seq['column']}'))));"
        for seq in connection.introspection.sequence_list()
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")
        for table in tables:
            with cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT binary)") as copy:
                copy.write(dumped[table])
        cursor.execute("\n".join(sequences))
    # The content types are the seeded ones again: forget the ids cached since.
    ContentType.objects.clear_cache()


@pytest.fixture
def server_url(seeded, live_server) -> str:
    """The live server's address with the demo data in place, without a trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def login(server_url, settings):
    """`login(page, username)` signs a demo user in and lands on their work (My work)."""
    # No second factor is asked of the demo leader and officer here; test_sign_in.py enrols one.
    settings.MFA_REQUIRED_ROLES = []
    settings.MFA_REQUIRED_FOR_STAFF = False

    def _login(page: Page, username: str, password: str = PASSWORD) -> None:
        # The demo users prefer Finnish or Swedish; the tests read the English interface.
        page.context.add_cookies(
            [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server_url}]
        )
        page.goto(f"{server_url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        # Everyone lands on their own work; a funding officer on the funding workspace.
        expect(page).to_have_url(re.compile(r"/(initiatives/my-work|funding/workspace)/$"))
        expect(page.get_by_role("heading", level=1)).to_be_visible()

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
