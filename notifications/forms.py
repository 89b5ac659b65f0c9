from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import EmailPreference, Kind

HELP = {
    Kind.WEEKLY_REVIEW: _("Before each weekly team review of an initiative you own or work on."),
    Kind.MONTHLY_REVIEW: _(
        "Before each monthly leadership review of an initiative you own or work on."
    ),
    Kind.MEASUREMENT_OVERDUE: _("When a KPI you own has not been measured as often as planned."),
    Kind.PORTFOLIO_DIGEST: _(
        "Once a month, if you lead an organisation: its portfolio at a glance."
    ),
    Kind.FUNDING_COMMITMENT: _(
        "When a benefit your initiative committed to in a granted funding application is due "
        "soon or overdue."
    ),
    Kind.GATE_REQUEST: _(
        "If you lead an organisation: when a team asks you to decide at a gate of its initiative."
    ),
    Kind.APPLICATION_INITIATIVE_STOPPED: _(
        "If you are a funding officer: when an initiative whose application to your funder is "
        "still open is stopped, or one your funder granted is stopped or put on hold."
    ),
    Kind.COMMITMENT_WEAKENED: _(
        "If you are a funding officer: when a granted application's committed KPI target is "
        "made weaker or its date postponed."
    ),
    Kind.REVIEW_ACTION: _("When an action a review gave you is due, and when it is overdue."),
    Kind.ACCESS_REQUEST: _(
        "When someone who signed in without a role asks to join an organisation you lead."
    ),
    Kind.PROGRESS_REPORT: _(
        "When a funder asks your initiative for a progress report, as it falls due and when it "
        "is overdue; funding officers hear when it is overdue."
    ),
}


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind of reminder: also send it by e-mail? In the app it always shows."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        saved = dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))
        for kind in Kind:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label,
                help_text=HELP[kind],
                required=False,
                initial=saved.get(kind.value, True),
            )

    def save(self):
        for kind in Kind:
            EmailPreference.objects.update_or_create(
                user=self.user, kind=kind.value, defaults={"email": self.cleaned_data[kind.value]}
            )
