from django import forms
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from metrics.measurements import (
    PROBLEMS,
    MeasurementError,
    check_date,
    check_value,
    describe,
    implausibility,
    parse_value,
    recent_values,
)
from metrics.models import KPI, Direction, Measurement, refresh_kpi_statuses
from renewal.forms import DateInput, NumberField, OncePerSubmission, VersionedModelForm


class KPIForm(OncePerSubmission, VersionedModelForm):
    baseline_value = NumberField(label=_("Baseline value"), required=False)
    target_value = NumberField(label=_("Target value"), required=False)

    class Meta:
        model = KPI
        fields = [
            "name",
            "description",
            "value_area",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "baseline_source",
            "target_value",
            "target_date",
            "cadence",
            "data_source",
            "owner",
            "allows_negative",
            "allows_above_100",
        ]
        widgets = {
            "baseline_date": DateInput,
            "target_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people

    @transaction.atomic
    def save(self, commit=True):
        kpi = super().save(commit)
        if commit:
            # A new baseline, target or direction moves the plan the status is measured against.
            refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))
        return kpi

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline_value"), cleaned.get("target_value")
        direction = cleaned.get("direction")
        if baseline is not None and target is not None and direction:
            if baseline == target:
                self.add_error("target_value", _("The target must differ from the baseline."))
            elif direction == Direction.HIGHER and target < baseline:
                self.add_error(
                    "target_value",
                    _("Higher is better, so the target must be above the baseline."),
                )
            elif direction == Direction.LOWER and target > baseline:
                self.add_error(
                    "target_value",
                    _("Lower is better, so the target must be below the baseline."),
                )
        if cleaned.get("baseline_date") and cleaned["baseline_date"] > timezone.localdate():
            self.add_error("baseline_date", _("The baseline date cannot be in the future."))
        # The baseline and target obey the rules the measurements will (metrics.measurements).
        rules = KPI(
            unit=cleaned.get("unit") or "",
            allows_negative=cleaned.get("allows_negative", False),
            allows_above_100=cleaned.get("allows_above_100", False),
        )
        for name in ("baseline_value", "target_value"):
            if cleaned.get(name) is not None and name not in self.errors:
                try:
                    check_value(rules, cleaned[name])
                except MeasurementError as error:
                    self.add_error(name, error.message)
        return cleaned


class MeasurementForm(OncePerSubmission, forms.ModelForm):
    """A measurement typed by a person: the rules of metrics.measurements, with the
    confirmation a person can give for a surprising value."""

    value = forms.CharField(
        label=_("Value"),
        max_length=100,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    confirm_unusual = forms.BooleanField(
        label=_("The value is right: save it anyway"), required=False
    )

    class Meta:
        model = Measurement
        fields = ["date", "value", "note"]
        widgets = {"date": DateInput, "note": forms.TextInput}

    def __init__(self, *args, kpi, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.instance.kpi = kpi
        self.needs_confirmation = False
        self.fields["date"].initial = timezone.localdate
        self.fields["date"].error_messages["required"] = describe("missing_date")
        self.fields["value"].error_messages["required"] = describe("missing_value")
        self.fields["value"].label = _("Value (%(unit)s)") % {"unit": kpi.unit}
        if self.instance.pk and not self.is_bound:
            self.initial["value"] = formats.localize_input(self.instance.value.normalize())

    def clean_value(self):
        try:
            value = parse_value(self.cleaned_data["value"])
            check_value(self.kpi, value)
        except MeasurementError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return value

    def clean_date(self):
        date = self.cleaned_data["date"]
        try:
            check_date(date, timezone.localdate())
        except MeasurementError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        existing = Measurement.objects.filter(kpi=self.kpi, date=date).exclude(pk=self.instance.pk)
        if existing.exists():
            raise forms.ValidationError(
                _("There is already a measurement for %(date)s. Pick another date.")
                % {"date": formats.date_format(date, "SHORT_DATE_FORMAT")}
            )
        return date

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        if value is None or cleaned.get("confirm_unusual"):
            return cleaned
        recent = recent_values(self.kpi, exclude_pk=self.instance.pk)
        if params := implausibility(self.kpi, value, recent):
            self.needs_confirmation = True
            self.add_error(
                "value",
                f"{describe('implausible', params)} "
                f"{_('If it is right, tick the box below and save again.')}",
            )
        return cleaned

    def visible_fields_now(self):
        """The confirmation box shows only once a value needs it."""
        return [
            f
            for f in self.visible_fields()
            if f.name != "confirm_unusual" or self.needs_confirmation
        ]


class MeasurementCorrectionForm(MeasurementForm):
    """Correcting a stored measurement: the same rules, and a reason for the history."""

    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=1000,
        error_messages={"required": PROBLEMS["missing_reason"]},
        help_text=_("Shown in the KPI's history with the old and new value."),
    )


class MeasurementWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": PROBLEMS["missing_reason"]},
        help_text=_("Shown in the KPI's history with the withdrawn value."),
    )

    def validate_unique(self):
        # clean_date already explains a duplicate date in words a person understands.
        pass


MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"),
        help_text=_("CSV or XLSX, at most 20 MB and 100,000 rows."),
        error_messages={"required": _("Choose a CSV or XLSX file.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        name = (uploaded.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Choose a CSV or XLSX file."))
        if uploaded.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB. Split it into parts."))
        return uploaded
