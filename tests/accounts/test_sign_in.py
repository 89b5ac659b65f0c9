"""Password sign-in through django-allauth: the demo names, the throttle, the admin, the log."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import SecurityEvent

LOGIN = "/accounts/login/"


def sign_in(client, username, password="secret", **extra):
    return client.post(LOGIN, {"login": username, "password": password, **extra})


def test_a_member_signs_in_with_username_and_lands_on_the_initiatives(client, member):
    response = sign_in(client, "member")

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.get(reverse("initiatives:list")).status_code == 200
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_IN)
    assert [(e.user, e.actor, e.ip_address) for e in events] == [(member, member, "127.0.0.1")]


def test_the_sign_in_page_has_the_fields_and_button_people_know(client, db):
    page = client.get(LOGIN).content.decode()

    assert ">Username" in page
    assert ">Password" in page
    assert ">Sign in</button>" in page
    assert "Forgot your password?" in page  # the password field's help


def test_a_wrong_password_is_refused_and_logged_once(client, member):
    response = sign_in(client, "member", "wrong")

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    failed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SIGN_IN_FAILED)
    assert (failed.user, failed.username, failed.actor) == (member, "member", None)


def test_after_five_failures_even_the_right_password_is_refused(client, member):
    for _ in range(5):
        sign_in(client, "member", "wrong")

    response = sign_in(client, "member", "secret")

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("initiatives:list")).status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_FAILED).count() == 5
    locked = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKED)
    assert locked.user == member


def test_the_lock_reads_the_same_whether_or_not_the_account_exists(client, member):
    for _ in range(5):
        sign_in(client, "member", "wrong")
        sign_in(client, "nobody", "wrong")

    known = sign_in(client, "member", "wrong").context["form"].errors
    unknown = sign_in(client, "nobody", "wrong").context["form"].errors

    assert "Too many failed login attempts" in str(known)
    assert known == unknown


def test_one_address_is_limited_across_account_names(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/15m/ip"}
    for name in ["a", "b", "c"]:
        sign_in(client, name, "wrong")

    assert "Too many failed login attempts" in sign_in(client, "d", "x").content.decode()


def test_the_admin_sign_in_is_the_throttled_one(client, superuser):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_signing_out_is_logged(member_client, member):
    response = member_client.post(reverse("logout"))

    assert response.status_code == 302
    assert (
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_OUT, user=member).count() == 1
    )


@pytest.mark.parametrize("password", ["password123", "demo", "member"])
def test_a_weak_new_password_is_refused(member_client, member, password):
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": "secret", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password("secret")


def test_changing_the_password_works_and_is_logged(member_client, member):
    new = "Kuusi metsässä 2026"
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": "secret", "password1": new, "password2": new},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).count() == 1
