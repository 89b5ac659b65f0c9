"""Sign-in stages (allauth.account.stages): the second factor, and the enrolment some must do."""

from allauth.account.stages import LoginStage
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from django.conf import settings

# Set in the session of a sign-in that had no second factor (accounts.middleware acts on it).
ENROLMENT_PENDING = "accounts_second_factor_missing"
# Set when the identity provider said the person used more than a password (OpenID `amr`).
PROVIDER_MFA = "accounts_provider_mfa"


def provider_asserted_mfa(login) -> bool:
    """True when this sign-in came through an OpenID Connect provider whose ID token's `amr`
    names a method that is more than a password (RFC 8176: mfa, otp, hwk, swk, fpt, ...)."""
    sociallogin = (login.signal_kwargs or {}).get("sociallogin")
    if sociallogin is None:
        return False
    extra = sociallogin.account.extra_data or {}
    # The ID token is signed by the provider; userinfo comes over its TLS connection.
    amr = (extra.get("id_token") or {}).get("amr") or (extra.get("userinfo") or {}).get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(set(amr) & set(settings.MFA_PROVIDER_AMR_VALUES))


class SecondFactorStage(AuthenticateStage):
    def handle(self):
        if provider_asserted_mfa(self.login):
            self.request.session[PROVIDER_MFA] = True
            return None, True
        return super().handle()


class EnrolmentStage(LoginStage):
    """Remembers that this session was opened without a second factor; the middleware then sends
    those who must have one to enrol, and offers it to the rest once."""

    key = "accounts_enrolment"

    def handle(self):
        user = self.login.user
        asserted = self.request.session.get(PROVIDER_MFA)
        if user is not None and not asserted:
            has_factor = Authenticator.objects.filter(
                user=user,
                type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
            ).exists()
            if not has_factor:
                self.request.session[ENROLMENT_PENDING] = True
        return None, True
