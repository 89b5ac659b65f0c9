"""Reminders: one row per (recipient, kind, subject, period), in-app and by e-mail.

The unique key is what makes reminders exactly-once: a sweep that runs twice, or two sweeps at
once, can only insert the row once. E-mail delivery is claimed on the same row with a conditional
UPDATE (pending → sending), so only one worker sends it; see notifications/services.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a reminder is about. A kind is also a row of the e-mail preferences page."""

    WEEKLY_REVIEW = "weekly_review", _("Weekly team review coming up")
    MONTHLY_REVIEW = "monthly_review", _("Monthly leadership review coming up")
    MEASUREMENT_OVERDUE = "measurement_overdue", _("KPI measurement overdue")
    PORTFOLIO_DIGEST = "portfolio_digest", _("Monthly portfolio digest")
    FUNDING_COMMITMENT = "funding_commitment", _("Committed benefit due or overdue")
    GATE_REQUEST = "gate_request", _("You are asked for a gate decision")
    APPLICATION_INITIATIVE_STOPPED = (
        "application_initiative_stopped",
        _("Initiative stopped or put on hold while applying or funded"),
    )
    COMMITMENT_WEAKENED = "commitment_weakened", _("Committed KPI target weakened or postponed")
    PROGRESS_REPORT = "progress_report", _("Progress report requested, due or overdue")
    REVIEW_ACTION = "review_action", _("Review action due or overdue")
    ACCESS_REQUEST = "access_request", _("Someone asks to join your organisation")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GAVE_UP = "gave_up", _("Failed, not retried")
    NOT_WANTED = "not_wanted", _("Not wanted")
    OUTDATED = "outdated", _("Not sent: no longer current")


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user):
        """A person's own reminders: nobody, administrators included, reads another's in the app."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A reminder for one person, shown in the app and, if they want, sent by e-mail.

    The text is not stored: `params` holds the facts (titles, dates, figures) at the time it was
    due, and the message is rendered from them in the reader's language, on the page and in e-mail.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    # "initiative:12", "kpi:40", "portfolio": what the reminder is about, as part of its key.
    subject = models.CharField(_("subject"), max_length=64)
    # The review date, the overdue episode or the month: a new period is a new reminder.
    period = models.CharField(_("period"), max_length=32)
    params = models.JSONField(default=dict)
    url = models.CharField(_("link"), max_length=300)
    # The recipient's local time zone for this reminder, so retries also avoid quiet hours.
    time_zone = models.CharField(max_length=64, default="Europe/Helsinki")
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    email_status = models.CharField(
        _("e-mail"), max_length=12, choices=EmailStatus, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "period"], name="one_reminder_per_period"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "email_next_attempt_at"]),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.kind} · {self.subject} · {self.period}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """Whether a person also wants a kind of reminder by e-mail. No row: yes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    email = models.BooleanField(_("send e-mail"), default=True)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}: {self.email}"
