"""django-allauth adapters: who may sign up, the sign-in stages, and the lock's security log."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.urls import reverse

from accounts import security
from accounts.models import SecurityEvent
from organisations.models import Membership, User


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People get accounts from an administrator, or by signing in through the organisation's
        # identity provider (SocialAccountAdapter); there is no self-service password sign-up.
        return False

    def get_login_stages(self):
        stages = []
        for path in super().get_login_stages():
            if path == "allauth.mfa.stages.AuthenticateStage":
                # The same, but not asking again when the identity provider asserted MFA (amr).
                path = "accounts.stages.SecondFactorStage"
            stages.append(path)
        stages.append("accounts.stages.EnrolmentStage")
        return stages

    def get_login_redirect_url(self, request):
        # Someone with no membership anywhere (a new single sign-on account) can do nothing yet:
        # they land on the page that says so and lets them ask for access.
        user = request.user
        staff = user.is_staff or user.is_superuser
        if (
            user.is_authenticated
            and not staff
            and not Membership.objects.filter(user=user).exists()
        ):
            return reverse("accounts:no_access")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            typed = str(credentials.get("username") or credentials.get("email") or "")
            known = User.objects.filter(username__iexact=typed).first() if typed else None
            security.record(SecurityEvent.Kind.LOCKED, known, username=typed, actor=None)
            raise


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Anyone the organisation's provider vouches for gets an account, but no access: without
        # a membership they see the "request access" page (organisations.AccessRequest).
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        claims = sociallogin.account.extra_data.get("userinfo") or {}
        preferred = claims.get("preferred_username") or ""
        if preferred and not user.username:
            user.username = preferred[:150]
        return user


def password_sign_in_enabled() -> bool:
    return not getattr(settings, "SOCIALACCOUNT_ONLY", False)
