from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from initiatives.gates import evaluate_gate
from renewal import policy
from renewal.audit import AuditedModel, AuditedQuerySet
from renewal.policy import Action
from renewal.validators import no_line_breaks, plausible_date


class Phase(models.IntegerChoices):
    GOALS = 1, _("Goals and metrics")
    PREREQUISITES = 2, _("Prerequisites")
    PLANNING = 3, _("Planning how the benefit arises")
    EXECUTION = 4, _("Leading the execution")
    REALISATION = 5, _("Realising the benefit")


class State(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    STOPPED = "stopped", _("Stopped")
    COMPLETED = "completed", _("Completed")


class GateError(Exception):
    """A gate move the rules refuse; the message is shown to the user."""


def normalise_tags(text: str) -> str:
    """Store tags as "|a|b|" so one tag is found with a plain substring match on any database."""
    tags = []
    for raw in text.replace(";", ",").split(","):
        tag = " ".join(raw.split())
        if tag and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    return "|" + "|".join(tags) + "|" if tags else ""


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


def _funding_applications():
    # Funding sits above this app and is never imported here: its applications are reached
    # through the relation the funding app declares on the initiative (funding_applications).
    return Initiative._meta.get_field("funding_applications").related_model._default_manager.all()


class InitiativeQuerySet(AuditedQuerySet):
    def visible_to(self, user, action: Action = Action.VIEW):
        """The initiatives in which the user may do `action`: those of their organisations' subtrees
        and, to read, those that applied to a funder where they are an officer (renewal.policy)."""
        condition = policy.subtree_condition(user, action)
        # Administrators read every initiative already.
        if action == Action.VIEW and not user.is_superuser and policy.is_funding_officer(user):
            applications = policy.officer_applications(user, _funding_applications())
            condition |= models.Q(pk__in=applications.values("initiative_id"))
        return self.filter(condition)

    def applied_for_funding(self, user, applied: bool = True):
        """With an application that left the draft stage, as funders see it (or, not applied:
        without one). Only the applications the user may read count: an officer filtering by
        funding learns nothing of another funder's applications (the officer rule)."""
        applications = _funding_applications().visible_to(user)
        submitted = applications.exclude(state=applications.model.State.DRAFT)
        condition = models.Q(pk__in=submitted.values("initiative_id"))
        return self.filter(condition) if applied else self.exclude(condition)

    def granted_funding(self, user):
        """With a granted funding application the user may read."""
        applications = _funding_applications().visible_to(user)
        granted = applications.filter(state=applications.model.State.GRANTED)
        return self.filter(pk__in=granted.values("initiative_id"))

    def get_for(self, user, pk, needs: Action = Action.VIEW) -> "Initiative":
        """The initiative if the user may see it (else 404) and may do `needs` to it (else 403)."""
        initiative = policy.get_or_404(self.select_related("organisation", "owner"), pk)
        return policy.authorize(user, initiative, needs)


class Initiative(AuditedModel):
    """A renewal effort owned by one organisation, moving through the five phases."""

    objects = models.Manager.from_queryset(InitiativeQuerySet)()

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_line_breaks])
    problem = models.TextField(
        _("problem"), help_text=_("The problem this renewal solves, and for whom.")
    )
    change_for_citizens = models.TextField(
        _("change sought for citizens and customers"),
        blank=True,
        help_text=_("What changes for the people served, how much, and by when."),
    )
    change_in_cost_efficiency = models.TextField(
        _("cost-efficiency sought"),
        blank=True,
        help_text=_("How much less money or time the service should take, and by when."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
        help_text=_("The person with final accountability for the initiative."),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team"),
        blank=True,
        related_name="team_initiatives",
    )
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase, default=Phase.GOALS)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.ACTIVE)
    start_date = models.DateField(
        _("start date"), null=True, blank=True, validators=[plausible_date]
    )
    end_date = models.DateField(
        _("planned end date"), null=True, blank=True, validators=[plausible_date]
    )
    investment_budget = models.DecimalField(
        _("investment budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    tags = models.CharField(_("tags"), max_length=500, blank=True, validators=[no_line_breaks])
    uses_ai = models.BooleanField(_("uses AI"), default=False)
    # Phase 2: the AI checklist, answered only when the initiative uses AI.
    ai_problem_defined = models.BooleanField(
        _("the problem AI solves is clearly defined"), default=False
    )
    ai_data_quality_adequate = models.BooleanField(
        _("data quality is adequate for AI"), default=False
    )
    ai_ethics_assessed = models.BooleanField(_("an ethical assessment is done"), default=False)
    ai_human_oversight = models.BooleanField(_("human oversight is defined"), default=False)
    ai_notes = models.TextField(_("notes on AI use"), blank=True)
    # Phase 4: the fixed rhythm of reviews.
    weekly_review_weekday = models.PositiveSmallIntegerField(
        _("weekly team review on"), choices=WEEKDAYS, null=True, blank=True
    )
    monthly_review_day = models.PositiveSmallIntegerField(
        _("monthly leadership review on day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1–28, so that every month has the day."),
    )
    review_time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    # Phase 5: closing and acceleration.
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    follows = models.ForeignKey(
        "self",
        verbose_name=_("scaled from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audit_exclude = ("version", "created_at", "updated_at")

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["title"]
        indexes = [models.Index(fields=["organisation", "phase", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__gte=1, phase__lte=5), name="phase_between_1_and_5"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="initiative_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:detail", args=[self.pk])

    def get_phase_url(self, phase: int):
        return reverse("initiatives:phase", args=[self.pk, phase])

    def get_goals_url(self):
        """Phase 1's page, where the KPIs and their measurements are kept."""
        return self.get_phase_url(Phase.GOALS)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split("|") if t]

    @property
    def is_open(self) -> bool:
        return self.state in (State.ACTIVE, State.ON_HOLD)

    def gate(self):
        return evaluate_gate(self)

    def as_is_steps(self) -> list:
        """The steps of the as-is baseline: today's process as mapped in phase 3. Reads the
        versions through `value_stream_versions.all()`, so a prefetch makes it free."""
        as_is = self.value_stream_versions.model.Kind.AS_IS
        for version in self.value_stream_versions.all():
            if version.kind == as_is:
                return list(version.steps.all())
        return []

    def open_gate_request(self) -> "GateRequest | None":
        return (
            self.gate_requests.filter(status=GateRequest.Status.OPEN)
            .select_related("requested_by")
            .first()
        )

    @transaction.atomic
    def request_gate(self, user, note: str) -> "GateRequest":
        """Ask the organisation's leaders to decide at the gate out of the current phase.

        The initiative row is locked so that a double click records one request, not two.
        """
        Initiative.objects.select_for_update().filter(pk=self.pk).first()
        if not self.is_open:
            raise GateError(_("Only an active or on-hold initiative can pass a gate."))
        result = self.gate()
        if result is None or not result.passed:
            raise GateError(
                _("Every criterion of the gate must be met before a decision is asked for.")
            )
        if self.open_gate_request():
            raise GateError(_("A decision at this gate has already been asked for."))
        return GateRequest.objects.create(
            initiative=self, from_phase=self.phase, note=note.strip(), requested_by=user
        )

    @transaction.atomic
    def withdraw_gate_request(self, user) -> "GateRequest":
        request = self.open_gate_request()
        if request is None:
            raise GateError(_("There is no open request to withdraw."))
        if request.requested_by_id != user.pk:
            raise GateError(_("Only the person who asked for the decision can withdraw it."))
        request.status = GateRequest.Status.WITHDRAWN
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        return request

    def _refuse_own_request(self, user):
        """Four eyes: a person never decides a gate request they made themselves."""
        request = self.open_gate_request()
        if request is not None and request.requested_by_id == user.pk:
            raise GateError(
                _("You asked for this decision yourself, so another leader must decide it.")
            )

    def _decide(self, user, outcome, rationale, to_phase):
        decision = GateDecision.objects.create(
            initiative=self,
            outcome=outcome,
            from_phase=self.phase,
            to_phase=to_phase,
            rationale=rationale,
            decided_by=user,
        )
        # Any decision on the initiative answers the request that waited for one.
        GateRequest.objects.filter(initiative=self, status=GateRequest.Status.OPEN).update(
            status=GateRequest.Status.DECIDED, decision=decision, closed_at=decision.decided_at
        )
        return decision

    def _lock(self, at_phase: int | None = None) -> None:
        """Lock the initiative row and read its phase and state afresh, so that simultaneous
        decisions take turns; a decision made for a phase the initiative has left is refused."""
        current = (
            Initiative.objects.select_for_update().only("phase", "state", "version").get(pk=self.pk)
        )
        self.phase, self.state, self.version = current.phase, current.state, current.version
        if at_phase is not None and at_phase != self.phase:
            raise GateError(
                _(
                    "This decision was made for phase %(asked)s, but the initiative is now in "
                    "phase %(phase)s: someone decided first. Nothing was recorded."
                )
                % {"asked": at_phase, "phase": self.phase}
            )

    def _save_phase_and_state(self):
        self.version += 1
        self.save(update_fields=["phase", "state", "version", "updated_at"])

    @transaction.atomic
    def pass_gate(self, user, rationale: str = "", at_phase: int | None = None):
        self._lock(at_phase)
        if not self.is_open:
            raise GateError(_("Only an active or on-hold initiative can pass a gate."))
        self._refuse_own_request(user)
        result = self.gate()
        if result is None or not result.passed:
            raise GateError(_("The gate's criteria are not met yet."))
        if self.phase == Phase.REALISATION:
            decision = self._decide(user, GateDecision.Outcome.COMPLETED, rationale, self.phase)
            self.state = State.COMPLETED
        else:
            decision = self._decide(user, GateDecision.Outcome.APPROVED, rationale, self.phase + 1)
            self.phase += 1
        self._save_phase_and_state()
        return decision

    @transaction.atomic
    def return_at_gate(self, user, reason: str, at_phase: int | None = None):
        if not reason.strip():
            raise GateError(_("Say why the initiative is returned."))
        self._lock(at_phase)
        self._refuse_own_request(user)
        return self._decide(user, GateDecision.Outcome.RETURNED, reason, self.phase)

    @transaction.atomic
    def move_back(self, user, to_phase: int, reason: str, at_phase: int | None = None):
        if not reason.strip():
            raise GateError(_("Say why the initiative moves back."))
        self._lock(at_phase)
        if not 1 <= to_phase < self.phase:
            raise GateError(_("An initiative can only move back to an earlier phase."))
        decision = self._decide(user, GateDecision.Outcome.MOVED_BACK, reason, to_phase)
        self.phase = to_phase
        self._save_phase_and_state()
        return decision

    @transaction.atomic
    def stop(self, user, rationale: str, at_phase: int | None = None):
        if not rationale.strip():
            raise GateError(_("Say why the initiative is stopped."))
        self._lock(at_phase)
        if self.state == State.STOPPED:
            raise GateError(_("The initiative is already stopped."))
        decision = self._decide(user, GateDecision.Outcome.STOPPED, rationale, self.phase)
        self.state = State.STOPPED
        self._save_phase_and_state()
        return decision

    @transaction.atomic
    def pause(self, user, rationale: str):
        self._lock()
        if self.state != State.ACTIVE:
            raise GateError(_("Only an active initiative can be put on hold."))
        decision = self._decide(user, GateDecision.Outcome.PAUSED, rationale, self.phase)
        self.state = State.ON_HOLD
        self._save_phase_and_state()
        return decision

    @transaction.atomic
    def resume(self, user, rationale: str):
        self._lock()
        if self.state != State.ON_HOLD:
            raise GateError(_("Only an initiative on hold can be resumed."))
        decision = self._decide(user, GateDecision.Outcome.RESUMED, rationale, self.phase)
        self.state = State.ACTIVE
        self._save_phase_and_state()
        return decision


class GateDecision(AuditedModel):
    """A recorded decision on an initiative's phase or state: who, when, and why."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Gate approved")
        RETURNED = "returned", _("Returned to the team")
        MOVED_BACK = "moved_back", _("Moved back")
        STOPPED = "stopped", _("Stopped")
        PAUSED = "paused", _("Put on hold")
        RESUMED = "resumed", _("Resumed")
        COMPLETED = "completed", _("Completed")

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome)
    from_phase = models.PositiveSmallIntegerField(_("from phase"), choices=Phase)
    to_phase = models.PositiveSmallIntegerField(_("to phase"), choices=Phase)
    rationale = models.TextField(_("rationale"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    audit_initiative_path = "initiative_id"

    class Meta:
        verbose_name = _("gate decision")
        verbose_name_plural = _("gate decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.initiative_id} {self.phases}"

    @property
    def phases(self) -> str:
        """ "2 → 3" for a move; "2" for a decision that stayed (returned, stopped, paused)."""
        if self.from_phase == self.to_phase:
            return str(self.from_phase)
        return f"{self.from_phase} → {self.to_phase}"


class GateRequest(AuditedModel):
    """A team's request that leadership decide at the gate out of a phase.

    Members, the owner included, never decide at a gate: they ask, and a leader other than the
    one who asked decides (see Initiative.pass_gate). At most one request waits per initiative.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="gate_requests",
    )
    from_phase = models.PositiveSmallIntegerField(_("from phase"), choices=Phase)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("a gate decision", "requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    decision = models.ForeignKey(
        GateDecision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    audit_initiative_path = "initiative_id"

    class Meta:
        verbose_name = _("gate request")
        verbose_name_plural = _("gate requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative"],
                condition=models.Q(status="open"),
                name="one_open_gate_request_per_initiative",
            )
        ]

    def __str__(self):
        return f"{self.initiative_id}: {self.from_phase} ({self.status})"

    @property
    def to_phase(self) -> int:
        return min(self.from_phase + 1, Phase.REALISATION)

    @property
    def completes(self) -> bool:
        return self.from_phase == Phase.REALISATION

    def deciders(self):
        """The leaders who are asked to decide: those of the initiative's own organisation but
        the requester; where the requester is its only leader, those of the nearest
        organisation above that has another."""
        return self.initiative.organisation.nearest_leaders(excluding=self.requested_by_id)
