"""Second factors (allauth.mfa): TOTP sign-in with codes computed here, enrolment required of
leaders, officers and staff, the admin's demand, and the security log of every change."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from accounts.models import SecurityEvent

LOGIN = "/accounts/login/"


def code_for(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def sign_in(client, username, password="secret"):
    return client.post(LOGIN, {"login": username, "password": password})


@pytest.fixture
def leader_totp(leader):
    secret = generate_totp_secret()
    TOTP.activate(leader, secret)
    return secret


def test_a_totp_user_is_asked_for_the_code_and_signs_in_with_it(client, leader, leader_totp):
    response = sign_in(client, "leader")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("initiatives:list")).status_code == 302  # not signed in yet

    response = client.post(reverse("mfa_authenticate"), {"code": code_for(leader_totp)})

    assert response.status_code == 302
    assert client.get(reverse("initiatives:list")).status_code == 200


def test_a_wrong_code_does_not_sign_in_and_is_logged(client, leader, leader_totp):
    sign_in(client, "leader")
    wrong = "000000" if code_for(leader_totp) != "000000" else "111111"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert client.get(reverse("initiatives:list")).status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SECOND_FACTOR_FAILED).count() == 1


def test_a_leader_without_a_second_factor_must_enrol_before_anything_else(client, leader):
    response = sign_in(client, "leader")
    assert response.status_code == 302

    page = client.get(reverse("initiatives:list"))

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:second_factor"))
    notice = client.get(page["Location"]).content.decode()
    assert "Protect your account with a second factor" in notice
    assert "Skip for now" not in notice
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_enrolling_totp_opens_the_site_and_is_logged(
    client, leader, django_capture_on_commit_callbacks
):
    sign_in(client, "leader")
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=leader, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("initiatives:list")).status_code == 200
    kinds = list(SecurityEvent.objects.filter(user=leader).values_list("kind", flat=True))
    assert kinds.count(SecurityEvent.Kind.SECOND_FACTOR_ADDED) == 1


def test_in_the_demo_the_enrolment_can_be_skipped(client, leader, settings):
    settings.MFA_ENROLMENT_SKIPPABLE = True
    sign_in(client, "leader")
    notice = client.get(reverse("accounts:second_factor"))
    assert "Skip for now" in notice.content.decode()

    response = client.post(reverse("accounts:second_factor"), {"next": "/initiatives/"})

    assert response["Location"] == "/initiatives/"
    assert client.get(reverse("initiatives:list")).status_code == 200


def test_a_member_is_offered_but_not_required_a_second_factor(client, member):
    sign_in(client, "member")

    assert client.get(reverse("initiatives:list")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_the_required_roles_are_a_setting(client, leader, settings):
    settings.MFA_REQUIRED_ROLES = []
    sign_in(client, "leader")

    assert client.get(reverse("initiatives:list")).status_code == 200


def test_staff_cannot_open_the_admin_without_a_second_factor(client, superuser, settings):
    settings.MFA_ENROLMENT_SKIPPABLE = True  # even where others may skip
    client.post(LOGIN, {"login": superuser.username, "password": "secret"})
    client.post(reverse("accounts:second_factor"), {"next": "/"})

    response = client.get("/admin/")

    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code in (200, 302)
    assert "/admin/" not in follow.get("Location", "") or "second-factor" in follow.get(
        "Location", ""
    )


def test_changing_a_role_in_the_admin_asks_for_the_password_again(superuser, leader, ministry):
    from django.test import Client

    from organisations.models import Membership

    client = Client()
    client.force_login(superuser)
    membership = Membership.objects.get(user=leader)
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    data = {"user": leader.pk, "organisation": ministry.pk, "role": "viewer"}

    response = client.post(url, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    membership.refresh_from_db()
    assert membership.role == "leader"

    client.post(response["Location"], {"password": "secret"}, follow=True)

    membership.refresh_from_db()
    assert membership.role == "viewer"
    changed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_CHANGED)
    assert (changed.user, changed.actor) == (leader, superuser)
    assert (changed.details["old_role"], changed.details["role"]) == ("leader", "viewer")
