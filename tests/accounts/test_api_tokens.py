"""API tokens: re-authentication before one is made, expiry, last use, the rate limit, the log."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from accounts.models import SecurityEvent
from api.models import APIToken
from tests.api.conftest import client_with_token, reauthenticate

TOKENS = reverse("api:tokens")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_creating_a_token_asks_for_the_password_first_then_creates_it(member_client, member):
    response = member_client.post(TOKENS, {"name": "Feed", "scope": "read", "days": "30"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not APIToken.objects.exists()

    # After the password, the suspended request is carried out.
    response = member_client.post(response["Location"], {"password": "secret"}, follow=True)

    token = APIToken.objects.get()
    assert token.name == "Feed"
    assert response.context["secret"].startswith(token.prefix)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_CREATED).count() == 1


def test_a_wrong_password_creates_no_token(member_client):
    member_client.post(TOKENS, {"name": "Feed", "scope": "read"})

    response = member_client.post("/accounts/reauthenticate/", {"password": "wrong"})

    assert response.status_code == 200
    assert not APIToken.objects.exists()


def test_the_lifetime_is_chosen_at_creation_and_defaults_to_90_days(member_client, member):
    with time_machine.travel(START, tick=False):
        reauthenticate(member_client)
        member_client.post(TOKENS, {"name": "Default", "scope": "read"})
        member_client.post(TOKENS, {"name": "Year", "scope": "read", "days": "365"})
        too_long = member_client.post(TOKENS, {"name": "Ever", "scope": "read", "days": "1000"})

    assert too_long.status_code == 200
    assert "Select a valid choice" in too_long.content.decode()
    lifetimes = {t.name: t.expires_at - t.created_at for t in APIToken.objects.all()}
    assert lifetimes == {"Default": timedelta(days=90), "Year": timedelta(days=365)}


def test_a_token_stops_working_when_it_expires(member):
    with time_machine.travel(START, tick=False):
        _token, secret = APIToken.issue(member, "Feed", "read", days=30)
    api = client_with_token(secret)

    with time_machine.travel(START + timedelta(days=30) - timedelta(seconds=1), tick=False):
        assert api.get("/api/v1/me").status_code == 200
    with time_machine.travel(START + timedelta(days=30), tick=False):
        assert api.get("/api/v1/me").status_code == 401


def test_the_page_shows_expiry_and_last_use(member_client, member):
    with time_machine.travel(START, tick=False):
        _token, secret = APIToken.issue(member, "Feed", "read", days=30)
        client_with_token(secret).get("/api/v1/me")
        page = member_client.get(TOKENS).content.decode()

    assert "01.04.2026" in page or "1 Apr 2026" in page or "01/04/2026" in page
    assert "never" not in page


def test_too_many_requests_get_429_with_retry_after_and_the_api_error_body(member, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    _token, secret = APIToken.issue(member, "Feed", "read")
    api = client_with_token(secret)
    with time_machine.travel(START + timedelta(seconds=15), tick=False):
        statuses = [api.get("/api/v1/me").status_code for _ in range(4)]
        refused = api.get("/api/v1/me")
    with time_machine.travel(START + timedelta(seconds=61), tick=False):
        later = api.get("/api/v1/me")

    assert statuses == [200, 200, 200, 429]
    assert refused["Retry-After"] == "46"
    assert set(refused.json()) == {"detail", "errors"}
    assert "Too many requests" in refused.json()["detail"]
    assert later.status_code == 200


def test_the_limit_is_per_token(member, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 1
    first = client_with_token(APIToken.issue(member, "A", "read")[1])
    second = client_with_token(APIToken.issue(member, "B", "read")[1])
    with time_machine.travel(START, tick=False):
        assert first.get("/api/v1/me").status_code == 200
        assert first.get("/api/v1/me").status_code == 429
        assert second.get("/api/v1/me").status_code == 200


def test_revoking_is_logged_once(member_client, member):
    token, _secret = APIToken.issue(member, "Feed", "write")

    member_client.post(reverse("api:token_revoke", args=[token.pk]))

    revoked = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TOKEN_REVOKED)
    assert (revoked.user, revoked.actor, revoked.details["token"]) == (member, member, token.prefix)


def test_administrators_see_every_token_with_expiry(superuser_client, member):
    APIToken.issue(member, "Member's feed", "read")

    page = superuser_client.get(reverse("admin:api_apitoken_changelist")).content.decode()

    assert "Member&#x27;s feed" in page or "Member's feed" in page
    assert "Expires" in page
