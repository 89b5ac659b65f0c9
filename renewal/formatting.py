"""Numbers, money, shares and dates in the reader's language: the one place Renewal formats them.

Pages use these through the `renewal` template filters (`number`, `eur`, `percent`, …); messages,
e-mails, signals and the audit history call them directly, so a figure reads the same everywhere.
Every helper formats in the active language and shows an empty value as "—".
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone
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


def _as_date(value: date | str) -> date:
    """A date, or ISO text of one ("2026-08-12", or a month as "2026-08")."""
    if isinstance(value, str):
        return date.fromisoformat(f"{value}-01" if len(value) == 7 else value[:10])
    return value


def short_date(value: date | str | None) -> str:
    """A date in a table or a list: "12 Aug 2026", "12.8.2026" (Finnish and Swedish)."""
    if value in (None, ""):
        return "—"
    return formats.date_format(_as_date(value), "SHORT_DATE_FORMAT")


def long_date(value: date | str | None) -> str:
    """A date in a heading or a sentence: "12 August 2026", "12. elokuuta 2026", "12 augusti 2026"."""
    if value in (None, ""):
        return "—"
    return formats.date_format(_as_date(value), "DATE_FORMAT")


def weekday_date(value: date | str | None) -> str:
    """ "Tuesday 24 November 2026", "tiistai 24. marraskuuta 2026": translators set the format."""
    if value in (None, ""):
        return "—"
    return formats.date_format(_as_date(value), pgettext("date format with weekday", "l j F Y"))


def month_year(value: date | str | None) -> str:
    """A month: "August 2026", "elokuu 2026", "augusti 2026" (never 2026-08 inside a sentence)."""
    if value in (None, ""):
        return "—"
    return formats.date_format(_as_date(value), "YEAR_MONTH_FORMAT")


def date_time(value: datetime | date | None) -> str:
    """A moment in the reader's time zone on the 24-hour clock: "12 Aug 2026 17:35",
    "12.8.2026 17.35"; a plain date reads as a short date."""
    if value in (None, ""):
        return "—"
    if not isinstance(value, datetime):
        return short_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


# Django's date format letters as d3-time-format directives (what Plotly's axes read).
_D3 = {"j": "%-d", "d": "%d", "n": "%-m", "m": "%m", "M": "%b", "b": "%b", "F": "%B", "E": "%B"}
_D3 |= {"Y": "%Y", "y": "%y", "H": "%H", "G": "%-H", "i": "%M"}


def d3_date_format(name: str = "SHORT_DATE_FORMAT") -> str:
    """The active language's Django date format as a Plotly (d3) tick and hover format, so a
    chart's axis writes dates as the table beside it: "%-d %b %Y", "%-d.%-m.%Y"."""
    text, escaped = [], False
    for char in formats.get_format(name):
        if escaped:
            text.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            text.append(_D3.get(char, char))
    return "".join(text)
