from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import COMMENT_REQUIRED, FundingApplication, FundingCall, ProgressReport
from renewal.forms import DateInput, NumberField, OncePerSubmission, VersionedModelForm


class ApplicationForm(OncePerSubmission, VersionedModelForm):
    """The applicant's part: call, amount, period. The commitments come from the initiative."""

    amount_requested = NumberField(
        label=_("Amount requested (EUR)"), min_value=1, max_digits=14, decimal_places=2
    )

    class Meta:
        model = FundingApplication
        fields = ["call", "amount_requested", "period_start", "period_end", "summary"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        calls = FundingCall.objects.filter(closes_on__gte=today)
        if self.instance.call_id:
            calls = calls | FundingCall.objects.filter(pk=self.instance.call_id)
        self.fields["call"].queryset = calls

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end after it starts."))
        return cleaned


class ReviewForm(forms.Form):
    """An officer's comment, optionally with a decision."""

    COMMENT, START, GRANT, REJECT = "comment", "start_review", "grant", "reject"

    action = forms.ChoiceField(
        label=_("Action"),
        widget=forms.RadioSelect,
        choices=[
            (COMMENT, _("Comment only")),
            (START, _("Take into review")),
            (GRANT, _("Grant")),
            (REJECT, _("Reject")),
        ],
        initial=COMMENT,
    )
    body = forms.CharField(
        label=_("Comment to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant sees this. Required for a comment or a rejection."),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = {self.COMMENT}
        if application.state == FundingApplication.State.SUBMITTED:
            allowed.add(self.START)
        if application.state == FundingApplication.State.IN_REVIEW:
            allowed |= {self.GRANT, self.REJECT}
        field = self.fields["action"]
        field.choices = [c for c in field.choices if c[0] in allowed]
        if self.GRANT in allowed and application.initiative_stopped:
            self.fields["stop_acknowledged"] = forms.BooleanField(
                label=_("I know the initiative was stopped, and grant the funding all the same"),
                required=False,
                help_text=_("Needed only to grant this application."),
            )

    def clean(self):
        cleaned = super().clean()
        action, body = cleaned.get("action"), (cleaned.get("body") or "").strip()
        # FundingApplication.comment and .reject refuse an empty comment too; here it is shown
        # next to the field before anything is tried.
        if action in (self.COMMENT, self.REJECT) and not body:
            self.add_error("body", COMMENT_REQUIRED)
        if (
            action == self.GRANT
            and "stop_acknowledged" in self.fields
            and not cleaned.get("stop_acknowledged")
        ):
            self.add_error(
                "stop_acknowledged",
                _(
                    "The initiative was stopped. Tick this box to grant its application all the same."
                ),
            )
        return cleaned


class ProgressRequestForm(OncePerSubmission, forms.ModelForm):
    """An officer asks a granted application for a progress report by a date."""

    class Meta:
        model = ProgressReport
        fields = ["due_on", "request_note"]
        widgets = {"due_on": DateInput(), "request_note": forms.Textarea(attrs={"rows": 3})}

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on


class ProgressNarrativeForm(VersionedModelForm):
    """The applicant's words; the figures come from the initiative."""

    class Meta:
        model = ProgressReport
        fields = ["narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 10})}


class ProgressReviewForm(forms.Form):
    """An officer's review comment on a submitted report."""

    body = forms.CharField(
        label=_("Review comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant sees this."),
        error_messages={"required": COMMENT_REQUIRED},
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(COMMENT_REQUIRED)
        return body
