from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """One entry of the security log: what happened to whose account, who did it, when and from
    where. Written by accounts/security.py only; never changed or deleted, like the audit trail."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        LOCKED = "locked", _("sign-in refused: too many failed attempts")
        SIGNED_OUT = "signed_out", _("signed out")
        SESSION_EXPIRED = "session_expired", _("session expired")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset")
        SECOND_FACTOR_ADDED = "second_factor_added", _("second factor added")
        SECOND_FACTOR_REMOVED = "second_factor_removed", _("second factor removed")
        RECOVERY_CODES_RESET = "recovery_codes_reset", _("recovery codes regenerated")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("second factor code refused")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        MEMBERSHIP_ADDED = "membership_added", _("membership added")
        ROLE_CHANGED = "role_changed", _("role changed")
        MEMBERSHIP_REMOVED = "membership_removed", _("membership removed")
        ACCESS_REQUESTED = "access_requested", _("access requested")
        ACCESS_DECIDED = "access_decided", _("access request decided")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # As typed or as it was: a failed sign-in may name no account, a deleted one keeps its name.
    username = models.CharField(_("account (as recorded)"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"
