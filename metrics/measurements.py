"""A measurement's rules and its one write path.

The form, the CSV/XLSX import and the API all call these functions, so a value refused in one is
refused in all three with the same words, and every write (new, replaced, corrected, withdrawn)
refreshes the KPI's cached latest value and status (`refresh_kpi_statuses`) in the same
transaction.

Two kinds of bad value:
- *impossible* values are refused: exponent notation, NaN and infinities, a percentage outside
  0–100 (unless the KPI allows more than 100 %), a negative value on a KPI that cannot be negative,
  a date in the future or before 1900;
- *implausible* values are far outside everything the KPI has known (its baseline, target,
  milestones and recent measurements): a form asks to confirm them, the import preview marks them,
  the API flags them. They are stored when confirmed, because reality is sometimes surprising.
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import EllipsisType

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.models import KPI, Measurement, refresh_kpi_statuses
from organisations.models import User
from renewal import validators
from renewal.audit import acting_as
from renewal.formatting import number
from renewal.forms import NumberField

EARLIEST_DATE = validators.EARLIEST_DATE
RECENT_FOR_PLAUSIBILITY = 12
WRITE_BATCH = 1000

PROBLEMS = {
    "missing_value": _("Enter a value."),
    "bad_number": _("“%(value)s” is not a number. Write it as 12.5 or 12,5."),
    "too_many_digits": _(
        "“%(value)s” has too many digits: at most 12 before and 4 after the decimal point."
    ),
    "exponent": _(
        "“%(value)s” is written in exponent notation. Write the number out in full, for "
        "example 1000000."
    ),
    "not_finite": _("“%(value)s” is not a finite number."),
    "percentage_range": _("A percentage is between 0 and 100; %(value)s is not."),
    "negative": _(
        "This KPI cannot be negative: check the value. If the KPI can be negative, tick "
        "“values below zero are possible” on its edit page."
    ),
    "missing_date": _("Enter the date the value applies to."),
    "bad_date": _("“%(date)s” is not a date. Write it as 2025-01-31 or 31.1.2025."),
    "future_date": _("The date cannot be in the future."),
    "too_early": _("The date is before 1900. Check the year."),
    "missing_reason": _("Say why the measurement is corrected or withdrawn."),
    "implausible": _(
        "%(value)s is far outside this KPI's usual range (%(low)s to %(high)s: its baseline, "
        "target and recent values). Check it for a typing error."
    ),
}


class MeasurementError(ValueError):
    """A value or date that cannot be a measurement; `code` keys PROBLEMS."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return describe(self.code, self.params)


def describe(code: str, params: dict | None = None) -> str:
    """A problem as a sentence in the active language; figures are stored plain ("1000000")
    and formatted for the reader here, so an import checked by a worker reads right later."""
    if not params:
        return str(PROBLEMS[code])
    if code in FIGURES:
        params = {k: number(Decimal(v)) if k in FIGURES[code] else v for k, v in params.items()}
    return str(PROBLEMS[code]) % params


# The parameters of these problems are figures, formatted for the reader.
FIGURES = {"implausible": {"value", "low", "high"}}


# Values ----------------------------------------------------------------------------------------

_number = NumberField()
EXPONENT = re.compile(r"^[+\-−]?(\d[\d\s]*([.,]\d*)?|[.,]\d+)[eE][+\-−]?\d+$")


def parse_value(raw: object) -> Decimal:
    """A measured value as people and systems write it: "12,5", "1 234.5", 12.5.

    Raises MeasurementError for anything that is not a plain finite number.
    """
    if isinstance(raw, bool):
        raise MeasurementError("bad_number", value=str(raw))
    if isinstance(raw, float) and not math.isfinite(raw):
        raise MeasurementError("not_finite", value=str(raw))
    if isinstance(raw, Decimal) and not raw.is_finite():
        raise MeasurementError("not_finite", value=str(raw))
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise MeasurementError("missing_value")
    shown = text[:100]
    lowered = text.lower()
    if lowered.lstrip("+-−") in ("nan", "inf", "infinity", "snan"):
        raise MeasurementError("not_finite", value=shown)
    if EXPONENT.match(text) and not isinstance(raw, int | float | Decimal):
        raise MeasurementError("exponent", value=shown)
    if isinstance(raw, float | Decimal):
        text = format(Decimal(str(raw)), "f")
    try:
        value: Decimal = _number.clean(text)
    except forms.ValidationError as exc:
        codes = {e.code for e in exc.error_list}
        code = "bad_number" if "invalid" in codes else "too_many_digits"
        raise MeasurementError(code, value=shown) from None
    except (InvalidOperation, ValueError):
        raise MeasurementError("bad_number", value=shown) from None
    return value


def check_value(kpi: KPI, value: Decimal) -> None:
    """Raise MeasurementError when the value is impossible for this KPI."""
    if kpi.is_percentage and (value < 0 or (value > 100 and not kpi.allows_above_100)):
        raise MeasurementError("percentage_range", value=number(value))
    if value < 0 and not kpi.allows_negative:
        raise MeasurementError("negative", value=number(value))


def plausible_range(kpi: KPI, recent: list[Decimal]) -> tuple[Decimal, Decimal] | None:
    """The values this KPI can reasonably take: what it has known, widened on both sides by
    MEASUREMENT_PLAUSIBLE_SPAN times its width. None when it has known nothing yet."""
    known = [v for v in (kpi.baseline_value, kpi.target_value) if v is not None]
    known += [m.value for m in kpi.milestones.all()]
    known += recent
    if not known:
        return None
    low, high = min(known), max(known)
    width = max(high - low, abs(high) / 10, Decimal(1))
    margin = width * Decimal(str(settings.MEASUREMENT_PLAUSIBLE_SPAN))
    return low - margin, high + margin


def recent_values(kpi: KPI, exclude_pk: int | None = None) -> list[Decimal]:
    # pk=None excludes nothing: Django reads it as "pk is null" (the stubs expect a key).
    rows = Measurement.objects.filter(kpi=kpi).exclude(pk=exclude_pk)  # type: ignore[misc]
    rows = rows.order_by("-date")
    return list(rows.values_list("value", flat=True)[:RECENT_FOR_PLAUSIBILITY])


def implausibility(
    kpi: KPI,
    value: Decimal,
    recent: list[Decimal],
    bounds: tuple[Decimal, Decimal] | EllipsisType | None = ...,
) -> dict[str, str] | None:
    """The figures of an "implausible" problem (see describe), or None when the value looks
    like the KPI. Pass `bounds` (from plausible_range) to check many values of one KPI."""
    if bounds is ...:
        bounds = plausible_range(kpi, recent)
    if bounds is None or bounds[0] <= value <= bounds[1]:
        return None
    return {
        "value": format(value, "f"),
        "low": format(_rounded(bounds[0]), "f"),
        "high": format(_rounded(bounds[1]), "f"),
    }


def _rounded(value: Decimal) -> Decimal:
    """Bounds shown to people: rounded to a sensible number of digits."""
    return value.quantize(Decimal(1)) if abs(value) >= 10 else value.quantize(Decimal("0.01"))


# Dates -----------------------------------------------------------------------------------------


def parse_date(raw: object) -> date:
    """A date from an XLSX cell, ISO 2025-01-31 or Finnish 31.1.2025; ASCII digits only."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise MeasurementError("missing_date")
    shown = text[:100]
    try:
        if "." in text:
            parts = text.split(".")
            if len(parts) != 3 or not all(
                p.isascii() and p.isdigit() and len(p) <= 4 for p in parts
            ):
                raise ValueError
            day, month, year = (int(p) for p in parts)
            return date(year, month, day)
        # "2025-01-31 00:00:00" is how some programs write a date column.
        text = text[:10] if len(text) > 10 and text[10] in " T" else text
        if not text.isascii():
            raise ValueError
        return date.fromisoformat(text)
    except (ValueError, OverflowError):
        raise MeasurementError("bad_date", date=shown) from None


def check_date(when: date, today: date) -> None:
    if when > today:
        raise MeasurementError("future_date")
    if when < EARLIEST_DATE:
        raise MeasurementError("too_early")


# Writing ---------------------------------------------------------------------------------------


@dataclass
class Item:
    """One measurement to write: already checked against the rules and the policy."""

    kpi: KPI
    date: date
    value: Decimal
    note: str = ""


class DuplicateMeasurement(Exception):
    def __init__(self, item: Item):
        super().__init__(f"{item.kpi.pk} {item.date}")
        self.item = item


def write_measurements(user: User, items: list[Item], *, update_existing: bool) -> tuple[int, int]:
    """Create the measurements (or, with update_existing, replace the value and note of one
    already there for that KPI and date) in one transaction. Returns (created, updated).

    The KPI rows are locked first, so two writers to the same KPI take turns instead of one of
    them failing on the unique (kpi, date) constraint halfway through.
    """
    kpi_ids = sorted({item.kpi.pk for item in items})
    with transaction.atomic(), acting_as(user):
        list(KPI._base_manager.select_for_update().filter(pk__in=kpi_ids).values_list("pk"))
        existing = {}
        if items:
            first, last = min(i.date for i in items), max(i.date for i in items)
            for start in range(0, len(kpi_ids), 500):
                for m in Measurement.objects.filter(
                    kpi_id__in=kpi_ids[start : start + 500], date__range=(first, last)
                ):
                    existing[(m.kpi_id, m.date)] = m
        new, changed = [], []
        for item in items:
            current = existing.get((item.kpi.pk, item.date))
            if current is None:
                new.append(
                    Measurement(
                        kpi=item.kpi,
                        date=item.date,
                        value=item.value,
                        note=item.note,
                        entered_by=user,
                    )
                )
            elif not update_existing:
                raise DuplicateMeasurement(item)
            elif current.value != item.value or current.note != item.note:
                current.kpi = item.kpi
                current.value, current.note, current.entered_by = item.value, item.note, user
                current.created_at = timezone.now()  # "entered at": when this value was entered
                changed.append(current)
        for start in range(0, len(new), WRITE_BATCH):
            Measurement.objects.bulk_create(new[start : start + WRITE_BATCH])
        for start in range(0, len(changed), WRITE_BATCH):
            Measurement.objects.bulk_update(
                changed[start : start + WRITE_BATCH], ["value", "note", "entered_by", "created_at"]
            )
        refresh_kpi_statuses(KPI.objects.filter(pk__in={m.kpi_id for m in new + changed}))
    return len(new), len(changed)


@transaction.atomic
def measurement_correct(
    user: User, measurement: Measurement, *, when: date, value: Decimal, note: str, reason: str
) -> Measurement:
    """Change a stored measurement's date, value or note; the reason goes into the history."""
    if not reason.strip():
        raise MeasurementError("missing_reason")
    measurement.date, measurement.value, measurement.note = when, value, note
    measurement.entered_by = user
    with acting_as(user, reason=reason.strip()):
        measurement.save()
    refresh_kpi_statuses(KPI.objects.filter(pk=measurement.kpi_id))
    return measurement


@transaction.atomic
def measurement_withdraw(user: User, measurement: Measurement, *, reason: str) -> None:
    """Remove a wrong measurement; the history keeps its value, who withdrew it and why."""
    if not reason.strip():
        raise MeasurementError("missing_reason")
    kpi_id = measurement.kpi_id
    with acting_as(user, reason=reason.strip()):
        measurement.delete()
    refresh_kpi_statuses(KPI.objects.filter(pk=kpi_id))
