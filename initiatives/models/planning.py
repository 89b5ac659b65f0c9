"""Phase 3 and 5: how the benefit arises (value stream, benefits, reallocation) and what was
realised."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from initiatives.models.prerequisites import PhaseItem
from renewal.audit import AuditedModel
from renewal.formatting import number
from renewal.validators import no_line_breaks, plausible_date

NON_NEGATIVE = [MinValueValidator(0)]


class ValueStreamVersion(PhaseItem):
    """One description of the initiative's process: the as-is baseline mapped in phase 3, the
    to-be design, or a dated re-measurement of the real process once changes are in use.

    Each holds its own steps, so the versions compare side by side (`value_stream_comparison`).
    """

    class Kind(models.TextChoices):
        AS_IS = "as_is", _("As-is baseline")
        TO_BE = "to_be", _("To-be design")
        REMEASURE = "remeasure", _("Re-measurement")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    measured_on = models.DateField(
        _("measured on"), null=True, blank=True, validators=[plausible_date]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    # Re-measuring the real process makes sense once changes are in use: from phase 4 on.
    REMEASURE_FROM_PHASE = 4

    class Meta:
        verbose_name = _("value stream version")
        verbose_name_plural = _("value stream versions")
        ordering = ["id"]
        default_related_name = "value_stream_versions"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "kind"],
                condition=models.Q(kind__in=["as_is", "to_be"]),
                name="one_as_is_and_one_to_be_per_initiative",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="remeasure") | models.Q(measured_on__isnull=False),
                name="a_remeasurement_is_dated",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.REMEASURE:
            return gettext("Re-measured on %(date)s") % {
                "date": formats.date_format(self.measured_on, "SHORT_DATE_FORMAT")
            }
        return str(self.get_kind_display())

    @property
    def page_phase(self) -> int:
        """The phase workspace the version is kept in: re-measurements belong to execution."""
        return self.REMEASURE_FROM_PHASE if self.kind == self.Kind.REMEASURE else 3

    @classmethod
    def as_is_for(cls, initiative) -> "ValueStreamVersion":
        version, _created = cls.objects.get_or_create(initiative=initiative, kind=cls.Kind.AS_IS)
        return version

    @classmethod
    @transaction.atomic
    def start(cls, initiative, kind: str, measured_on=None, note="") -> "ValueStreamVersion":
        """Begin a to-be design (a copy of the as-is steps) or a re-measurement (a dated copy of
        the latest measured steps: the newest re-measurement, else the baseline), to edit.

        Raises ValidationError when the rules refuse: one to-be per initiative, and no
        re-measurement before the changes are in use (phase 4) or without a date.
        """
        # Locked, so two people starting at once take turns and the copy is of settled steps.
        type(initiative).objects.select_for_update().filter(pk=initiative.pk).first()
        if kind == cls.Kind.TO_BE:
            if cls.objects.filter(initiative=initiative, kind=kind).exists():
                raise ValidationError(gettext("The to-be process is already described."))
            source = cls.as_is_for(initiative)
            measured_on = None
        elif kind == cls.Kind.REMEASURE:
            if initiative.phase < cls.REMEASURE_FROM_PHASE:
                raise ValidationError(
                    gettext(
                        "The process is re-measured once the changes are in use, from phase 4 on."
                    )
                )
            if measured_on is None:
                raise ValidationError(gettext("Give the date the process was measured."))
            source = cls.latest_measured(initiative)
        else:
            raise ValidationError(gettext("Only a to-be design or a re-measurement is started."))
        version = cls.objects.create(
            initiative=initiative, kind=kind, measured_on=measured_on, note=note
        )
        ValueStreamStep.objects.bulk_create(
            ValueStreamStep(
                initiative=initiative,
                stream_version=version,
                **{name: getattr(step, name) for name in ValueStreamStep.COPIED},
            )
            for step in source.steps.all()
        )
        return version

    @classmethod
    def latest_measured(cls, initiative) -> "ValueStreamVersion":
        """The newest re-measurement (by date, then id), or the as-is baseline when none."""
        latest = (
            cls.objects.filter(initiative=initiative, kind=cls.Kind.REMEASURE)
            .order_by("-measured_on", "-id")
            .first()
        )
        return latest or cls.as_is_for(initiative)


class ValueStreamStep(PhaseItem):
    """One step of a version of the process, in order, with its times per case and monthly
    volume. The as-is version's steps are today's process, which the 3→4 gate reads."""

    stream_version = models.ForeignKey(
        ValueStreamVersion,
        verbose_name=_("value stream version"),
        on_delete=models.CASCADE,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("step"), max_length=200, validators=[no_line_breaks])
    actor = models.CharField(_("actor"), max_length=200, blank=True, validators=[no_line_breaks])
    processing_hours = models.DecimalField(
        _("processing time (hours per case)"),
        max_digits=10,
        decimal_places=2,
        validators=NON_NEGATIVE,
    )
    waiting_hours = models.DecimalField(
        _("waiting time (hours per case)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=NON_NEGATIVE,
    )
    volume_per_month = models.PositiveIntegerField(_("cases per month"), default=0)
    manual = models.BooleanField(_("manual"), default=True)
    automation_candidate = models.BooleanField(_("automation candidate"), default=False)

    class Meta:
        verbose_name = _("value stream step")
        verbose_name_plural = _("value stream steps")
        ordering = ["position", "id"]
        default_related_name = "steps"

    def __str__(self):
        return self.name

    MOVES = ("up", "down")
    # What a new version copies from the one it starts from.
    COPIED = (
        "position",
        "name",
        "actor",
        "processing_hours",
        "waiting_hours",
        "volume_per_month",
        "manual",
        "automation_candidate",
    )

    def save(self, *args, **kwargs):
        # A step added without a version belongs to the baseline: the value stream of phase 3.
        if self.stream_version_id is None:
            self.stream_version = ValueStreamVersion.as_is_for(self.initiative)
        super().save(*args, **kwargs)

    @transaction.atomic
    def move(self, direction: str) -> None:
        """Move one place up or down in the value stream, renumbering the steps 1..n.

        The version's steps are locked first, so two people reordering at once take turns.
        A step already first (or last) stays where it is.
        """
        if direction not in self.MOVES:
            raise ValueError(f"A step moves up or down, not {direction!r}.")
        steps = list(
            ValueStreamStep.objects.filter(
                stream_version_id=self.stream_version_id
            ).select_for_update()
        )
        index = next((i for i, step in enumerate(steps) if step.pk == self.pk), None)
        if index is None:
            return  # removed meanwhile: nothing left to move
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(steps):
            steps[index], steps[other] = steps[other], steps[index]
        for position, step in enumerate(steps, start=1):
            if step.position != position:
                step.position = position
                step.save(update_fields=["position"])
            if step.pk == self.pk:
                self.position = position


class BenefitKind(models.TextChoices):
    CASHABLE = "cashable", _("Cashable saving")
    TIME_FREED = "time_freed", _("Non-cashable saving / time freed")
    QUALITY = "quality", _("Quality or customer value")
    GROWTH = "growth", _("Growth for businesses")


class BenefitUnit(models.TextChoices):
    EUR_PER_YEAR = "eur_per_year", _("EUR per year")
    FTE = "fte", _("FTE")
    HOURS_PER_MONTH = "hours_per_month", _("hours per month")
    KPI_UNIT = "kpi_unit", _("the KPI's own unit")


# The units a reallocation moves, and so the only units a benefit can free capacity in.
CAPACITY_UNITS = (BenefitUnit.FTE, BenefitUnit.HOURS_PER_MONTH)


def capacity_hours(amount: Decimal, unit: str) -> Decimal:
    """FTE or hours per month as hours a year, one scale on which both compare exactly."""
    if unit == BenefitUnit.FTE:
        return amount * Decimal(settings.HOURS_PER_FTE_YEAR)
    return amount * 12


def capacity_text(hours: Decimal, unit: str, rounding=ROUND_HALF_UP) -> str:
    """Hours a year shown in FTE or hours per month for the reader's language: "1,5 FTE"."""
    per_unit = capacity_hours(Decimal(1), unit)
    amount = (hours / per_unit).quantize(Decimal("0.01"), rounding=rounding)
    return f"{number(amount)} {BenefitUnit(unit).label}"


class ShowsIn(models.TextChoices):
    BUDGET = "budget", _("Budget")
    STAFFING_PLAN = "staffing_plan", _("Staffing plan")


class Benefit(PhaseItem):
    """A planned benefit (or dis-benefit): how much, by when, who owns it and where it shows."""

    description = models.CharField(_("description"), max_length=300, validators=[no_line_breaks])
    kind = models.CharField(_("type"), max_length=12, choices=BenefitKind)
    is_disbenefit = models.BooleanField(
        _("dis-benefit"), default=False, help_text=_("A negative effect, recorded the same way.")
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    unit = models.CharField(_("unit"), max_length=16, choices=BenefitUnit)
    kpis = models.ManyToManyField(
        "metrics.KPI", verbose_name=_("linked KPIs"), blank=True, related_name="benefits"
    )
    expected_date = models.DateField(
        _("expected realisation date"), null=True, blank=True, validators=[plausible_date]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("benefit owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_benefits",
    )
    shows_in = models.CharField(_("where it will show"), max_length=16, choices=ShowsIn, blank=True)
    budget_line = models.CharField(
        _("budget line or staffing plan item"),
        max_length=200,
        blank=True,
        validators=[no_line_breaks],
    )
    realisation_started_on = models.DateField(
        _("realisation started on"),
        null=True,
        blank=True,
        help_text=_("The date the benefit began to show, even partly."),
        validators=[plausible_date],
    )

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["is_disbenefit", "expected_date", "id"]
        default_related_name = "benefits"

    def __str__(self):
        return self.description

    @property
    def is_time_freed(self) -> bool:
        return self.kind == BenefitKind.TIME_FREED and not self.is_disbenefit

    def freed_hours(self) -> Decimal | None:
        """The capacity this benefit frees, in hours a year; None if it frees none to reallocate."""
        if self.is_disbenefit or self.unit not in CAPACITY_UNITS or self.quantity is None:
            return None
        return capacity_hours(self.quantity, self.unit)

    def reallocated_hours(self, excluding=None) -> Decimal:
        """Hours a year already reallocated from this benefit, leaving out one reallocation (the
        one being edited, whose own amount does not count against itself)."""
        if self.pk is None:
            return Decimal(0)
        return sum(
            (
                capacity_hours(r.capacity, r.capacity_unit)
                for r in self.reallocations.all()
                if r.pk != excluding
            ),
            Decimal(0),
        )

    def clean(self):
        # Freed capacity is counted once: the benefit cannot shrink below what is already
        # reallocated from it, nor stop freeing capacity while reallocations draw on it.
        taken = self.reallocated_hours()
        if not taken:
            return
        freed = self.freed_hours()
        if freed is not None and taken <= freed:
            return
        field = (
            "is_disbenefit"
            if self.is_disbenefit
            else "unit"
            if self.unit not in CAPACITY_UNITS
            else "quantity"
        )
        unit = self.unit if self.unit in CAPACITY_UNITS else BenefitUnit.FTE
        raise ValidationError(
            {
                field: ValidationError(
                    gettext(
                        "%(taken)s is already reallocated from this benefit, more than it would "
                        "free after this change; change or remove those reallocations first."
                    ),
                    code="reallocated",
                    params={"taken": capacity_text(taken, unit)},
                )
            }
        )

    def realised_total(self) -> Decimal:
        return sum((r.amount for r in self.realisations.all()), Decimal(0))

    def realisation_rate(self):
        if not self.quantity:
            return None
        return self.realised_total() / self.quantity


class Reallocation(PhaseItem):
    """Where freed capacity goes: the higher-value work, in which unit, from which date."""

    class CapacityUnit(models.TextChoices):
        FTE = "fte", _("FTE")
        HOURS_PER_MONTH = "hours_per_month", _("hours per month")

    benefit = models.ForeignKey(
        Benefit,
        verbose_name=_("freed by benefit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reallocations",
    )
    capacity = models.DecimalField(
        _("freed capacity"), max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=16, choices=CapacityUnit)
    task = models.CharField(
        _("higher-value work it moves to"), max_length=300, validators=[no_line_breaks]
    )
    unit = models.CharField(_("unit"), max_length=200, validators=[no_line_breaks])
    from_date = models.DateField(_("from"), validators=[plausible_date])
    confirmed_on = models.DateField(
        _("move confirmed on"),
        null=True,
        blank=True,
        help_text=_("Set when the freed people really work on the planned task."),
        validators=[plausible_date],
    )

    class Meta:
        verbose_name = _("reallocation")
        verbose_name_plural = _("reallocations")
        ordering = ["from_date", "id"]
        default_related_name = "reallocations"

    def __str__(self):
        return f"{self.capacity} {self.get_capacity_unit_display()} → {self.task}"

    def clean(self):
        """A reallocation takes no more than its benefit frees, counting every other reallocation
        from the same benefit; a dis-benefit is never a source."""
        if self.benefit_id is None:
            return
        benefit = self.benefit
        if benefit.is_disbenefit:
            raise ValidationError(
                {
                    "benefit": ValidationError(
                        gettext("A dis-benefit frees no capacity; choose a benefit as the source."),
                        code="disbenefit",
                    )
                }
            )
        if benefit.unit not in CAPACITY_UNITS:
            raise ValidationError(
                {
                    "benefit": ValidationError(
                        gettext(
                            "This benefit is counted in %(unit)s; capacity can be reallocated "
                            "only from a benefit in FTE or hours per month."
                        ),
                        code="not_capacity",
                        params={"unit": benefit.get_unit_display()},
                    )
                }
            )
        if benefit.quantity is None:
            raise ValidationError(
                {
                    "benefit": ValidationError(
                        gettext("Give this benefit's quantity first: how much does it free?"),
                        code="no_quantity",
                    )
                }
            )
        if self.capacity is None or self.capacity_unit not in CAPACITY_UNITS:
            return  # the field's own error says what is wrong
        freed = benefit.freed_hours()
        taken = benefit.reallocated_hours(excluding=self.pk)
        left = max(freed - taken, Decimal(0))
        if capacity_hours(self.capacity, self.capacity_unit) > left:
            unit = self.capacity_unit
            raise ValidationError(
                {
                    "capacity": ValidationError(
                        gettext(
                            "The benefit frees %(freed)s; %(taken)s is already reallocated, so "
                            "at most %(left)s is left."
                        ),
                        code="exceeds_freed",
                        params={
                            "freed": capacity_text(freed, unit),
                            "taken": capacity_text(taken, unit),
                            # Rounded down, so that typing the figure shown always fits.
                            "left": capacity_text(left, unit, rounding=ROUND_DOWN),
                        },
                    )
                }
            )


class RealisedBenefit(AuditedModel):
    """A dated record of benefit that really showed, in the budget or in the staffing plan."""

    benefit = models.ForeignKey(
        Benefit, verbose_name=_("benefit"), on_delete=models.CASCADE, related_name="realisations"
    )
    date = models.DateField(_("date"), validators=[plausible_date])
    amount = models.DecimalField(
        _("amount (in the benefit's unit)"), max_digits=14, decimal_places=2
    )
    evidence = models.TextField(_("evidence"))
    shows_in = models.CharField(_("where it shows"), max_length=16, choices=ShowsIn)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    budget_line = models.CharField(
        _("budget line"), max_length=200, blank=True, validators=[no_line_breaks]
    )
    eur = models.DecimalField(_("EUR"), max_digits=14, decimal_places=2, null=True, blank=True)
    fte = models.DecimalField(_("FTE"), max_digits=8, decimal_places=2, null=True, blank=True)
    from_unit = models.CharField(
        _("from unit"), max_length=200, blank=True, validators=[no_line_breaks]
    )
    to_task = models.CharField(
        _("to task"), max_length=300, blank=True, validators=[no_line_breaks]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Edits compare versions (renewal.forms.VersionedModelForm): no lost update.
    version = models.PositiveIntegerField(default=1, editable=False)

    audit_initiative_path = "benefit__initiative_id"
    audit_exclude = ("recorded_at", "version")

    class Meta:
        verbose_name = _("realised benefit")
        verbose_name_plural = _("realised benefits")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.benefit}: {self.amount} ({self.date})"
