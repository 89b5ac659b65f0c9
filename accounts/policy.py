"""Who must have a second factor (README "Accounts"): the roles in MFA_REQUIRED_ROLES, and staff
when MFA_REQUIRED_FOR_STAFF. Everyone else is offered one."""

from django.conf import settings

from organisations.models import Membership


def second_factor_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if (user.is_staff or user.is_superuser) and settings.MFA_REQUIRED_FOR_STAFF:
        return True
    roles = settings.MFA_REQUIRED_ROLES
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
