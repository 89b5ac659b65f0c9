"""Measurements in bulk: reading CSV/XLSX files, checking every row, and writing all or nothing.

An import goes upload → check → preview → confirm. Checking never writes a measurement; the
confirmation writes every accepted row in one transaction, and refuses while any row is rejected
unless the person chose to import only the valid ones. The API writes through `write_measurements`
too, so a file and a feed obey the same rules: the policy decides who may write to which KPI, and
a KPI has at most one measurement per date.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.models import KPI, Measurement, MeasurementImport
from renewal import policy
from renewal.audit import acting_as
from renewal.forms import NumberField
from renewal.policy import Action

MAX_ROWS = 100_000
MAX_NOTE = 500
WRITE_BATCH = 1000
PROGRESS_EVERY = 2000

# Header names people use, lower-cased; the template writes the first of each.
COLUMNS = {
    "kpi": ("kpi", "kpi_id", "kpi id", "mittari", "mittarin tunnus", "nyckeltal", "id"),
    "kpi_name": ("kpi_name", "kpi name", "name", "nimi", "mittarin nimi", "namn"),
    "date": ("date", "päivämäärä", "pvm", "paivamaara", "datum"),
    "value": ("value", "arvo", "värde", "varde"),
    "note": ("note", "huomautus", "lisätieto", "kommentti", "anteckning", "kommentar"),
}

REASONS = {
    "missing_kpi": _("No KPI given."),
    "unknown_kpi": _("Unknown KPI “%(kpi)s”."),
    "no_permission": _("You may not record measurements for this KPI."),
    "missing_date": _("Enter the date the value applies to."),
    "bad_date": _("“%(date)s” is not a date. Write it as 2025-01-31 or 31.1.2025."),
    "future_date": _("The date cannot be in the future."),
    "missing_value": _("Enter a value."),
    "bad_number": _("“%(value)s” is not a number. Write it as 12.5 or 12,5."),
    "too_many_digits": _(
        "“%(value)s” has too many digits: at most 12 before and 4 after the decimal point."
    ),
    "note_too_long": _("The note is longer than 500 characters."),
    "duplicate_in_file": _("The same KPI and date as row %(line)s."),
    "duplicate_in_db": _("There is already a measurement for this KPI on %(date)s."),
}

FILE_ERRORS = {
    "unreadable": _("The file could not be read. Save it as CSV (UTF-8) or XLSX and try again."),
    "empty": _("The file has no rows."),
    "no_header": _(
        "The first row must name the columns: kpi, date, value and, if you like, note. "
        "Download the template to see the layout."
    ),
    "too_many_rows": _("The file has more than %(max)s rows. Split it into smaller files."),
    "no_permission": _("You may no longer record measurements for this initiative."),
    "changed": _(
        "Measurements were added by someone else since the preview. The rows have been checked "
        "again: look at the preview before importing."
    ),
    "crashed": _("The import stopped unexpectedly. Nothing was stored. Try again."),
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (as opposed to a row in it)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    def as_json(self) -> list:
        return [self.code, self.params]


def describe(code: str, params: dict | None = None, table=REASONS) -> str:
    """A stored reason code as a sentence in the reader's language."""
    return str(table[code]) % (params or {}) if params else str(table[code])


# Reading files ---------------------------------------------------------------------------------


def read_table(data: bytes) -> list[list]:
    """The rows of a CSV or XLSX file as lists of cells (str, or date/number from XLSX)."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on a Finnish Windows is Windows-1252, not UTF-8.
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes) -> list[list]:
    if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError("unreadable")
    text = _decode(data).replace("\x00", "")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Finnish and Swedish Excel separate with semicolons because the comma is the decimal mark.
    delimiter = max(";,\t", key=first_line.count) if first_line else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError("too_many_rows", max=MAX_ROWS)
    except csv.Error as exc:
        raise ImportFileError("unreadable") from exc
    return rows


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken zip, a macro workbook, an old .xls renamed...
        raise ImportFileError("unreadable") from exc
    try:
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(["" if cell is None else cell for cell in row])
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError("too_many_rows", max=MAX_ROWS)
        return rows
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError("unreadable") from exc
    finally:
        workbook.close()


def _columns(header: list) -> dict[str, int]:
    names = [str(cell).strip().lstrip("\ufeff").lower() for cell in header]
    found = {}
    for column, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[column] = index
                break
    has_kpi = "kpi" in found or "kpi_name" in found
    if not (has_kpi and "date" in found and "value" in found):
        raise ImportFileError("no_header")
    return found


# Checking values -------------------------------------------------------------------------------


_number = NumberField()


def parse_value(raw) -> Decimal:
    """A measured value as people write it; raises ValueError with a reason code."""
    if isinstance(raw, bool):
        raise ValueError("bad_number")
    if isinstance(raw, int | float | Decimal):
        raw = str(raw)
    raw = str(raw).strip()
    if not raw:
        raise ValueError("missing_value")
    try:
        return _number.clean(raw)
    except forms.ValidationError as exc:
        codes = {e.code for e in exc.error_list}
        raise ValueError("bad_number" if "invalid" in codes else "too_many_digits") from None


def parse_date(raw) -> date:
    """A date from an XLSX cell, ISO 2025-01-31 or Finnish 31.1.2025; raises ValueError."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    if not text:
        raise ValueError("missing_date")
    try:
        if "." in text:
            day, month, year = text.split(".")
            return date(int(year), int(month), int(day))
        # "2025-01-31 00:00:00" is how some programs write a date column.
        return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T" else text)
    except ValueError:
        raise ValueError("bad_date") from None


def date_error(value: date, today: date) -> str | None:
    """The reason a measurement cannot have this date, if any (the form's rule, as a code)."""
    return "future_date" if value > today else None


def _cell(row: list, index: int | None) -> object:
    if index is None or index >= len(row):
        return ""
    value = row[index]
    return value.strip() if isinstance(value, str) else value


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)[:100]


@dataclass
class KPIResolver:
    """Finds the KPI a row means: by id among those the user can see, else by name in the
    initiative. Rows for KPIs of other initiatives the user may edit are fine."""

    user: object
    initiative: object
    by_id: dict
    by_name: dict

    @classmethod
    def load(cls, user, initiative, refs: Iterable) -> "KPIResolver":
        ids = {int(r) for r in refs if isinstance(r, int) or (isinstance(r, str) and r.isdigit())}
        ids = {i for i in ids if 0 < i < 2**63}
        visible = policy.kpis_for(user).select_related("initiative__organisation")
        by_id = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            by_id.update(visible.in_bulk(id_list[start : start + 500]))
        by_name = {
            k.name.strip().casefold(): k
            for k in KPI.objects.filter(initiative=initiative).select_related(
                "initiative__organisation"
            )
        }
        return cls(user, initiative, by_id, by_name)

    def find(self, ref, name) -> KPI | None:
        if isinstance(ref, float) and ref.is_integer():
            ref = int(ref)
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            kpi = self.by_id.get(int(ref))
            if kpi is not None or not name:
                return kpi
        text = str(ref or name or "").strip().casefold()
        return self.by_name.get(text)


def check_rows(
    user, initiative, table: list[list], progress: Callable[[int, int], None] | None = None
) -> list[dict]:
    """Every data row of the file, accepted (no errors) or rejected (a list of reason codes).

    Blank rows, and rows that name a KPI but have neither date nor value (the template's), are
    left out. Writes nothing.
    """
    start = next((i for i, row in enumerate(table) if any(not _blank(c) for c in row)), None)
    if start is None:
        raise ImportFileError("empty")
    columns = _columns(table[start])
    get = {name: columns.get(name) for name in COLUMNS}
    raw_rows = []
    for offset, row in enumerate(table[start + 1 :], start=start + 2):
        cells = {name: _cell(row, index) for name, index in get.items()}
        if _blank(cells["date"]) and _blank(cells["value"]) and _blank(cells["note"]):
            continue
        raw_rows.append((offset, cells))
    if not raw_rows:
        raise ImportFileError("empty")

    resolver = KPIResolver.load(user, initiative, (c["kpi"] for _, c in raw_rows))
    today = timezone.localdate()
    rows, first_line = [], {}
    kpis = {}
    for number, (line, cells) in enumerate(raw_rows, start=1):
        errors = []
        kpi = resolver.find(cells["kpi"], cells["kpi_name"])
        if kpi is None:
            shown = _shown(cells["kpi"] or cells["kpi_name"])
            errors.append(["unknown_kpi", {"kpi": shown}] if shown else ["missing_kpi", {}])
        elif not policy.can(user, Action.EDIT, kpi.initiative):
            errors.append(["no_permission", {}])
        try:
            when = parse_date(cells["date"])
            if problem := date_error(when, today):
                errors.append([problem, {}])
        except ValueError as exc:
            when = None
            errors.append([str(exc), {"date": _shown(cells["date"])}])
        try:
            value = parse_value(cells["value"])
        except ValueError as exc:
            value = None
            errors.append([str(exc), {"value": _shown(cells["value"])}])
        note = "" if _blank(cells["note"]) else str(cells["note"]).replace("\x00", "")
        if len(note) > MAX_NOTE:
            errors.append(["note_too_long", {}])
        if kpi is not None and when is not None:
            key = (kpi.pk, when)
            if key in first_line:
                errors.append(["duplicate_in_file", {"line": first_line[key]}])
            else:
                first_line[key] = line
            kpis[kpi.pk] = kpi
        rows.append(
            {
                "line": line,
                "kpi": _shown(cells["kpi"] or cells["kpi_name"]),
                "kpi_id": kpi.pk if kpi else None,
                "date": when.isoformat() if when else _shown(cells["date"]),
                "value": format(value, "f") if value is not None else _shown(cells["value"]),
                "note": note[: MAX_NOTE + 20],
                "errors": errors,
            }
        )
        if progress and number % PROGRESS_EVERY == 0:
            progress(number, len(raw_rows))
    _mark_stored_duplicates(rows, kpis)
    return rows


def _mark_stored_duplicates(rows: list[dict], kpis: dict) -> int:
    """Reject rows whose KPI already has a measurement on that date; returns how many."""
    stored = _stored_dates(kpis)
    count = 0
    for row in rows:
        if row["kpi_id"] is None or any(code == "duplicate_in_db" for code, _ in row["errors"]):
            continue
        try:
            key = (row["kpi_id"], date.fromisoformat(row["date"]))
        except ValueError:
            continue
        if key in stored:
            row["errors"].append(["duplicate_in_db", {"date": row["date"]}])
            count += 1
    return count


def _stored_dates(kpi_ids) -> set[tuple[int, date]]:
    ids = sorted(kpi_ids)
    stored = set()
    for start in range(0, len(ids), 500):
        stored.update(
            Measurement.objects.filter(kpi_id__in=ids[start : start + 500]).values_list(
                "kpi_id", "date"
            )
        )
    return stored


# Writing ---------------------------------------------------------------------------------------


@dataclass
class Item:
    """One measurement to write: already checked against the rules and the policy."""

    kpi: KPI
    date: date
    value: Decimal
    note: str = ""


def write_measurements(user, items: list[Item], *, update_existing: bool) -> tuple[int, int]:
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
    return len(new), len(changed)


class DuplicateMeasurement(Exception):
    def __init__(self, item: Item):
        super().__init__(f"{item.kpi.pk} {item.date}")
        self.item = item


# The import's life: upload → check → confirm → store -------------------------------------------


def import_create(user, initiative, uploaded) -> MeasurementImport:
    return MeasurementImport.objects.create(
        user=user,
        initiative=initiative,
        filename=(uploaded.name or "")[:255],
        data=b"".join(uploaded.chunks()),
    )


def _claim(imp: MeasurementImport, before: str, after: str) -> bool:
    """Move the import from one status to the next unless someone else already did."""
    claimed = MeasurementImport.objects.filter(pk=imp.pk, status=before).update(status=after)
    if claimed:
        imp.status = after
    return bool(claimed)


def _fail(imp: MeasurementImport, error: ImportFileError) -> None:
    imp.status = MeasurementImport.Status.FAILED
    imp.error = error.as_json()
    imp.data = None
    imp.finished_at = timezone.now()
    imp.save(update_fields=["status", "error", "data", "finished_at"])


def import_check(imp: MeasurementImport) -> None:
    """Read and check the uploaded file; the import becomes ready (or failed). Idempotent."""
    Status = MeasurementImport.Status
    if not _claim(imp, Status.UPLOADED, Status.VALIDATING):
        return
    try:
        policy.get_initiative(imp.user, imp.initiative_id, Action.EDIT)
        table = read_table(bytes(imp.data or b""))

        def progress(done, total):
            MeasurementImport.objects.filter(pk=imp.pk).update(
                processed_rows=done, total_rows=total
            )

        rows = check_rows(imp.user, imp.initiative, table, progress)
    except ImportFileError as error:
        _fail(imp, error)
        return
    except Exception as error:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(error, Http404 | PermissionDenied):
            _fail(imp, ImportFileError("no_permission"))
            return
        _fail(imp, ImportFileError("crashed"))
        raise
    imp.rows = rows
    imp.total_rows = imp.processed_rows = len(rows)
    imp.rejected_rows = sum(1 for r in rows if r["errors"])
    imp.data = None
    imp.status = Status.READY
    imp.save(
        update_fields=["rows", "total_rows", "processed_rows", "rejected_rows", "data", "status"]
    )


def import_confirm(imp: MeasurementImport, only_valid: bool) -> bool:
    """Queue a ready import for storing. False when rows are rejected and only_valid is not set,
    when nothing is accepted, or when it is no longer ready (a double click)."""
    if imp.rejected_rows and not only_valid:
        return False
    if imp.accepted_rows == 0:
        return False
    MeasurementImport.objects.filter(pk=imp.pk).update(only_valid=only_valid)
    imp.only_valid = only_valid
    return _claim(imp, MeasurementImport.Status.READY, MeasurementImport.Status.QUEUED)


def import_store(imp: MeasurementImport) -> None:
    """Write every accepted row in one transaction, or nothing. Idempotent."""
    Status = MeasurementImport.Status
    if not _claim(imp, Status.QUEUED, Status.IMPORTING):
        return
    user = imp.user
    try:
        policy.get_initiative(user, imp.initiative_id, Action.EDIT)
    except Exception:
        _fail(imp, ImportFileError("no_permission"))
        return
    accepted = [r for r in imp.rows if not r["errors"]]
    kpis = (
        policy.kpis_for(user, Action.EDIT)
        .select_related("initiative")
        .in_bulk(sorted({r["kpi_id"] for r in accepted}))
    )
    # Someone may have added a measurement, or lost the right to, since the preview.
    rows_again = [dict(r, errors=list(r["errors"])) for r in imp.rows]
    changed = _mark_stored_duplicates(rows_again, kpis)
    lost = {r["kpi_id"] for r in accepted} - set(kpis)
    if changed or lost:
        for row in rows_again:
            if not row["errors"] and row["kpi_id"] in lost:
                row["errors"].append(["no_permission", {}])
        imp.rows = rows_again
        imp.rejected_rows = sum(1 for r in rows_again if r["errors"])
        imp.status = Status.READY
        imp.error = ImportFileError("changed").as_json()
        imp.save(update_fields=["rows", "rejected_rows", "status", "error"])
        return
    items = [
        Item(kpis[r["kpi_id"]], date.fromisoformat(r["date"]), Decimal(r["value"]), r["note"])
        for r in accepted
    ]
    try:
        created, _updated = write_measurements(user, items, update_existing=False)
    except DuplicateMeasurement:
        # Another writer got in between our check and our lock: check again from the top.
        imp.status = Status.QUEUED
        imp.save(update_fields=["status"])
        return import_store(imp)
    except Exception:
        _fail(imp, ImportFileError("crashed"))
        raise
    imp.imported_rows = created
    imp.status = Status.DONE
    imp.error = None
    imp.finished_at = timezone.now()
    # The rows now live on as measurements; a 50,000-row preview need not stay in the database.
    imp.rows = []
    imp.save(update_fields=["imported_rows", "status", "error", "finished_at", "rows"])


# Template ---------------------------------------------------------------------------------------


def template_rows(initiative) -> tuple[list[str], list[list]]:
    """The columns the import reads, and one row per KPI of the initiative to fill in."""
    header = ["kpi", "kpi_name", "date", "value", "note"]
    body = [[k.pk, k.name, "", "", ""] for k in KPI.objects.filter(initiative=initiative)]
    return header, body
