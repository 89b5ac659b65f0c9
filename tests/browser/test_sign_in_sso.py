"""Single sign-on through a real OpenID Connect provider started here: oidc-provider on Node
(tests/oidc/), the authorisation-code flow with PKCE in Chromium, linking to the existing user by
verified e-mail, a provider-asserted second factor, and a newcomer's access request."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.core.cache import cache
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "renewal-test", "renewal-test-secret"
ACCOUNTS = {
    # The demo member's organisation account: the same, verified e-mail address.
    "mikko": {"email": "member@example.org", "email_verified": True, "name": "Mikko Mäkinen"},
    # The demo leader signs in with a second factor at the provider.
    "liisa": {"email": "leader@example.org", "email_verified": True, "amr": ["pwd", "mfa"]},
    # Someone Renewal has never seen.
    "newcomer": {"email": "newcomer@example.org", "email_verified": True, "name": "Uusi Tulija"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _install_provider() -> None:
    """npm installs oidc-provider into tests/oidc/node_modules (not committed) on first use."""
    if (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("Single sign-on tests need Node.js and npm (apt-get install nodejs npm).")
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund"], cwd=OIDC_DIR, capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(f"npm could not install the test OpenID provider:\n{done.stderr[-2000:]}")


@pytest.fixture
def oidc_provider(live_server, settings):
    """A running oidc-provider whose one client is this live server; the installation's
    OIDC settings point at it."""
    _install_provider()
    node = shutil.which("node")
    if node is None:
        pytest.fail("Single sign-on tests need Node.js (apt-get install nodejs).")
    port = _free_port()
    issuer = f"http://localhost:{port}"
    server = live_server.url.replace("127.0.0.1", "localhost").rstrip("/")
    env = {
        **os.environ,
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_TEST_REDIRECT_URI": f"{server}/accounts/oidc/renewal/login/callback/",
        "OIDC_TEST_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        [node, "provider.mjs"],
        cwd=OIDC_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"The test OpenID provider did not start:\n{output[-2000:]}")
            time.sleep(0.2)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "renewal",
                    "name": "Test ministry ID",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": issuer, "oauth_pkce_enabled": True},
                }
            ],
        }
    }
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # the live server has no TLS
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], issuer],
    }
    cache.clear()  # allauth caches the provider's discovery document
    yield {"issuer": issuer, "server": server}
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


def sign_in_at_provider(page: Page, provider: dict, login: str) -> None:
    server = provider["server"]
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server}]
    )
    page.goto(f"{server}/accounts/login/")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/auth?" in r.url else None)
    page.get_by_role("button", name="Sign in with Test ministry ID").click()
    page.wait_for_url(f"{provider['issuer']}/**")
    assert asked and "code_challenge_method=S256" in asked[0]  # PKCE
    # oidc-provider's own sign-in page (any password in its development mode).
    if not page.locator("input[name=login]").count():
        pytest.fail(f"The provider did not ask to sign in: {page.url}\n{page.content()[:1500]}")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    consent = page.get_by_role("button", name="Continue")
    if consent.count():
        consent.click()


def test_the_member_signs_in_with_the_organisation_account_and_is_linked_by_email(
    page: Page, seeded, oidc_provider, browser_problems
):
    sign_in_at_provider(page, oidc_provider, "mikko")

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(f"{oidc_provider['server']}/initiatives/my-work/")
    account = SocialAccount.objects.get(uid="mikko")
    assert account.user.username == "member"
    # PKCE: the provider refused any authorisation request without a code challenge, so getting
    # here means Renewal sent one; the ID token's claims were kept.
    assert account.extra_data["id_token"]["iss"] == oidc_provider["issuer"]
    assert not [p for p in browser_problems if oidc_provider["server"] in p]


def test_a_leader_whose_provider_asserted_mfa_is_not_asked_again(page: Page, seeded, oidc_provider):
    sign_in_at_provider(page, oidc_provider, "liisa")

    expect(page).to_have_url(f"{oidc_provider['server']}/initiatives/my-work/")
    assert SocialAccount.objects.get(uid="liisa").user.username == "leader"
