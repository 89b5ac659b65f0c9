"""Personal API tokens: created and revoked by their owner, shown once, stored only as a hash."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from api.models import APIToken
from tests.api.conftest import client_with_token, reauthenticate

TOKENS = reverse("api:tokens")


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(member_client, member):
    reauthenticate(member_client)
    response = member_client.post(TOKENS, {"name": "Case system feed", "scope": "write"})
    assert response.status_code == 302  # so a reload never posts (and creates) again
    response = member_client.get(response.url)
    secret = response.context["secret"]
    assertContains(response, secret)
    assert response["Cache-Control"].startswith("max-age=0")
    token = APIToken.objects.get()
    assert (token.user, token.name, token.scope) == (member, "Case system feed", "write")
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) == 12
    assert secret not in str(APIToken.objects.values().get())
    again = member_client.get(TOKENS)
    assertNotContains(again, secret)
    assertContains(again, token.prefix)
    assert client_with_token(secret).get("/api/v1/me").status_code == 200


def test_a_token_needs_a_name(member_client):
    reauthenticate(member_client)
    response = member_client.post(TOKENS, {"name": "", "scope": "read"})
    assertContains(response, "This field is required.")
    assert not APIToken.objects.exists()


def test_the_page_lists_only_ones_own_tokens(member_client, leader, member):
    APIToken.issue(leader, "Leader's report", "read")
    APIToken.issue(member, "Member's feed", "read")
    response = member_client.get(TOKENS)
    assertContains(response, "Member&#x27;s feed")
    assertNotContains(response, "Leader&#x27;s report")


def test_revoking_asks_first(member_client, member):
    token, _secret = APIToken.issue(member, "Feed", "write")

    response = member_client.get(reverse("api:token_revoke", args=[token.pk]))

    assertContains(response, "Revoke the token “Feed”?")
    assertContains(response, token.prefix)
    token.refresh_from_db()
    assert not token.is_revoked


def test_revoking_a_token_stops_it_working(member_client, member):
    token, secret = APIToken.issue(member, "Feed", "write")
    response = member_client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.url == TOKENS
    token.refresh_from_db()
    assert token.is_revoked
    assert client_with_token(secret).get("/api/v1/me").status_code == 401


def test_nobody_revokes_someone_elses_token(leader_client, member):
    token, _secret = APIToken.issue(member, "Feed", "write")
    assert leader_client.get(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert leader_client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_the_tokens_page_needs_signing_in(client, db):
    assert client.get(TOKENS).status_code == 302


def test_the_command_prints_only_the_token_on_its_last_line(member):
    out = io.StringIO()
    call_command("create_api_token", "member", "--scope", "write", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    token = APIToken.objects.get()
    assert token.scope == "write" and token.user == member
    assert client_with_token(lines[-1]).get("/api/v1/me").json()["username"] == "member"


def test_the_command_makes_read_tokens_by_default(member):
    call_command("create_api_token", "member", stdout=io.StringIO())
    assert APIToken.objects.get().scope == "read"


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())
