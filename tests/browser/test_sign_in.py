"""Signing in as a person would: the pages axe-clean, TOTP enrolment and sign-in with codes
computed here, WebAuthn with Chromium's virtual authenticator, and the idle warning."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings as django_settings
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import Axe, assert_accessible

pytestmark = pytest.mark.browser
LANDED = re.compile(r"/(initiatives/(my-work/)?|funding/workspace/)$")


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Failed sign-ins count in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def open_sign_in(page: Page, server_url: str) -> None:
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server_url}]
    )
    page.goto(f"{server_url}/accounts/login/")


def sign_in(page: Page, server_url: str, username: str, password: str = "demo") -> None:
    open_sign_in(page, server_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_the_lock_after_failures_and_the_reset_page(page: Page, axe, server_url, browser_problems):
    for _ in range(5):
        sign_in(page, server_url, "member", "wrong")
        expect(page.get_by_role("alert")).to_be_visible()
    sign_in(page, server_url, "member", "demo")
    expect(page.get_by_role("alert")).to_contain_text("Too many failed login attempts")
    assert_accessible(page, axe, "the sign-in page after the lock")

    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, axe, "the password reset page")
    problems = [p for p in browser_problems if "HTTP 4" not in p]  # refused sign-ins are 200s
    assert not problems, "\n".join(problems)


def test_a_leader_enrols_an_authenticator_app_then_signs_in_with_a_code(
    page: Page, axe, server_url, browser_problems
):
    sign_in(page, server_url, "leader")
    expect(
        page.get_by_role("heading", level=1, name="Protect your account with a second factor")
    ).to_be_visible()
    assert_accessible(page, axe, "the second-factor notice")

    page.get_by_role("link", name="Use an authenticator app").click()
    assert_accessible(page, axe, "the authenticator app page")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(code_for(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.locator("#messages")).to_contain_text("activated")
    assert_accessible(page, axe, "the second factors page")

    page.goto(f"{server_url}/initiatives/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    sign_out(page)

    sign_in(page, server_url, "leader")
    page.get_by_label("Code").fill(code_for(secret))
    assert_accessible(page, axe, "the code page")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(LANDED)
    assert not browser_problems, "\n".join(browser_problems)


def test_a_security_key_is_added_and_used_to_sign_in(
    page: Page, axe, server_url, browser_problems, settings
):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server is plain http://localhost
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    sign_in(page, server_url, "member")
    expect(page).to_have_url(LANDED)
    page.goto(f"{server_url}/accounts/2fa/webauthn/add/")
    assert_accessible(page, axe, "the add security key page")
    page.get_by_label("Name").fill("Virtual key")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#messages")).to_contain_text("added")
    page.goto(f"{server_url}/initiatives/")
    sign_out(page)

    sign_in(page, server_url, "member")
    page.get_by_role("button", name=re.compile("security key", re.I)).click()
    expect(page).to_have_url(LANDED)
    assert not browser_problems, "\n".join(browser_problems)


def test_the_idle_warning_offers_to_stay_signed_in(
    page: Page, axe, server_url, login, browser_problems, settings
):
    settings.SESSION_IDLE_TIMEOUT = 12
    settings.SESSION_WARNING_SECONDS = 10
    login(page, "member")

    warning = page.get_by_role("dialog", name="Your session is about to end")
    expect(warning).to_be_visible(timeout=8000)
    assert_accessible(page, axe, "the idle warning")
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    assert not browser_problems, "\n".join(browser_problems)
