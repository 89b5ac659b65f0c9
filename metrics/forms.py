from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.models import KPI, Measurement
from renewal.forms import DateInput, NumberField, VersionedModelForm


class KPIForm(VersionedModelForm):
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
        ]
        widgets = {
            "baseline_date": DateInput,
            "target_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline_value"), cleaned.get("target_value")
        direction = cleaned.get("direction")
        if baseline is not None and target is not None and direction:
            if baseline == target:
                self.add_error("target_value", _("The target must differ from the baseline."))
            elif direction == "higher" and target < baseline:
                self.add_error(
                    "target_value",
                    _("Higher is better, so the target must be above the baseline."),
                )
            elif direction == "lower" and target > baseline:
                self.add_error(
                    "target_value",
                    _("Lower is better, so the target must be below the baseline."),
                )
        if cleaned.get("baseline_date") and cleaned["baseline_date"] > timezone.localdate():
            self.add_error("baseline_date", _("The baseline date cannot be in the future."))
        return cleaned


class MeasurementForm(forms.ModelForm):
    value = NumberField(label=_("Value"))

    class Meta:
        model = Measurement
        fields = ["date", "value", "note"]
        widgets = {"date": DateInput, "note": forms.TextInput}

    def __init__(self, *args, kpi, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.instance.kpi = kpi
        self.fields["date"].initial = timezone.localdate
        self.fields["date"].error_messages["required"] = _("Enter the date the value applies to.")
        self.fields["value"].error_messages["required"] = _("Enter a value.")
        self.fields["value"].label = _("Value (%(unit)s)") % {"unit": kpi.unit}

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        existing = Measurement.objects.filter(kpi=self.kpi, date=date).exclude(pk=self.instance.pk)
        if existing.exists():
            raise forms.ValidationError(
                _("There is already a measurement for %(date)s. Pick another date.")
                % {"date": date.isoformat()}
            )
        return date

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
