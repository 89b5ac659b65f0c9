"""API fixtures: personal tokens for the personas, and clients that send them.

`bearer(user, scope="write")` issues a token and returns a test client sending it, so a test reads
`bearer(member).get(...)`. `api_get`/`api_post` are JSON helpers on any client.
"""

import json

import pytest
from django.test import Client

from api.models import APIToken


def client_with_token(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Per-token rate limits count in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def reauthenticate(client, password: str = "secret") -> None:
    """Confirm the password again, as the page asks before a token is created."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def issue():
    """`issue(user, scope="write")`: a new token's secret."""

    def make(user, scope=APIToken.Scope.WRITE, name="Test feed") -> str:
        return APIToken.issue(user, name, scope)[1]

    return make


@pytest.fixture
def bearer(issue):
    """`bearer(user, scope="write")`: a client sending a new token of that user."""

    def make(user, scope=APIToken.Scope.WRITE) -> Client:
        return client_with_token(issue(user, scope))

    return make


def post_json(client: Client, url: str, data) -> object:
    return client.post(url, data=json.dumps(data), content_type="application/json")
