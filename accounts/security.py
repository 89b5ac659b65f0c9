"""The security log: every sign-in, failure, lock, second-factor change, token and membership
change is written here once, with who, when and from where (README "Accounts").

Requests set the address and browser (`RequestContextMiddleware`); jobs and the shell have none.
Entries are never deleted: they are kept as long as the audit trail, which is kept for good.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from allauth.account import signals as account_signals
from allauth.core.internal.httpkit import get_client_ip
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import SecurityEvent
from accounts.sessions import start_session
from organisations.models import Membership, User
from renewal import audit

_ACTING = object()  # record()'s default actor: whoever the request or job acts as
_where: ContextVar[tuple[str | None, str]] = ContextVar("security_where", default=(None, ""))


def client_address(request) -> str | None:
    try:
        return get_client_ip(request)
    except Exception:  # a malformed X-Forwarded-For: the socket's address is still true
        return request.META.get("REMOTE_ADDR") or None


@contextmanager
def from_request(request):
    token = _where.set((client_address(request), request.META.get("HTTP_USER_AGENT", "")[:300]))
    try:
        yield
    finally:
        _where.reset(token)


def record(
    kind: str,
    user: User | None = None,
    *,
    username: str = "",
    actor: Any = _ACTING,
    details: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Write one event. The actor defaults to whoever the request or job acts as (the audit's
    actor); None is nobody (the system, or someone not signed in)."""
    if actor is _ACTING:
        actor = audit.current_actor()
    ip, agent = _where.get()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        actor=actor,
        actor_name=str(actor)[:150] if actor else "",
        ip_address=ip,
        user_agent=agent,
        details=details or {},
    )


@receiver(auth_signals.user_logged_in, dispatch_uid="security_signed_in")
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session(request.session)
        _fresh_sign_in_counts_as_reauthentication(request)
    record(SecurityEvent.Kind.SIGNED_IN, user, actor=user)


def _fresh_sign_in_counts_as_reauthentication(request) -> None:
    """Having just given the password (and second factor), a person is not asked for it again
    for ACCOUNT_REAUTHENTICATION_TIMEOUT: enrolling a second factor right after signing in."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if isinstance(records, list) and records:
        records[-1] = {**records[-1], "reauthenticated": True}
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = records


@receiver(auth_signals.user_logged_out, dispatch_uid="security_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(SecurityEvent.Kind.SIGNED_OUT, user, actor=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="security_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    typed = str(credentials.get("username") or credentials.get("email") or "")
    # Django masks the password already; the name typed is kept so an attack on one account shows.
    known = User.objects.filter(username__iexact=typed).first() if typed else None
    record(SecurityEvent.Kind.SIGN_IN_FAILED, known, username=typed, actor=None)


@receiver(account_signals.password_changed, dispatch_uid="security_password_changed")
def _password_changed(sender, request, user, **kwargs):
    record(SecurityEvent.Kind.PASSWORD_CHANGED, user, actor=user)


@receiver(account_signals.password_reset, dispatch_uid="security_password_reset")
def _password_reset(sender, request, user, **kwargs):
    record(SecurityEvent.Kind.PASSWORD_RESET, user, actor=user)


def _authenticator_details(authenticator) -> dict[str, Any]:
    return {"type": str(authenticator.type)}


@receiver(mfa_signals.authenticator_added, dispatch_uid="security_mfa_added")
def _factor_added(sender, request, user, authenticator, **kwargs):
    kind = (
        SecurityEvent.Kind.RECOVERY_CODES_RESET
        if authenticator.type == "recovery_codes"
        else SecurityEvent.Kind.SECOND_FACTOR_ADDED
    )
    record(kind, user, actor=user, details=_authenticator_details(authenticator))


@receiver(mfa_signals.authenticator_removed, dispatch_uid="security_mfa_removed")
def _factor_removed(sender, request, user, authenticator, **kwargs):
    record(
        SecurityEvent.Kind.SECOND_FACTOR_REMOVED,
        user,
        actor=user,
        details=_authenticator_details(authenticator),
    )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="security_mfa_reset")
def _factor_reset(sender, request, user, authenticator, **kwargs):
    record(
        SecurityEvent.Kind.RECOVERY_CODES_RESET,
        user,
        actor=user,
        details=_authenticator_details(authenticator),
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="security_mfa_failed")
def _factor_failed(sender, request, user, **kwargs):
    record(SecurityEvent.Kind.SECOND_FACTOR_FAILED, user, actor=None)


def _membership_details(membership: Membership, old_role: str | None = None) -> dict[str, Any]:
    details = {
        "organisation": membership.organisation_id,
        "organisation_name": str(membership.organisation),
        "role": membership.role,
    }
    if old_role is not None:
        details["old_role"] = old_role
    return details


@receiver(pre_save, sender=Membership, dispatch_uid="security_membership_before")
def _membership_before(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        instance._security_old_role = None
        return
    instance._security_old_role = (
        Membership.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    )


@receiver(post_save, sender=Membership, dispatch_uid="security_membership_saved")
def _membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old_role = getattr(instance, "_security_old_role", None)
    if created:
        record(
            SecurityEvent.Kind.MEMBERSHIP_ADDED,
            instance.user,
            actor=audit.current_actor(),
            details=_membership_details(instance),
        )
    elif old_role is not None and old_role != instance.role:
        record(
            SecurityEvent.Kind.ROLE_CHANGED,
            instance.user,
            actor=audit.current_actor(),
            details=_membership_details(instance, old_role),
        )


@receiver(post_delete, sender=Membership, dispatch_uid="security_membership_deleted")
def _membership_deleted(sender, instance, **kwargs):
    # By name only: the account itself may be being deleted in this same transaction.
    username = User.objects.filter(pk=instance.user_id).values_list("username", flat=True).first()
    record(
        SecurityEvent.Kind.MEMBERSHIP_REMOVED,
        None,
        username=username or "",
        actor=audit.current_actor(),
        details=_membership_details(instance),
    )
