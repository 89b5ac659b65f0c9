"""Operations: the health check, refusing to run in production without a secret, and languages."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connections
from django.urls import reverse

PROJECT = Path(__file__).resolve().parent.parent


# Health check --------------------------------------------------------------------------------------


def test_health_check_names_the_database_and_the_broker(client, db, settings):
    settings.REDIS_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "database": "ok",
        "broker": "not configured (tasks run eagerly)",
    }


def test_health_check_says_nothing_about_the_database_product(client, db, settings):
    settings.REDIS_URL = ""
    refuse = OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    healthy = client.get(reverse("healthz")).content.decode().lower()
    with mock.patch.object(connections["default"], "cursor", side_effect=refuse):
        broken = client.get(reverse("healthz")).content.decode().lower()

    for body in (healthy, broken):
        for word in ("postgres", "sqlite", "vendor", "version", "5432", "db.internal"):
            assert word not in body
        assert connections["default"].vendor not in body


def test_health_check_needs_no_sign_in_and_is_never_cached(client, db, settings):
    settings.REDIS_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_health_check_is_503_when_the_database_is_unreachable(client, db, settings):
    settings.REDIS_URL = ""
    refuse = OperationalError("connection refused")

    with mock.patch.object(connections["default"], "cursor", side_effect=refuse):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["broker"] == "not configured (tasks run eagerly)"


# Production settings -----------------------------------------------------------------------------


def import_settings(**environment) -> subprocess.CompletedProcess:
    """Import renewal.settings in a fresh interpreter, as a production server would."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", "import renewal.settings"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings()

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is missing or is the development default" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = import_settings(SECRET_KEY=django_settings.INSECURE_DEV_KEY)

    assert result.returncode != 0
    assert "SECRET_KEY is missing or is the development default" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = import_settings(SECRET_KEY="a-long-random-production-key-0f3b9c2e7d5a4e1b8c6f")

    assert result.returncode == 0, result.stderr


def test_development_runs_without_a_secret_key():
    result = import_settings(DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_a_mistyped_debug_flag_is_refused_with_a_message():
    result = import_settings(DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


# Language -----------------------------------------------------------------------------------------


def html_lang(response) -> str:
    content = response.content.decode()
    start = content.index("<html lang=") + len('<html lang="')
    return content[start : content.index('"', start)]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_language_switch_is_saved_and_the_next_page_is_in_that_language(
    member_client, member, language
):
    target = reverse("initiatives:list")

    response = member_client.post(reverse("set_language"), {"language": language, "next": target})

    assert response.status_code == 302
    assert response["Location"] == target
    member.refresh_from_db()
    assert member.language == language
    assert html_lang(member_client.get(target)) == language


def test_saved_language_follows_the_user_to_a_new_browser(member, member_client):
    member.language = "sv"
    member.save()

    # A browser that never chose a language: no language cookie.
    assert django_settings.LANGUAGE_COOKIE_NAME not in member_client.cookies
    assert html_lang(member_client.get(reverse("initiatives:list"))) == "sv"


def test_language_chosen_in_this_browser_wins_over_the_saved_one(member_client, member):
    member.language = "sv"
    member.save()
    member_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "fi"

    assert html_lang(member_client.get(reverse("initiatives:list"))) == "fi"


def test_an_unknown_language_is_not_saved(member_client, member):
    member_client.post(reverse("set_language"), {"language": "xx", "next": "/initiatives/"})

    member.refresh_from_db()
    assert member.language == ""


def test_anonymous_visitor_can_switch_the_sign_in_page_language(client, db):
    login = reverse("login")

    client.post(reverse("set_language"), {"language": "fi", "next": login})

    assert html_lang(client.get(login)) == "fi"
