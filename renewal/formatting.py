"""Numbers, money, shares and dates in the reader's language: the one place Renewal formats them.

Pages use these through the `renewal` template filters (`number`, `eur`, `percent`, …); messages,
e-mails, signals and the audit history call them directly, so a figure reads the same everywhere.
Every helper formats in the active language and shows an empty value as "—".
"""

from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.translation import pgettext


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


def eur(value):
    """Euros for the reader's locale, whole euros: 1 234 €."""
    if value in (None, ""):
        return "—"
    return f"{formats.number_format(round(Decimal(value)), 0, use_l10n=True, force_grouping=True)}\u00a0€"


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


def signed_percent(value, decimal_pos=0):
    """A relative change, signed, in the reader's locale: -0.4 → −40 %, 0.05 → +5 %."""
    if value in (None, ""):
        return "—"
    return f"{_signed(value, int(decimal_pos))}\u00a0%"


def signed_points(value, decimal_pos=0):
    """A change of a 0–1 share in percentage points, signed, without the unit: 0.05 → +5."""
    if value in (None, ""):
        return "—"
    return _signed(value, int(decimal_pos))


def long_date(value: date | str) -> str:
    """ "Tuesday 24 November 2026", "tiistai 24. marraskuuta 2026": translators set the format."""
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(value, pgettext("date format with weekday", "l j F Y"))


def short_date(value: date | str) -> str:
    """ "1 October 2026" in the active language's own word order and month form."""
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(value, pgettext("date format", "j F Y"))
