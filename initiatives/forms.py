from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, Phase, normalise_tags
from organisations.models import Organisation, people_in
from renewal import policy
from renewal.forms import DateInput, NumberField, OncePerSubmission, VersionedModelForm


class InitiativeForm(OncePerSubmission, VersionedModelForm):
    investment_budget = NumberField(
        label=_("Investment budget (EUR)"), required=False, min_value=0, decimal_places=2
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, for example: permits, digital self-service."),
    )

    class Meta:
        model = Initiative
        fields = [
            "organisation",
            "title",
            "problem",
            "owner",
            "team",
            "start_date",
            "end_date",
            "investment_budget",
            "tags",
            "uses_ai",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "problem": forms.Textarea(attrs={"rows": 4}),
            "team": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = policy.organisations_for(user, policy.Action.CREATE)
        self.fields["organisation"].queryset = organisations
        # Leadership above the user's organisations owns initiatives too (a ministry leader owns
        # an agency's initiative), so people come from those organisations and their ancestors.
        visible = policy.organisations_for(user, policy.Action.VIEW)
        above = {pk for organisation in visible for pk in organisation.ancestor_ids()}
        above = Organisation.objects.filter(pk__in=above)
        self.fields["owner"].queryset = people_in(above, roles=policy.OWNER_ROLES)
        self.fields["team"].queryset = people_in(above)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tag_list)
            if not policy.may_change_owner(user, self.instance):
                # A disabled field keeps the stored owner whatever is posted.
                self.fields["owner"].disabled = True
                self.fields["owner"].help_text = _("Only a leader can change the owner.")
        elif organisations.filter(pk__in=policy.organisations_for(user, policy.Action.DECIDE)):
            self.fields["owner"].initial = user.pk
        else:
            # Nobody makes themselves an owner: a team member names someone else.
            self.fields["owner"].queryset = self.fields["owner"].queryset.exclude(pk=user.pk)
            self.fields["owner"].help_text = _(
                "The person with final accountability for the initiative. Only a leader can "
                "name themselves owner."
            )
        self._user = user

    def clean_tags(self):
        return normalise_tags(self.cleaned_data["tags"])

    def clean(self):
        cleaned = super().clean()
        owner, organisation = cleaned.get("owner"), cleaned.get("organisation")
        if (
            owner
            and organisation
            and not self.instance.pk
            and owner.pk == self._user.pk
            and policy.role_in(self._user, organisation) != policy.Role.LEADER
        ):
            self.add_error("owner", _("Only a leader can name themselves owner."))
        elif owner and organisation and not policy.may_own(owner, organisation):
            self.add_error(
                "owner",
                _(
                    "The owner must be a member or leader of %(organisation)s or of an "
                    "organisation above it."
                )
                % {"organisation": organisation},
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", _("The planned end date must be on or after the start date.")
            )
        return cleaned


class ChangeStatementForm(VersionedModelForm):
    class Meta:
        model = Initiative
        fields = ["change_for_citizens", "change_in_cost_efficiency"]
        widgets = {
            "change_for_citizens": forms.Textarea(attrs={"rows": 3}),
            "change_in_cost_efficiency": forms.Textarea(attrs={"rows": 3}),
        }


class NamesPhaseForm(forms.Form):
    """A decision form that says which phase it acts on (a hidden field), so a replayed or
    simultaneous second POST is refused once the initiative has left that phase."""

    phase = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=5,
        error_messages={
            "required": _(
                "This decision does not say which phase it is for. Reload the page and "
                "decide again."
            )
        },
    )

    def __init__(self, *args, initiative=None, **kwargs):
        super().__init__(*args, **kwargs)
        if initiative is not None:
            self.fields["phase"].initial = initiative.phase

    def clean(self):
        # A hidden field's error has no place beside a field: it belongs to the whole form.
        if "phase" in self.errors:
            self.add_error(None, self.errors.pop("phase"))
        return super().clean()


class GateDecisionForm(NamesPhaseForm):
    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (APPROVE, _("Approve: move to the next phase")),
            (RETURN, _("Return to the team")),
        ],
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("rationale", "").strip():
            self.add_error(
                "rationale", _("Say why the initiative is returned, so the team can act on it.")
            )
        return cleaned


class GateRequestForm(OncePerSubmission, forms.Form):
    note = forms.CharField(
        label=_("Note to the leaders"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Write a short note: what the leaders should look at.")},
        help_text=_("What has been done and what the leaders should look at before deciding."),
    )


class MoveBackForm(NamesPhaseForm):
    to_phase = forms.TypedChoiceField(label=_("Move back to"), coerce=int, choices=[])
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, initiative=initiative, **kwargs)
        self.fields["to_phase"].choices = [
            (p.value, f"{p.value}. {p.label}") for p in Phase if p.value < initiative.phase
        ]


class StopForm(NamesPhaseForm):
    rationale = forms.CharField(
        label=_("Why is the initiative stopped?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "Stopping what does not produce results is a success of the model. Say what was "
            "learned and what happens to the people and money freed."
        ),
    )
