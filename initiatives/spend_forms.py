"""The forms of the budget and spend page: each field checked by the rules in initiatives.spend."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import BudgetYear, MonthlySpend
from initiatives.spend import (
    SpendError,
    check_month,
    check_note,
    parse_amount,
    parse_month,
    parse_person_months,
    parse_year,
)
from renewal.formatting import month_year
from renewal.forms import OncePerSubmission, VersionedModelForm


def _checked(parse, value):
    try:
        return parse(value)
    except SpendError as error:
        raise forms.ValidationError(error.message, code=error.code) from None


class BudgetYearForm(OncePerSubmission, VersionedModelForm):
    year = forms.CharField(label=_("Year"), max_length=4)
    amount_eur = forms.CharField(label=_("Planned budget (EUR)"), max_length=40)

    class Meta:
        model = BudgetYear
        fields = ["year", "amount_eur"]

    def __init__(self, *args, initiative, **kwargs):
        # Its own ids: the page holds this form and the month's, both with an amount field.
        kwargs.setdefault("auto_id", "id_year_%s")
        super().__init__(*args, **kwargs)
        self.instance.initiative = initiative
        self.fields["year"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["amount_eur"].widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off"}
        )

    def clean_year(self):
        year = _checked(parse_year, self.cleaned_data["year"])
        others = BudgetYear.objects.filter(initiative=self.instance.initiative, year=year)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("A budget for %(year)s is already recorded. Edit that one instead."),
                code="exists",
                params={"year": year},
            )
        return year

    def clean_amount_eur(self):
        return _checked(parse_amount, self.cleaned_data["amount_eur"])


class MonthlySpendForm(OncePerSubmission, VersionedModelForm):
    month = forms.CharField(
        label=_("Month"),
        max_length=20,
        help_text=_("For example 2026-03 or 3/2026."),
    )
    amount_eur = forms.CharField(label=_("Spent (EUR)"), max_length=40)
    person_months = forms.CharField(label=_("Person-months"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    class Meta:
        model = MonthlySpend
        fields = ["month", "amount_eur", "person_months", "note"]

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.initiative = initiative
        if self.instance.pk:
            self.initial["month"] = self.instance.month.strftime("%Y-%m")
        for name in ("amount_eur", "person_months"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.fields["month"].widget.attrs.update({"autocomplete": "off"})

    def clean_month(self):
        month = _checked(parse_month, self.cleaned_data["month"])
        _checked(lambda m: check_month(m, timezone.localdate()), month)
        others = MonthlySpend.objects.filter(initiative=self.instance.initiative, month=month)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Spend for %(month)s is already recorded. Edit that month instead."),
                code="exists",
                params={"month": month_year(month)},
            )
        return month

    def clean_amount_eur(self):
        return _checked(parse_amount, self.cleaned_data["amount_eur"])

    def clean_person_months(self):
        return _checked(parse_person_months, self.cleaned_data["person_months"])

    def clean_note(self):
        return _checked(check_note, self.cleaned_data["note"])
