"""What an initiative plans to spend (a budget per year) and what it really spent (per month).

The rules for a valid figure live in `initiatives/spend.py`, shared by the form, the import and
the API; the models only hold what is stored and what every write must respect."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renewal.audit import AuditedModel
from renewal.validators import plausible_date

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class BudgetYear(AuditedModel):
    """The budget planned for an initiative in one calendar year, in EUR."""

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="budget_years",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    amount_eur = models.DecimalField(
        _("planned budget (EUR)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    # Edits compare versions (renewal.forms.VersionedModelForm): two people, one figure.
    version = models.PositiveIntegerField(default=1, editable=False)

    audit_initiative_path = "initiative_id"

    class Meta:
        verbose_name = _("yearly budget")
        verbose_name_plural = _("yearly budgets")
        ordering = ["initiative", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "year"], name="budget_year_unique_per_initiative"
            )
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.year}: {self.amount_eur}"


class MonthlySpend(AuditedModel):
    """What an initiative actually spent in one calendar month: EUR and, when known, the work
    in person-months. `month` is always the first day of the month."""

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="monthly_spend",
    )
    month = models.DateField(_("month"), validators=[plausible_date])
    amount_eur = models.DecimalField(
        _("spent (EUR)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    person_months = models.DecimalField(
        _("person-months"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    audit_initiative_path = "initiative_id"

    class Meta:
        verbose_name = _("monthly spend")
        verbose_name_plural = _("monthly spend")
        ordering = ["initiative", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "month"], name="monthly_spend_unique_per_initiative"
            )
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.month:%Y-%m}: {self.amount_eur}"

    def clean(self):
        super().clean()
        if self.month:
            if self.month.day != 1:
                raise ValidationError({"month": _("A month is stored as its first day.")})
            today = timezone.localdate()
            if self.month > datetime.date(today.year, today.month, 1):
                raise ValidationError({"month": _("Spend cannot be recorded for a future month.")})
