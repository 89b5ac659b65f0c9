"""Forms for the content of phases 2–5."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import (
    Benefit,
    CommonPrinciple,
    Competence,
    Dataset,
    Initiative,
    RealisedBenefit,
    Reallocation,
    Responsibility,
    Review,
    ValueStreamStep,
    ValueStreamVersion,
)
from initiatives.models.planning import ShowsIn
from metrics.models import KPI
from organisations.models import Organisation, people_in
from renewal.forms import DateInput, NumberField, OncePerSubmission, VersionedModelForm
from renewal.validators import no_line_breaks, plausible_date


class PhaseItemForm(OncePerSubmission, VersionedModelForm):
    """A form for one listed item of an initiative; pickers are limited to that initiative.

    Edits compare versions like every edit form: a second concurrent save gets the conflict report.
    """

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        people = people_in(
            Organisation.objects.filter(pk__in=initiative.organisation.ancestor_ids())
        )
        for name, field in self.fields.items():
            if (
                isinstance(field, forms.ModelChoiceField)
                and field.queryset.model._meta.model_name == "user"
            ):
                field.queryset = people
            if isinstance(field.widget, forms.DateInput):
                field.widget = DateInput()
            if name == "kpis":
                field.queryset = KPI.objects.filter(initiative=initiative)
            if name == "benefit":
                field.queryset = Benefit.objects.filter(initiative=initiative)

    def save(self, commit=True):
        if hasattr(self.instance, "initiative_id"):
            self.instance.initiative = self.initiative
        return super().save(commit)


class ResponsibilityForm(PhaseItemForm):
    class Meta:
        model = Responsibility
        fields = ["role", "name", "user", "expertise", "note"]
        help_texts = {
            "expertise": _("Name legal, compliance and security people early, as consulted."),
        }


class CompetenceForm(PhaseItemForm):
    class Meta:
        model = Competence
        fields = ["name", "available", "gap_plan", "due_date"]
        widgets = {"gap_plan": forms.Textarea(attrs={"rows": 3}), "due_date": DateInput}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("available") in ("partly", "no"):
            if not (cleaned.get("gap_plan") or "").strip():
                self.add_error("gap_plan", _("Say how the gap will be closed."))
            if not cleaned.get("due_date"):
                self.add_error("due_date", _("Give the date by which the gap is closed."))
        return cleaned


SCORE_CHOICES = [("", _("Not assessed"))] + [(i, str(i)) for i in range(1, 6)]


class DatasetForm(PhaseItemForm):
    completeness = forms.TypedChoiceField(
        label=_("Completeness (1–5)"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    accuracy = forms.TypedChoiceField(
        label=_("Accuracy (1–5)"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    timeliness = forms.TypedChoiceField(
        label=_("Timeliness (1–5)"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    consistency = forms.TypedChoiceField(
        label=_("Consistency (1–5)"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Dataset
        fields = [
            "name",
            "owner",
            "completeness",
            "accuracy",
            "timeliness",
            "consistency",
            "known_issues",
            "fixes",
        ]
        widgets = {
            "known_issues": forms.Textarea(attrs={"rows": 3}),
            "fixes": forms.Textarea(attrs={"rows": 3}),
        }


class CommonPrincipleForm(PhaseItemForm):
    class Meta:
        model = CommonPrinciple
        fields = ["kind", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ValueStreamStepForm(PhaseItemForm):
    processing_hours = NumberField(
        label=_("Processing time (hours per case)"), min_value=0, decimal_places=2
    )
    waiting_hours = NumberField(
        label=_("Waiting time (hours per case)"), min_value=0, decimal_places=2
    )

    class Meta:
        model = ValueStreamStep
        fields = [
            "name",
            "actor",
            "processing_hours",
            "waiting_hours",
            "volume_per_month",
            "manual",
            "automation_candidate",
        ]

    def __init__(self, *args, stream_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream_version = stream_version

    def save(self, commit=True):
        # An edited step stays in its version; a new one goes into the version it is added to,
        # the as-is baseline unless another is named.
        if self.instance.pk is None:
            version = self.stream_version or ValueStreamVersion.as_is_for(self.initiative)
            last = version.steps.order_by("-position").values_list("position", flat=True).first()
            self.instance.position = (last or 0) + 1
            self.instance.stream_version = version
        return super().save(commit)


class RemeasureForm(OncePerSubmission, forms.Form):
    """The date the real process was measured again, and what changed since."""

    measured_on = forms.DateField(
        label=_("Measured on"), widget=DateInput, validators=[plausible_date]
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BenefitForm(PhaseItemForm):
    quantity = NumberField(label=_("Quantity"), required=False, min_value=0, decimal_places=2)

    class Meta:
        model = Benefit
        fields = [
            "description",
            "kind",
            "is_disbenefit",
            "quantity",
            "unit",
            "kpis",
            "expected_date",
            "owner",
            "shows_in",
            "budget_line",
            "realisation_started_on",
        ]
        widgets = {"kpis": forms.CheckboxSelectMultiple}


class ReallocationForm(PhaseItemForm):
    capacity = NumberField(label=_("Freed capacity"), min_value=0, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A dis-benefit frees nothing, so it is never offered as a source (the model refuses it
        # too); how much a benefit has left is checked by Reallocation.clean.
        field = self.fields["benefit"]
        field.queryset = field.queryset.filter(is_disbenefit=False)
        field.error_messages["invalid_choice"] = _(
            "Choose one of this initiative's benefits; a dis-benefit is never a source."
        )

    class Meta:
        model = Reallocation
        fields = [
            "benefit",
            "capacity",
            "capacity_unit",
            "task",
            "unit",
            "from_date",
            "confirmed_on",
        ]


class RealisedBenefitForm(PhaseItemForm):
    amount = NumberField(label=_("Amount (in the benefit's unit)"), min_value=0, decimal_places=2)
    eur = NumberField(label=_("EUR in the budget"), required=False, min_value=0, decimal_places=2)
    fte = NumberField(
        label=_("FTE in the staffing plan"), required=False, min_value=0, decimal_places=2
    )

    class Meta:
        model = RealisedBenefit
        fields = [
            "benefit",
            "date",
            "amount",
            "evidence",
            "shows_in",
            "fiscal_year",
            "budget_line",
            "eur",
            "fte",
            "from_unit",
            "to_task",
        ]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("shows_in") == ShowsIn.BUDGET:
            for name in ("fiscal_year", "budget_line", "eur"):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("Needed when the benefit shows in the budget."))
        if cleaned.get("shows_in") == ShowsIn.STAFFING_PLAN:
            for name in ("fte", "from_unit", "to_task"):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("Needed when the benefit shows in the staffing plan."))
        return cleaned


class AIChecklistForm(VersionedModelForm):
    class Meta:
        model = Initiative
        fields = [
            "ai_problem_defined",
            "ai_data_quality_adequate",
            "ai_ethics_assessed",
            "ai_human_oversight",
            "ai_notes",
        ]
        widgets = {"ai_notes": forms.Textarea(attrs={"rows": 3})}


class CadenceForm(VersionedModelForm):
    class Meta:
        model = Initiative
        fields = ["weekly_review_weekday", "monthly_review_day", "review_time_zone"]

    def clean_review_time_zone(self):
        value = self.cleaned_data["review_time_zone"]
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                _("Unknown time zone, for example Europe/Helsinki.")
            ) from None
        return value


class LessonsForm(VersionedModelForm):
    class Meta:
        model = Initiative
        fields = ["lessons_learned"]
        widgets = {"lessons_learned": forms.Textarea(attrs={"rows": 6})}


class ReviewForm(OncePerSubmission, forms.ModelForm):
    class Meta:
        model = Review
        fields = ["date", "kind", "participants", "decision", "rationale"]
        widgets = {
            "date": DateInput,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(
                _("A review is recorded after it is held; the date cannot be in the future.")
            )
        return date


class ReviewActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action"), max_length=300, required=False, validators=[no_line_breaks]
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=DateInput, validators=[plausible_date]
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("description"):
            if not cleaned.get("owner"):
                self.add_error("owner", _("Every action needs an owner."))
            if not cleaned.get("due_date"):
                self.add_error("due_date", _("Every action needs a due date."))
        return cleaned


class ActionDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        help_text=_("A sentence for the next review, e.g. what changed or where the result is."),
        max_length=500,
        required=False,
        validators=[no_line_breaks],
    )


class ScaleForm(OncePerSubmission, forms.Form):
    title = forms.CharField(
        label=_("Title of the follow-up initiative"),
        max_length=200,
        validators=[no_line_breaks],
    )
    organisation = forms.ModelChoiceField(
        label=_("Unit that takes the solution into use"), queryset=None
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
