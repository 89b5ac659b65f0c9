from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The direction and cadence are the status rules' vocabulary: defined there, used here too.
from metrics.status import Cadence, Direction, Status, planned_value, status_from_latest, trajectory
from renewal import policy
from renewal.audit import AuditedModel, AuditedQuerySet
from renewal.policy import Action
from renewal.validators import no_line_breaks, plausible_date


class ValueArea(models.TextChoices):
    """Evidence-Based Management's key value areas."""

    CURRENT_VALUE = "current_value", _("Current value")
    COST_EFFICIENCY = "cost_efficiency", _("Cost-efficiency")
    TIME_TO_VALUE = "time_to_value", _("Time-to-value")
    ABILITY_TO_INNOVATE = "ability_to_innovate", _("Ability to innovate")


# Units that mean "per cent", as people write them in English, Finnish and Swedish.
PERCENT_UNITS = {"%", "percent", "per cent", "prosentti", "prosenttia", "procent"}


def initiatives():
    """The initiatives' manager. Initiatives sit above metrics, so their model is never imported
    here: it is the one the KPI's foreign key names ("initiatives.Initiative")."""
    return KPI._meta.get_field("initiative").related_model._default_manager


class KPIQuerySet(AuditedQuerySet):
    def visible_to(self, user, action: Action = Action.VIEW):
        """The KPIs of the initiatives in which the user may do `action`."""
        return self.filter(initiative__in=initiatives().visible_to(user, action))

    def get_for(self, user, pk, needs: Action = Action.VIEW) -> "KPI":
        """A KPI, checked through its initiative's permissions (404 outside, 403 for `needs`)."""
        kpi = policy.get_or_404(self.select_related("initiative__organisation", "owner"), pk)
        policy.authorize(user, kpi.initiative, needs)
        return kpi


class KPI(AuditedModel):
    """A measurable goal of an initiative: where it starts, where it should be, and by when."""

    objects = models.Manager.from_queryset(KPIQuerySet)()

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="kpis",
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_line_breaks])
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(
        _("unit"),
        max_length=40,
        help_text=_("For example days, %, EUR."),
        validators=[no_line_breaks],
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction)
    value_area = models.CharField(_("value area"), max_length=24, choices=ValueArea)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(
        _("baseline date"), null=True, blank=True, validators=[plausible_date]
    )
    baseline_source = models.CharField(
        _("baseline source"), max_length=300, blank=True, validators=[no_line_breaks]
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=[plausible_date]
    )
    cadence = models.CharField(
        _("measurement cadence"), max_length=10, choices=Cadence, default=Cadence.MONTHLY
    )
    data_source = models.CharField(
        _("data source"), max_length=300, blank=True, validators=[no_line_breaks]
    )
    allows_negative = models.BooleanField(
        _("values below zero are possible"),
        default=False,
        help_text=_("For example a balance or a change; not for counts, times or money spent."),
    )
    allows_above_100 = models.BooleanField(
        _("percentages above 100 are possible"),
        default=False,
        help_text=_("Only for a KPI in %, for example a utilisation rate that can exceed 100 %."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("KPI owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_kpis",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Derived from the measurements and the plan, kept current by refresh_kpi_statuses() so the
    # portfolio can read thousands of KPIs without their measurements. Not audited: not a change.
    latest_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, editable=False)
    latest_date = models.DateField(null=True, editable=False)
    status = models.CharField(max_length=12, default=Status.NO_DATA, editable=False)

    audit_initiative_path = "initiative_id"
    audit_exclude = ("version", "latest_value", "latest_date", "status")

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["initiative", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(baseline_date__isnull=True)
                | models.Q(target_date__isnull=True)
                | models.Q(target_date__gt=models.F("baseline_date")),
                name="kpi_target_after_baseline",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            raise ValidationError(
                {"target_date": _("The target date must be after the baseline date.")}
            )

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip().casefold() in PERCENT_UNITS

    @property
    def has_baseline_and_target(self) -> bool:
        return None not in (
            self.baseline_value,
            self.baseline_date,
            self.target_value,
            self.target_date,
        )

    def planned_value(self, on):
        """The value the planned trajectory (through any milestones) expects on a date."""
        return planned_value(trajectory(self, self.milestones.all()), on)


class Measurement(AuditedModel):
    """A dated value of a KPI, entered by a person or fed from another system.

    Whoever writes measurements refreshes the KPI's cached status afterwards with
    refresh_kpi_statuses(); metrics.measurements does, for the form, the import and the API.
    """

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="measurements"
    )
    date = models.DateField(_("date"), validators=[plausible_date])
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    audit_initiative_path = "kpi__initiative_id"
    audit_exclude = ("created_at",)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["kpi", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "date"], name="one_measurement_per_kpi_and_date")
        ]

    def __str__(self):
        return f"{self.kpi} {self.date}: {self.value}"


class Milestone(AuditedModel):
    """An intermediate point on a KPI's planned path; the trajectory runs through milestones.

    Like a measurement, a milestone changes the KPI's status: refresh_kpi_statuses() after writing.
    """

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("date"), validators=[plausible_date])
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)

    audit_initiative_path = "kpi__initiative_id"

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["kpi", "date"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "date"], name="one_milestone_per_kpi_and_date")
        ]

    def __str__(self):
        return f"{self.kpi} {self.date}: {self.value}"


def refresh_kpi_statuses(kpis) -> None:
    """Recompute the cached latest measurement and status of these KPIs in a few queries.

    Called explicitly wherever a KPI, its measurements or its milestones are written (the write
    path in metrics.measurements, the KPI form, the admin, the demo loaders): a save() or update()
    alone leaves the cache as it was. `manage.py refresh_kpi_statuses` recomputes every KPI.
    """
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-date")
    rows = list(
        kpis.annotate(
            current_date=Subquery(latest.values("date")[:1]),
            current_value=Subquery(latest.values("value")[:1]),
        ).prefetch_related("milestones")
    )
    today = timezone.localdate()
    for kpi in rows:
        kpi.latest_date, kpi.latest_value = kpi.current_date, kpi.current_value
        kpi.status = status_from_latest(
            kpi, kpi.latest_value, kpi.latest_date, today, kpi.milestones.all()
        ).status
    KPI._base_manager.bulk_update(rows, ["latest_date", "latest_value", "status"], batch_size=2000)


class MeasurementImport(models.Model):
    """An uploaded file of measurements on its way in: validated rows wait here for confirmation.

    Nothing reaches Measurement until the person confirms, and then all the accepted rows go in
    one transaction (see metrics.imports). Not audited: the measurements it creates are.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking the rows")
        READY = "ready", _("Ready to import")
        QUEUED = "queued", _("Waiting to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=255)
    # The file itself, kept in the database so a worker on another machine can read it; emptied
    # once the rows are checked.
    data = models.BinaryField(null=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    # One dict per data row: line, the cells as typed, the parsed values and the error codes.
    rows = models.JSONField(default=list, editable=False)
    only_valid = models.BooleanField(default=False)
    # The person chose to replace the stored values of the rows that have one.
    replace_existing = models.BooleanField(default=False)
    imported_rows = models.PositiveIntegerField(default=0)
    error = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set whenever a worker moves the import on or reports progress: an import in progress whose
    # heartbeat is old lost its worker (metrics.imports.recover_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How many times a stale import was handed to a worker again.
    recoveries = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("measurement import")
        verbose_name_plural = _("measurement imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def accepted_rows(self) -> int:
        return self.total_rows - self.rejected_rows

    @property
    def in_progress(self) -> bool:
        return self.status in (
            self.Status.UPLOADED,
            self.Status.VALIDATING,
            self.Status.QUEUED,
            self.Status.IMPORTING,
        )
