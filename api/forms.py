from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import APIToken

LIFETIMES = (30, 90, 180, 365)


def lifetime_choices() -> list[tuple[int, str]]:
    days = sorted(
        {
            d
            for d in (*LIFETIMES, settings.API_TOKEN_DEFAULT_DAYS)
            if d <= settings.API_TOKEN_MAX_DAYS
        }
    )
    return [(d, ngettext("%(days)d day", "%(days)d days", d) % {"days": d}) for d in days]


class TokenForm(forms.ModelForm):
    days = forms.TypedChoiceField(
        label=_("Works for"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("After this the token stops working; create a new one then."),
    )

    class Meta:
        model = APIToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = lifetime_choices()
        self.fields["days"].initial = settings.API_TOKEN_DEFAULT_DAYS
