from django import template
from django.conf import settings
from django.utils import dates, formats, translation
from django.utils.html import json_script
from django.utils.translation import gettext as _

from renewal import formatting, policy

register = template.Library()


# The formatting lives in renewal/formatting.py, where Python code calls it too.
for _filter in (
    formatting.number,
    formatting.eur,
    formatting.percent,
    formatting.signed_percent,
    formatting.signed_points,
    formatting.short_date,
    formatting.long_date,
    formatting.weekday_date,
    formatting.month_year,
    formatting.date_time,
):
    register.filter(_filter)


@register.filter
def may_view_portfolio(user) -> bool:
    """For the navigation: has this user an organisation's portfolio to look at?"""
    return policy.may_view_portfolio(user)


@register.filter
def is_funding_officer(user) -> bool:
    """For the navigation: does this user review funding applications?"""
    return policy.is_funding_officer(user)


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
