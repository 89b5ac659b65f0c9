from django import forms

from api.models import APIToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = APIToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
