from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renewal import policy

# The error of a job whose worker stopped (killed, restarted) twice before it finished.
STOPPED = "stopped"


class ReportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The user's own report jobs, of organisations they may still see: a report is its
        requester's, and someone who lost their membership no longer reads what it covers."""
        if not user.is_authenticated:
            return self.none()
        scope = policy.subtree_condition(user, policy.Action.VIEW, "organisation__path")
        return self.filter(scope, requested_by=user)


class ReportJob(models.Model):
    """A report rendered in the background: who asked, how far it is, and the file when done."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        PORTFOLIO = "portfolio", _("Monthly portfolio report")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.PORTFOLIO)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # How many times a stale job (its worker gone) was queued again, and when (reports.tasks).
    recoveries = models.PositiveSmallIntegerField(default=0, editable=False)
    requeued_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.organisation} · {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("reports:job", args=[self.pk])

    @property
    def stopped(self) -> bool:
        """Failed because its worker stopped, not because the report could not be drawn."""
        return self.state == self.State.FAILED and self.error == STOPPED

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
