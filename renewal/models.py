from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded change to an audited object: who, when, and each field's old and new value."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    # A plain id, not a foreign key: the history must outlive a deleted initiative.
    initiative_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["initiative_id", "-at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.object_repr}"


class SubmissionToken(models.Model):
    """One submission of a create form: its hidden one-time key and where its result is shown.

    The key is unique, so a double click or a replayed POST creates one row; the second request
    finds the token and is sent to the first one's result (renewal.forms.submitted_once).
    """

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return self.key


# The Act on the Provision of Digital Services (306/2019) gives the provider 14 days
# to answer accessibility feedback.
ACCESSIBILITY_ANSWER_DAYS = 14


class AccessibilityFeedback(models.Model):
    """A message about the service's accessibility, sent through the accessibility statement.

    Anyone may send one, signed in or not. The administrators get it by e-mail and answer it within
    ACCESSIBILITY_ANSWER_DAYS; the admin lists the overdue ones.
    """

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    page_url = models.CharField(_("page it concerns"), max_length=500, blank=True)
    message = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in sender"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.received_at:%Y-%m-%d} {self.name or self.email or '-'}"

    @property
    def answer_due(self):
        return self.received_at + timedelta(days=ACCESSIBILITY_ANSWER_DAYS)

    def is_overdue(self, now=None) -> bool:
        return self.answered_at is None and (now or timezone.now()) > self.answer_due
