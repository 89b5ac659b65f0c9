from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renewal.audit import AuditedModel, AuditedQuerySet


class ValueArea(models.TextChoices):
    """Evidence-Based Management's key value areas."""

    CURRENT_VALUE = "current_value", _("Current value")
    COST_EFFICIENCY = "cost_efficiency", _("Cost-efficiency")
    TIME_TO_VALUE = "time_to_value", _("Time-to-value")
    ABILITY_TO_INNOVATE = "ability_to_innovate", _("Ability to innovate")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


# Units that mean "per cent", as people write them in English, Finnish and Swedish.
PERCENT_UNITS = {"%", "percent", "per cent", "prosentti", "prosenttia", "procent"}


class KPIQuerySet(AuditedQuerySet):
    def update(self, **kwargs):
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        if not set(kwargs) <= {"latest_value", "latest_date", "status"}:
            refresh_kpi_statuses(KPI.objects.filter(pk__in=pks))
        return count

    update.alters_data = True


class KPI(AuditedModel):
    """A measurable goal of an initiative: where it starts, where it should be, and by when."""

    objects = models.Manager.from_queryset(KPIQuerySet)()

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="kpis",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("For example days, %, EUR."))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction)
    value_area = models.CharField(_("value area"), max_length=24, choices=ValueArea)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_source = models.CharField(_("baseline source"), max_length=300, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    cadence = models.CharField(
        _("measurement cadence"), max_length=10, choices=Cadence, default=Cadence.MONTHLY
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
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
    status = models.CharField(max_length=12, default="no_data", editable=False)

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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_kpi_statuses(KPI.objects.filter(pk=self.pk))

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
        from metrics.status import planned_value, trajectory

        return planned_value(trajectory(self, self.milestones.all()), on)


class MeasurementQuerySet(AuditedQuerySet):
    """Every write path also refreshes the cached latest value and status of the KPIs touched."""

    def _kpi_ids(self):
        return set(self.values_list("kpi_id", flat=True))

    def update(self, **kwargs):
        kpi_ids = self._kpi_ids()
        count = super().update(**kwargs)
        refresh_kpi_statuses(KPI.objects.filter(pk__in=kpi_ids | self._kpi_ids()))
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        refresh_kpi_statuses(KPI.objects.filter(pk__in={m.kpi_id for m in created}))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        refresh_kpi_statuses(KPI.objects.filter(pk__in={m.kpi_id for m in objs}))
        return count

    def delete(self):
        kpi_ids = self._kpi_ids()
        result = super().delete()
        refresh_kpi_statuses(KPI.objects.filter(pk__in=kpi_ids))
        return result

    delete.alters_data = True


class RefreshesKPIStatus(AuditedModel):
    """A row that feeds a KPI's cached latest value and status: saving or deleting it refreshes them."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_kpi_statuses(KPI.objects.filter(pk=self.kpi_id))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        refresh_kpi_statuses(KPI.objects.filter(pk=self.kpi_id))
        return result


class Measurement(RefreshesKPIStatus):
    """A dated value of a KPI, entered by a person or fed from another system."""

    objects = models.Manager.from_queryset(MeasurementQuerySet)()

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="measurements"
    )
    date = models.DateField(_("date"))
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


class Milestone(RefreshesKPIStatus):
    """An intermediate point on a KPI's planned path; the trajectory runs through milestones."""

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("date"))
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
    """Recompute the cached latest measurement and status of these KPIs in a few queries."""
    from metrics.status import status_from_latest

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
