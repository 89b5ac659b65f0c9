"""Bounded sessions: 30 minutes idle, 12 hours at most, gone when the browser closes."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings
from django.urls import reverse

from accounts.models import SecurityEvent

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LIST = reverse("initiatives:list")


def signed_in(client):
    response = client.post("/accounts/login/", {"login": "member", "password": "secret"})
    assert response.status_code == 302
    return client


def test_the_session_cookie_ends_with_the_browser(client, member):
    with time_machine.travel(START, tick=False):
        signed_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_thirty_minutes_without_activity_end_the_session(client, member):
    with time_machine.travel(START, tick=False):
        signed_in(client)
    with time_machine.travel(START + timedelta(minutes=29), tick=False):
        assert client.get(LIST).status_code == 200
    # Activity moved the idle limit on: 29 + 29 minutes is still fine.
    with time_machine.travel(START + timedelta(minutes=58), tick=False):
        assert client.get(LIST).status_code == 200
    with time_machine.travel(START + timedelta(minutes=88, seconds=1), tick=False):
        response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    expired = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSION_EXPIRED)
    assert (expired.user, expired.details) == (member, {"limit": "idle"})
    with time_machine.travel(START + timedelta(minutes=89), tick=False):
        assert client.get(LIST).status_code == 302  # signed out for good


def test_twelve_hours_end_the_session_however_active(client, member):
    with time_machine.travel(START, tick=False):
        signed_in(client)
    moment = START
    while moment + timedelta(minutes=20) < START + timedelta(hours=12):
        moment += timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            assert client.get(LIST).status_code == 200
    with time_machine.travel(START + timedelta(hours=12), tick=False):
        response = client.get(LIST)

    assert response.status_code == 302
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSION_EXPIRED).details == {
        "limit": "absolute"
    }


def test_the_unread_count_polling_does_not_keep_the_session_alive(client, member):
    with time_machine.travel(START, tick=False):
        signed_in(client)
    for minute in range(1, 30):
        with time_machine.travel(START + timedelta(minutes=minute), tick=False):
            client.get(reverse("notifications:count"))
    with time_machine.travel(START + timedelta(minutes=30, seconds=1), tick=False):
        assert client.get(LIST).status_code == 302


def test_the_status_tells_the_time_left_and_stay_signed_in_resets_it(client, member):
    with time_machine.travel(START, tick=False):
        signed_in(client)
    with time_machine.travel(START + timedelta(minutes=28), tick=False):
        status = client.get(reverse("accounts:session_status")).json()
        stayed = client.post(reverse("accounts:session_status")).json()

    assert status == {"signed_in": True, "remaining": 120}
    assert stayed == {"signed_in": True, "remaining": 30 * 60}


def test_the_limits_are_settings(client, member, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    with time_machine.travel(START, tick=False):
        signed_in(client)
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        assert client.get(LIST).status_code == 302


def test_pages_carry_the_warning_dialog_and_its_static_script(client, member):
    with time_machine.travel(START, tick=False):
        signed_in(client)
        page = client.get(LIST).content.decode()

    assert 'id="session-warning"' in page
    assert "accounts/session.js" in page
    assert 'id="session-timeout-data" type="application/json"' in page
