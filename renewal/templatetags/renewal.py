from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def number(value, decimal_pos=None):
    """A number in the reader's locale without trailing zeros: 1 234,5 in Finnish."""
    if value in (None, ""):
        return "—"
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral():
            value = value.quantize(Decimal(1))
    if decimal_pos is not None:
        value = round(Decimal(value), int(decimal_pos))
    return formats.number_format(value, decimal_pos, use_l10n=True, force_grouping=True)


@register.filter
def eur(value):
    """Euros for the reader's locale, whole euros: 1 234 €."""
    if value in (None, ""):
        return "—"
    return f"{formats.number_format(round(Decimal(value)), 0, use_l10n=True, force_grouping=True)}\u00a0€"


@register.filter
def percent(value, decimal_pos=0):
    """A 0–1 share as a percentage in the reader's locale: 0.456 → 46 %."""
    if value in (None, ""):
        return "—"
    share = Decimal(value) * 100
    return f"{formats.number_format(round(share, int(decimal_pos)), int(decimal_pos), use_l10n=True)}\u00a0%"
