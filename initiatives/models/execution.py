"""Phase 4: reviews on a fixed rhythm, each a snapshot of the KPIs and a decision."""

from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renewal.audit import AuditedModel
from renewal.validators import no_line_breaks, plausible_date


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    ADJUST = "adjust", _("Adjust")
    SCALE_UP = "scale_up", _("Scale up")
    PAUSE = "pause", _("Pause")
    STOP = "stop", _("Stop")


class Review(AuditedModel):
    """A weekly team review or monthly leadership review, with the decision it took."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly team review")
        MONTHLY = "monthly", _("Monthly leadership review")

    Decision = ReviewDecision

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    date = models.DateField(_("date"), validators=[plausible_date])
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    participants = models.TextField(_("participants"))
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision)
    rationale = models.TextField(_("rationale"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    audit_initiative_path = "initiative_id"
    audit_exclude = ("recorded_at",)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"

    def get_absolute_url(self):
        return reverse("initiatives:review", args=[self.initiative_id, self.pk])


class ReviewKPISnapshot(models.Model):
    """A KPI's value and status as they were at the review; later edits never change it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="snapshots")
    kpi = models.ForeignKey("metrics.KPI", null=True, on_delete=models.SET_NULL, related_name="+")
    kpi_name = models.CharField(_("KPI"), max_length=200, validators=[no_line_breaks])
    unit = models.CharField(_("unit"), max_length=40, validators=[no_line_breaks])
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True)
    measured_on = models.DateField(_("measured on"), null=True, validators=[plausible_date])
    planned = models.DecimalField(_("planned"), max_digits=16, decimal_places=4, null=True)
    target_value = models.DecimalField(_("target"), max_digits=16, decimal_places=4, null=True)
    status = models.CharField(_("status"), max_length=12)
    overdue = models.BooleanField(_("measurement overdue"), default=False)

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        ordering = ["id"]

    def __str__(self):
        return f"{self.kpi_name}: {self.value}"


class ReviewAction(AuditedModel):
    """Something a review decided to do: who does it, by when."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(_("action"), max_length=300, validators=[no_line_breaks])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="review_actions",
    )
    due_date = models.DateField(_("due date"), validators=[plausible_date])
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_note = models.CharField(
        _("what was done"), max_length=500, blank=True, validators=[no_line_breaks]
    )

    audit_initiative_path = "review__initiative_id"

    class Meta:
        verbose_name = _("review action")
        verbose_name_plural = _("review actions")
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description

    def is_overdue(self, today: date) -> bool:
        return not self.done and self.due_date < today

    def mark_done(self, user, note: str) -> bool:
        """Mark the action done with what was done; False when someone already had (the first
        one's note stands). The change is audited like every other write to the action."""
        with transaction.atomic():
            # The row lock makes a double click, or two people at once, mark it done once.
            current = ReviewAction.objects.select_for_update().get(pk=self.pk)
            if current.done:
                self.refresh_from_db()
                return False
            self.done, self.done_at, self.done_by, self.done_note = (
                True,
                timezone.now(),
                user,
                note,
            )
            self.save(update_fields=["done", "done_at", "done_by", "done_note"])
        return True
