from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import dates, formats, translation
from django.utils.html import json_script
from django.utils.translation import gettext as _

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


def _signed(value: Decimal, decimal_pos: int) -> str:
    rounded = round(Decimal(value) * 100, decimal_pos)
    text = formats.number_format(abs(rounded), decimal_pos, use_l10n=True)
    return f"{'+' if rounded > 0 else '\u2212' if rounded < 0 else ''}{text}"


@register.filter
def signed_percent(value, decimal_pos=0):
    """A relative change, signed, in the reader's locale: -0.4 → −40 %, 0.05 → +5 %."""
    if value in (None, ""):
        return "—"
    return f"{_signed(value, int(decimal_pos))}\u00a0%"


@register.filter
def signed_points(value, decimal_pos=0):
    """A change of a 0–1 share in percentage points, signed, without the unit: 0.05 → +5."""
    if value in (None, ""):
        return "—"
    return _signed(value, int(decimal_pos))


@register.simple_tag
def plotly_locale():
    """Plotly's toolbar words and number and date formats in the reader's language, as a JSON
    script element static/js/charts.js hands to every chart."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    dictionary = {
        "Download plot as a PNG": _("Download the chart as a PNG image"),
        "Zoom": _("Zoom"),
        "Pan": _("Pan"),
        "Zoom in": _("Zoom in"),
        "Zoom out": _("Zoom out"),
        "Autoscale": _("Fit to the data"),
        "Reset axes": _("Reset the axes"),
        "Reset view": _("Reset the view"),
        "Show closest data on hover": _("Show the closest point on hover"),
        "Compare data on hover": _("Compare points on hover"),
        "Toggle show closest data on hover": _("Show the closest point on hover"),
        "Toggle Spike Lines": _("Show or hide guide lines"),
        "Double-click to zoom back out": _("Double-click to zoom back out"),
    }
    months = [str(dates.MONTHS[n]) for n in range(1, 13)]
    short_months = [str(dates.MONTHS_3[n]).capitalize() for n in range(1, 13)]
    # Plotly's weeks start on Sunday; Django's WEEKDAYS on Monday.
    days = [str(dates.WEEKDAYS[(n + 6) % 7]) for n in range(7)]
    locale = {
        "name": language,
        "dictionary": dictionary,
        "format": {
            "decimal": formats.get_format("DECIMAL_SEPARATOR"),
            "thousands": formats.get_format("THOUSAND_SEPARATOR"),
            "months": months,
            "shortMonths": short_months,
            "days": days,
            "shortDays": [day[:3] for day in days],
        },
    }
    return json_script(locale, "plotly-locale")
