"""Funding calls, applications and the benefit commitments frozen when an application is submitted.

Who may move an application is decided in `renewal.policy`; which moves exist is decided here.
"""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import BenefitKind, BenefitUnit
from initiatives.models import State as InitiativeState
from metrics.models import Direction
from renewal import policy
from renewal.audit import AuditedModel, AuditedQuerySet
from renewal.policy import Action
from renewal.validators import no_line_breaks, plausible_date


class TransitionError(Exception):
    """A state change the application's rules refuse; the message is shown to the user."""


class ImmutableError(Exception):
    """A write to a frozen commitment: once submitted, a commitment is never rewritten."""


# An officer's comment is written for the applicant to read: it is never empty.
COMMENT_REQUIRED = _("Write the comment the applicant will read.")


class FundingCall(models.Model):
    """An open call of a funder (e.g. Sitra) to which initiatives apply."""

    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        related_name="funding_calls",
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_line_breaks])
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"), validators=[plausible_date])
    closes_on = models.DateField(_("closes on"), validators=[plausible_date])
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        ordering = ["-closes_on", "name"]

    def __str__(self):
        return self.name

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Sent to the funder and not yet decided: what an officer still has to act on.
OPEN_STATES = (ApplicationState.SUBMITTED, ApplicationState.IN_REVIEW)


class FundingApplicationQuerySet(AuditedQuerySet):
    def reviewable_by(self, user):
        """The applications the user reviews as a funding officer (the officer rule in policy)."""
        return policy.officer_applications(user, self)

    def visible_to(self, user):
        """Every application the user may read: their organisations' (drafts too) and those they
        review as an officer."""
        own = self.filter(
            policy.subtree_condition(user, Action.VIEW, "initiative__organisation__path")
        )
        return own | self.reviewable_by(user)

    def get_for(self, user, pk, needs: Action = Action.VIEW) -> "FundingApplication":
        """The application if the user may see it (else 404) and do `needs` (else 403)."""
        application = policy.get_or_404(
            self.select_related("initiative__organisation", "initiative__owner", "call__funder"), pk
        )
        return policy.authorize_application(user, application, needs)


class FundingApplication(AuditedModel):
    """An initiative's application to a call: the amount, the period and, once submitted, the
    commitments it made (see `Commitment`)."""

    State = ApplicationState
    objects = models.Manager.from_queryset(FundingApplicationQuerySet)()

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        # An initiative that applied keeps its record: the funder relies on it.
        on_delete=models.PROTECT,
        related_name="funding_applications",
    )
    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("funding call"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    amount_requested = models.DecimalField(
        _("amount requested (EUR)"), max_digits=14, decimal_places=2
    )
    period_start = models.DateField(_("funding period starts"), validators=[plausible_date])
    period_end = models.DateField(_("funding period ends"), validators=[plausible_date])
    summary = models.TextField(
        _("what the funding is for"),
        blank=True,
        help_text=_("A few sentences for the funder: what the money pays for."),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ApplicationState, default=ApplicationState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Granting an application whose initiative was stopped takes the officer's explicit word.
    stop_acknowledged = models.BooleanField(
        _("granted knowing the initiative was stopped"), default=False
    )
    # Edits compare versions (renewal.forms.VersionedModelForm): no lost update on a draft.
    version = models.PositiveIntegerField(default=1, editable=False)

    audit_initiative_path = "initiative_id"
    audit_exclude = ("created_at", "version")

    class Meta:
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="funding_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_requested__gt=0), name="funding_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.initiative} · {self.call}"

    def get_absolute_url(self):
        return reverse("funding:application", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == ApplicationState.DRAFT

    @property
    def initiative_stopped(self) -> bool:
        """Still open at the funder while its initiative was stopped: flagged to the officers."""
        return self.state in OPEN_STATES and self.initiative.state == InitiativeState.STOPPED

    # The state machine. Each move claims the row with a conditional UPDATE (audited by
    # AuditedQuerySet), so two people pressing at once cannot both move it.

    def _move(self, allowed_from, to, refusal, **fields):
        if self.state not in allowed_from:
            raise TransitionError(refusal)
        claimed = type(self).objects.filter(pk=self.pk, state=self.state).update(state=to, **fields)
        if claimed != 1:
            raise TransitionError(_("The application was changed meanwhile. Reload the page."))
        self.state = to
        for name, value in fields.items():
            setattr(self, name, value)

    @transaction.atomic
    def submit(self, user):
        """Send the application to the funder, freezing the initiative's commitments as they are."""
        self._move(
            [ApplicationState.DRAFT],
            ApplicationState.SUBMITTED,
            _("Only a draft can be submitted."),
            submitted_at=timezone.now(),
        )
        return Commitment.freeze(self)

    @transaction.atomic
    def comment(self, user, body: str) -> "ReviewComment":
        """An officer's comment to the applicant, without a decision; it must say something."""
        if not body.strip():
            raise TransitionError(COMMENT_REQUIRED)
        return ReviewComment.objects.create(application=self, author=user, body=body.strip())

    @transaction.atomic
    def start_review(self, user, comment: str = ""):
        """Take a submitted application into review, with a comment to the applicant if given."""
        self._move(
            [ApplicationState.SUBMITTED],
            ApplicationState.IN_REVIEW,
            _("Only a submitted application can be taken into review."),
        )
        if comment.strip():
            self.comment(user, comment)

    @transaction.atomic
    def grant(self, user, comment: str = "", *, stop_acknowledged: bool = False):
        """Grant the funding; for a stopped initiative only with `stop_acknowledged`."""
        stopped = self.initiative_stopped
        if stopped and not stop_acknowledged:
            raise TransitionError(
                _(
                    "The initiative was stopped. To grant its application all the same, "
                    "acknowledge that you know it was stopped."
                )
            )
        self._decide(user, ApplicationState.GRANTED, comment, stop_acknowledged=stopped)

    @transaction.atomic
    def reject(self, user, comment: str):
        if not comment.strip():
            raise TransitionError(_("Say why the application is rejected."))
        self._decide(user, ApplicationState.REJECTED, comment)

    def _decide(self, user, to, comment, **fields):
        self._move(
            [ApplicationState.IN_REVIEW],
            to,
            _("Only an application in review can be granted or rejected."),
            decided_at=timezone.now(),
            decided_by=user,
            **fields,
        )
        ReviewComment.objects.create(application=self, author=user, body=comment, decision=to)

    @transaction.atomic
    def withdraw(self, user):
        self._move(
            [ApplicationState.SUBMITTED, ApplicationState.IN_REVIEW],
            ApplicationState.WITHDRAWN,
            _("Only a submitted application or one in review can be withdrawn."),
        )


class ReviewComment(AuditedModel):
    """An officer's comment on an application, or the note of their decision; applicants see it."""

    application = models.ForeignKey(
        FundingApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("comment"), blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=ApplicationState, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    audit_initiative_path = "application__initiative_id"
    audit_exclude = ("created_at",)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author}: {self.body[:60]}"


# Frozen commitments ------------------------------------------------------------------------------


class FrozenQuerySet(AuditedQuerySet):
    """Creates (audited, in bulk) and reads; every way to change or delete rows is refused."""

    def update(self, **kwargs):
        raise ImmutableError(f"{self.model.__name__} rows are frozen and cannot be updated.")

    update.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise ImmutableError(f"{self.model.__name__} rows are frozen and cannot be updated.")

    def delete(self):
        raise ImmutableError(f"{self.model.__name__} rows are frozen and cannot be deleted.")

    delete.alters_data = True

    def update_or_create(self, *args, **kwargs):
        raise ImmutableError(f"{self.model.__name__} rows are frozen and cannot be updated.")


class FrozenModel(AuditedModel):
    """A row written once, with its audit entry, and never changed or deleted afterwards."""

    objects = models.Manager.from_queryset(FrozenQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} #{self.pk} is frozen and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} #{self.pk} is frozen and cannot be deleted.")


class Commitment(FrozenModel):
    """What an application committed to when it was submitted: goals, amount and period.

    The KPIs and benefits committed are `CommittedKPI` and `CommittedBenefit` rows. The initiative
    keeps changing afterwards; the commitment stays as it was, so the two can be compared.
    """

    application = models.OneToOneField(
        FundingApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="commitment",
    )
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)
    initiative_title = models.CharField(
        _("initiative"), max_length=200, validators=[no_line_breaks]
    )
    phase = models.PositiveSmallIntegerField(_("phase at submission"))
    problem = models.TextField(_("problem"))
    change_for_citizens = models.TextField(_("change sought for citizens and customers"))
    change_in_cost_efficiency = models.TextField(_("cost-efficiency sought"))
    amount_requested = models.DecimalField(
        _("amount requested (EUR)"), max_digits=14, decimal_places=2
    )
    period_start = models.DateField(_("funding period starts"), validators=[plausible_date])
    period_end = models.DateField(_("funding period ends"), validators=[plausible_date])

    audit_initiative_path = "application__initiative_id"

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return f"{self.initiative_title} ({self.frozen_at:%Y-%m-%d})"

    @classmethod
    def freeze(cls, application) -> "Commitment":
        """Copy the initiative's goals, KPIs and benefits into frozen rows, audited."""
        initiative = application.initiative
        commitment = cls.objects.create(
            application=application,
            initiative_title=initiative.title,
            phase=initiative.phase,
            problem=initiative.problem,
            change_for_citizens=initiative.change_for_citizens,
            change_in_cost_efficiency=initiative.change_in_cost_efficiency,
            amount_requested=application.amount_requested,
            period_start=application.period_start,
            period_end=application.period_end,
        )
        CommittedKPI.objects.bulk_create(
            CommittedKPI(
                commitment=commitment,
                kpi_id=kpi.pk,
                name=kpi.name,
                unit=kpi.unit,
                direction=kpi.direction,
                baseline_value=kpi.baseline_value,
                baseline_date=kpi.baseline_date,
                target_value=kpi.target_value,
                target_date=kpi.target_date,
            )
            for kpi in initiative.kpis.order_by("id")
        )
        CommittedBenefit.objects.bulk_create(
            CommittedBenefit(
                commitment=commitment,
                benefit_id=benefit.pk,
                description=benefit.description,
                kind=benefit.kind,
                is_disbenefit=benefit.is_disbenefit,
                quantity=benefit.quantity,
                unit=benefit.unit,
                expected_date=benefit.expected_date,
            )
            for benefit in initiative.benefits.order_by("expected_date", "id")
        )
        return commitment


class CommittedKPI(FrozenModel):
    """A KPI as committed: its baseline and target when the application was submitted."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="kpis"
    )
    # A plain id, not a foreign key: deleting the KPI must neither fail nor touch the commitment.
    kpi_id = models.BigIntegerField(null=True)
    name = models.CharField(_("name"), max_length=200, validators=[no_line_breaks])
    unit = models.CharField(_("unit"), max_length=40, validators=[no_line_breaks])
    direction = models.CharField(_("direction"), max_length=8, choices=Direction)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=16, decimal_places=4, null=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, validators=[plausible_date])
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=4, null=True
    )
    target_date = models.DateField(_("target date"), null=True, validators=[plausible_date])

    audit_initiative_path = "commitment__application__initiative_id"

    def audit_initiative_id(self):
        return self.commitment.application.initiative_id

    class Meta:
        verbose_name = _("committed KPI")
        verbose_name_plural = _("committed KPIs")
        ordering = ["id"]

    def __str__(self):
        return self.name


class CommittedBenefit(FrozenModel):
    """A benefit as committed: how much, in which unit, by when."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="benefits",
    )
    benefit_id = models.BigIntegerField(null=True)
    description = models.CharField(_("description"), max_length=300, validators=[no_line_breaks])
    kind = models.CharField(_("type"), max_length=12, choices=BenefitKind)
    is_disbenefit = models.BooleanField(_("dis-benefit"), default=False)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2, null=True)
    unit = models.CharField(_("unit"), max_length=16, choices=BenefitUnit)
    expected_date = models.DateField(
        _("expected realisation date"), null=True, validators=[plausible_date]
    )

    audit_initiative_path = "commitment__application__initiative_id"

    def audit_initiative_id(self):
        return self.commitment.application.initiative_id

    class Meta:
        verbose_name = _("committed benefit")
        verbose_name_plural = _("committed benefits")
        ordering = ["expected_date", "id"]

    def __str__(self):
        return self.description


# Progress reports --------------------------------------------------------------------------------


class ProgressState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")


class ProgressReportQuerySet(AuditedQuerySet):
    def update(self, **kwargs):
        # The model-level guard for bulk writes: a submitted report's words are its snapshot's.
        if "narrative" in kwargs and self.exclude(state=ProgressState.REQUESTED).exists():
            raise ImmutableError("A submitted progress report cannot change.")
        return super().update(**kwargs)

    update.alters_data = True

    def visible_to(self, user):
        """The reports of the applications the user may read (the application's rule)."""
        return self.filter(application__in=FundingApplication.objects.visible_to(user))

    def get_for(self, user, pk, needs: Action = Action.VIEW) -> "ProgressReport":
        """The report if the user may see its application (else 404) and do `needs` (else 403)."""
        report = policy.get_or_404(
            self.select_related(
                "application__initiative__organisation",
                "application__initiative__owner",
                "application__call__funder",
            ),
            pk,
        )
        policy.authorize_application(user, report.application, needs)
        return report


class ProgressReport(AuditedModel):
    """A progress report a funding officer asked of a granted application, due on a date.

    The applicant writes the narrative while it is requested; submitting freezes the narrative
    and the initiative's figures of that moment as a `ProgressSnapshot`, which never changes.
    """

    State = ProgressState
    objects = models.Manager.from_queryset(ProgressReportQuerySet)()

    application = models.ForeignKey(
        FundingApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    due_on = models.DateField(_("due on"), validators=[plausible_date])
    request_note = models.TextField(
        _("what the funder asks"),
        blank=True,
        help_text=_("What the report should cover, beyond the figures."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=12, choices=ProgressState, default=ProgressState.REQUESTED
    )
    narrative = models.TextField(
        _("progress narrative"),
        blank=True,
        help_text=_("What has been done and achieved since the funding, and what comes next."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    audit_initiative_path = "application__initiative_id"
    audit_exclude = ("requested_at", "version")

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-due_on", "-id"]

    def __str__(self):
        return _("Progress report due %(date)s") % {"date": self.due_on}

    def get_absolute_url(self):
        return reverse("funding:progress", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == ProgressState.REQUESTED

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("state", "narrative")
                .first()
            )
            if stored and stored[0] != ProgressState.REQUESTED and stored[1] != self.narrative:
                raise ImmutableError(f"Progress report #{self.pk} is submitted and cannot change.")
        super().save(*args, **kwargs)

    @classmethod
    @transaction.atomic
    def request(cls, application, user, due_on, note: str = "") -> "ProgressReport":
        """An officer asks a granted application for a report by `due_on`."""
        if application.state != ApplicationState.GRANTED:
            raise TransitionError(_("Progress reports are requested of granted applications."))
        return cls.objects.create(
            application=application, requested_by=user, due_on=due_on, request_note=note.strip()
        )

    @transaction.atomic
    def submit(self, user, figures: dict) -> "ProgressSnapshot":
        """Send the report to the funder: the narrative and `figures` are frozen as they are."""
        if not self.narrative.strip():
            raise TransitionError(_("Write the narrative before submitting the report."))
        now = timezone.now()
        claimed = (
            type(self)
            .objects.filter(pk=self.pk, state=ProgressState.REQUESTED)
            .update(state=ProgressState.SUBMITTED, submitted_at=now)
        )
        if claimed != 1:
            raise TransitionError(_("The report was submitted already. Reload the page."))
        self.state, self.submitted_at = ProgressState.SUBMITTED, now
        return ProgressSnapshot.objects.create(
            report=self,
            narrative=self.narrative,
            figures=figures,
            submitted_by=user,
            submitted_at=now,
        )

    @transaction.atomic
    def review(self, user, body: str) -> "ProgressComment":
        """An officer's comment on a submitted report; the first one marks it reviewed."""
        if self.state == ProgressState.REQUESTED:
            raise TransitionError(_("The report can be reviewed once it is submitted."))
        if not body.strip():
            raise TransitionError(COMMENT_REQUIRED)
        if self.state == ProgressState.SUBMITTED:
            now = timezone.now()
            type(self).objects.filter(pk=self.pk, state=ProgressState.SUBMITTED).update(
                state=ProgressState.REVIEWED, reviewed_at=now
            )
            self.state, self.reviewed_at = ProgressState.REVIEWED, now
        return ProgressComment.objects.create(report=self, author=user, body=body.strip())


class ProgressSnapshot(FrozenModel):
    """A submitted progress report as the funder received it: never changed or deleted."""

    report = models.OneToOneField(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.PROTECT,
        related_name="snapshot",
    )
    narrative = models.TextField(_("progress narrative"))
    # The initiative's KPIs, benefits, spend and signals when submitted (funding.progress).
    figures = models.JSONField(_("figures"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    audit_initiative_path = "report__application__initiative_id"

    def audit_initiative_id(self):
        return self.report.application.initiative_id

    class Meta:
        verbose_name = _("progress report snapshot")
        verbose_name_plural = _("progress report snapshots")

    def __str__(self):
        return f"{self.report} ({self.submitted_at:%Y-%m-%d})"


class ProgressComment(AuditedModel):
    """An officer's review comment on a submitted progress report; the applicant reads it."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    audit_initiative_path = "report__application__initiative_id"
    audit_exclude = ("created_at",)

    class Meta:
        verbose_name = _("progress report comment")
        verbose_name_plural = _("progress report comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author}: {self.body[:60]}"
