"""Measurements in bulk: reading CSV/XLSX files, checking every row, and writing all or nothing.

An import goes upload → check → preview → confirm. Checking never writes a measurement; the
confirmation writes every accepted row in one transaction, and refuses while any row is rejected
unless the person chose to import only the valid ones. The API writes through `write_measurements`
too, so a file and a feed obey the same rules: the policy decides who may write to which KPI, and
a KPI has at most one measurement per date.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from metrics.measurements import (
    PROBLEMS,
    DuplicateMeasurement,
    Item,
    MeasurementError,
    check_date,
    check_value,
    implausibility,
    parse_date,
    parse_value,
    plausible_range,
    recent_values,
    write_measurements,
)
from metrics.measurements import (
    describe as describe_problem,
)
from metrics.models import KPI, Measurement, MeasurementImport, initiatives
from renewal import policy
from renewal.exports import unneutralise
from renewal.policy import Action

MAX_ROWS = 100_000
MAX_NOTE = 500
PROGRESS_EVERY = 2000

# Header names people use, lower-cased; the template writes the first of each.
COLUMNS = {
    "kpi": ("kpi", "kpi_id", "kpi id", "mittari", "mittarin tunnus", "nyckeltal", "id"),
    "kpi_name": ("kpi_name", "kpi name", "name", "nimi", "mittarin nimi", "namn"),
    "date": ("date", "päivämäärä", "pvm", "paivamaara", "datum"),
    "value": ("value", "arvo", "värde", "varde"),
    "note": ("note", "huomautus", "lisätieto", "kommentti", "anteckning", "kommentar"),
}

# A row's problems: the measurement rules' own (metrics.measurements), and the file's.
REASONS = {
    **PROBLEMS,
    "missing_kpi": _("No KPI given."),
    "unknown_kpi": _("Unknown KPI “%(kpi)s”."),
    "no_permission": _("You may not record measurements for this KPI."),
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
    "too_large": _("The file is larger than %(max)s MB. Split it into smaller files."),
    "too_large_unpacked": _(
        "The file unpacks to more than %(max)s MB. Split it into smaller files."
    ),
    "zip_ratio": _(
        "The file is compressed far more than a spreadsheet ever is, so it was refused. "
        "Save it again from your spreadsheet program, or as CSV."
    ),
    "no_permission": _("You may no longer record measurements for this initiative."),
    "changed": _(
        "Measurements were added by someone else since the preview. The rows have been checked "
        "again: look at the preview before importing."
    ),
    "crashed": _("The import stopped unexpectedly. Nothing was stored. Try again."),
    "check_stopped": _(
        "The check of the file stopped before it finished (the server was restarted). "
        "Nothing was stored. Upload the file again."
    ),
    "store_stopped": _(
        "The import stopped before it finished (the server was restarted). Nothing was stored: "
        "the rows go in all at once or not at all. Upload the file again."
    ),
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
    if table is REASONS and code in PROBLEMS:
        return describe_problem(code, params)
    return str(table[code]) % (params or {}) if params else str(table[code])


# Reading files ---------------------------------------------------------------------------------
#
# One reader for every import (measurements here, spend in initiatives.spend_imports): an upload
# must not be able to take a web or Celery worker down. Before openpyxl sees an XLSX, every zip
# member's declared size, the total and the compression ratio are checked (Python's zipfile stops
# a member at its declared size, so a member cannot lie its way past the check); the sheet is read
# in read-only mode with its declared dimension ignored, row by row, only as wide as the header,
# and reading stops at the row cap.

DEFAULT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ZIP_RATIO = 100
DEFAULT_MAX_COLUMNS = 50
MAX_ZIP_MEMBERS = 500
# Members this small may compress as well as they like (a sheet of empty styles does).
RATIO_FLOOR_BYTES = 1024 * 1024


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_rows() -> int:
    return _limit("IMPORT_MAX_ROWS", MAX_ROWS)


def read_table(
    data: bytes, aliases: Iterable[str] | None = None, row_cap: int | None = None
) -> list[list]:
    """The rows of a CSV or XLSX file as lists of cells (str, or date/number from XLSX).

    Rows are as wide as the header (the first row with a value) and no wider; with `aliases` (the
    header names the import understands, lower-cased), cells of other columns are left blank.
    Refuses (ImportFileError) a file larger than IMPORT_MAX_UNCOMPRESSED_BYTES, a zip that would
    unpack beyond it or compresses more than IMPORT_MAX_ZIP_RATIO, and more than IMPORT_MAX_ROWS
    data rows.
    """
    max_bytes = _limit("IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)
    if len(data) > max_bytes:
        raise ImportFileError("too_large", max=_megabytes(max_bytes))
    wanted = {a.lower() for a in aliases} if aliases is not None else None
    shaper = _Shaper(wanted, row_cap or max_rows())
    if data[:4] == b"PK\x03\x04":
        _read_xlsx(data, shaper)
    else:
        _read_csv(data, shaper)
    return shaper.rows


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on a Finnish Windows is Windows-1252, not UTF-8.
        return data.decode("cp1252", errors="replace")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _header_name(cell) -> str:
    return str(cell).strip().lstrip("\ufeff").lower()


class _Shaper:
    """Cuts rows to the header's width (blanking columns the import does not read) and counts
    them against the row cap."""

    def __init__(self, wanted: set[str] | None, limit: int):
        self.wanted, self.keep, self.width, self.rows = wanted, None, None, []
        self.limit = limit

    def add(self, row) -> None:
        # Blank rows count too: a million of them is no cheaper to hold than a million rows.
        if len(self.rows) > self.limit:
            raise ImportFileError("too_many_rows", max=self.limit)
        if self.width is None:
            if not any(not _blank(c) for c in row):
                self.rows.append([])
                return
            cells = ["" if c is None else c for c in row][:DEFAULT_MAX_COLUMNS]
            while cells and _blank(cells[-1]):
                cells.pop()
            self.width = len(cells)
            if self.wanted is not None:
                self.keep = {i for i, c in enumerate(cells) if _header_name(c) in self.wanted}
            self.rows.append(cells)
            return
        cells = []
        for index, cell in enumerate(row[: self.width]):
            if cell is None or (self.keep is not None and index not in self.keep):
                cells.append("")
            else:
                cells.append(cell)
        self.rows.append(cells)


def _read_csv(data: bytes, shaper: _Shaper) -> None:
    if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError("unreadable")
    text = _decode(data).replace("\x00", "")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Finnish and Swedish Excel separate with semicolons because the comma is the decimal mark.
    delimiter = max(";,\t", key=first_line.count) if first_line else ","
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            shaper.add(row)
    except csv.Error as exc:
        raise ImportFileError("unreadable") from exc


def check_zip(data: bytes) -> None:
    """Refuse a zip whose members would unpack too large or compress suspiciously well, before
    anything decompresses them."""
    max_bytes = _limit("IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)
    max_ratio = _limit("IMPORT_MAX_ZIP_RATIO", DEFAULT_MAX_ZIP_RATIO)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError("unreadable") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError("unreadable")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > max_bytes or total > max_bytes:
            raise ImportFileError("too_large_unpacked", max=_megabytes(max_bytes))
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > max_ratio:
            raise ImportFileError("zip_ratio")


def _read_xlsx(data: bytes, shaper: _Shaper) -> None:
    check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken zip, a macro workbook, an old .xls renamed...
        raise ImportFileError("unreadable") from exc
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension (A1:XFD1048576) is the file's claim, not a fact: forget it, so
        # openpyxl neither pads rows to it nor invents the rows it claims.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(max_col=DEFAULT_MAX_COLUMNS, values_only=True):
            shaper.add(row)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError("unreadable") from exc
    finally:
        workbook.close()


def spreadsheet_aliases(columns: dict[str, tuple]) -> set[str]:
    """Every header name an import understands: the reader keeps only these columns."""
    return {alias for aliases in columns.values() for alias in aliases}


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


def _cell(row: list, index: int | None) -> object:
    if index is None or index >= len(row):
        return ""
    value = row[index]
    # Our exports quote text a spreadsheet would run as a formula; read it back as it was typed.
    return unneutralise(value.strip()) if isinstance(value, str) else value


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)[:100]


def _typed(value) -> str | None:
    """A text cell as it was typed; None for a spreadsheet's own date or number."""
    return str(value)[:100] if isinstance(value, str) else None


def _is_id(ref: object) -> bool:
    # ASCII digits only: "²" and "١٢" are digits to str.isdigit() but not to int().
    return isinstance(ref, str) and ref.isascii() and ref.isdigit()


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
        ids = {int(r) for r in refs if isinstance(r, int) or _is_id(r)}
        ids = {i for i in ids if 0 < i < 2**63}
        visible = KPI.objects.visible_to(user).select_related("initiative__organisation")
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
        if isinstance(ref, int) or _is_id(ref):
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
            check_date(when, today)
        except MeasurementError as error:
            when = None if error.code != "future_date" and error.code != "too_early" else when
            errors.append([error.code, {"date": _shown(cells["date"])}])
        try:
            value = parse_value(cells["value"])
            if kpi is not None:
                check_value(kpi, value)
        except MeasurementError as error:
            value = None if error.code not in ("percentage_range", "negative") else value
            errors.append([error.code, {"value": _shown(cells["value"])}])
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
                # The preview shows the cells as the person typed them, not as parsed.
                "typed": {"date": _typed(cells["date"]), "value": _typed(cells["value"])},
                "errors": errors,
                "warnings": [],
            }
        )
        if progress and number % PROGRESS_EVERY == 0:
            progress(number, len(raw_rows))
    mark_replacements(rows, stored_values(kpis))
    _mark_implausible(rows, kpis)
    return rows


def stored_values(kpi_ids) -> dict[tuple[int, date], tuple[str, str]]:
    """(KPI, date) → (value, note) of what is stored for these KPIs."""
    ids = sorted(kpi_ids)
    stored = {}
    for start in range(0, len(ids), 500):
        rows = Measurement.objects.filter(kpi_id__in=ids[start : start + 500]).values_list(
            "kpi_id", "date", "value", "note"
        )
        stored.update({(k, d): (format(v, "f"), n) for k, d, v, n in rows})
    return stored


def mark_replacements(rows: list[dict], stored: dict) -> None:
    """Give each accepted row whose KPI already has a value on that date the value it would
    replace, so the preview shows both and the person chooses explicitly."""
    for row in rows:
        row.pop("replaces", None)
        if row["kpi_id"] is None or row["errors"]:
            continue
        old = stored.get((row["kpi_id"], date.fromisoformat(row["date"])))
        if old is not None:
            row["replaces"] = {"value": old[0], "note": old[1]}


def _mark_implausible(rows: list[dict], kpis: dict) -> None:
    bounds = {pk: plausible_range(kpi, recent_values(kpi)) for pk, kpi in kpis.items()}
    for row in rows:
        if row["errors"] or row["kpi_id"] is None:
            continue
        kpi_id = row["kpi_id"]
        params = implausibility(kpis[kpi_id], Decimal(row["value"]), [], bounds[kpi_id])
        if params:
            row["warnings"].append(["implausible", params])


def replacements(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r["errors"] and "replaces" in r]


def new_rows(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r["errors"] and "replaces" not in r]


# Writing ---------------------------------------------------------------------------------------


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
    now = timezone.now()
    claimed = MeasurementImport.objects.filter(pk=imp.pk, status=before).update(
        status=after, heartbeat_at=now
    )
    if claimed:
        imp.status, imp.heartbeat_at = after, now
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
        initiatives().get_for(imp.user, imp.initiative_id, Action.EDIT)
        table = read_table(bytes(imp.data or b""), spreadsheet_aliases(COLUMNS))

        def progress(done, total):
            MeasurementImport.objects.filter(pk=imp.pk).update(
                processed_rows=done, total_rows=total, heartbeat_at=timezone.now()
            )

        rows = check_rows(imp.user, imp.initiative, table, progress)
    except ImportFileError as error:
        _fail(imp, error)
        return
    except (Http404, PermissionDenied):
        _fail(imp, ImportFileError("no_permission"))
        return
    except Exception:
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


def import_confirm(imp: MeasurementImport, only_valid: bool, replace: bool | None = None) -> bool:
    """Queue a ready import for storing. False when rows are rejected and only_valid is not set,
    when rows would replace stored values and the person did not choose to replace or keep
    them, when nothing is left to store, or when it is no longer ready (a double click)."""
    if imp.rejected_rows and not only_valid:
        return False
    if replacements(imp.rows) and replace is None:
        return False
    if imp.accepted_rows == 0 or not _rows_to_store(imp.rows, bool(replace)):
        return False
    MeasurementImport.objects.filter(pk=imp.pk).update(
        only_valid=only_valid, replace_existing=bool(replace)
    )
    imp.only_valid, imp.replace_existing = only_valid, bool(replace)
    return _claim(imp, MeasurementImport.Status.READY, MeasurementImport.Status.QUEUED)


def _rows_to_store(rows: list[dict], replace: bool) -> list[dict]:
    return [r for r in rows if not r["errors"] and (replace or "replaces" not in r)]


def import_store(imp: MeasurementImport) -> None:
    """Write every accepted row in one transaction, or nothing. Idempotent."""
    Status = MeasurementImport.Status
    if not _claim(imp, Status.QUEUED, Status.IMPORTING):
        return
    user = imp.user
    try:
        initiatives().get_for(user, imp.initiative_id, Action.EDIT)
    except Exception:
        _fail(imp, ImportFileError("no_permission"))
        return
    accepted = _rows_to_store(imp.rows, imp.replace_existing)
    kpis = (
        KPI.objects.visible_to(user, Action.EDIT)
        .select_related("initiative")
        .in_bulk(sorted({r["kpi_id"] for r in accepted}))
    )
    # Someone may have added or changed a measurement, or lost the right to, since the preview.
    rows_again = [dict(r, errors=list(r["errors"])) for r in imp.rows]
    mark_replacements(rows_again, stored_values(kpis))
    changed = [r.get("replaces") for r in rows_again] != [r.get("replaces") for r in imp.rows]
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
        created, updated = write_measurements(user, items, update_existing=imp.replace_existing)
    except DuplicateMeasurement:
        # Another writer got in between our check and our lock: check again from the top.
        imp.status = Status.QUEUED
        imp.save(update_fields=["status"])
        return import_store(imp)
    except Exception:
        _fail(imp, ImportFileError("crashed"))
        raise
    imp.imported_rows = created + updated
    imp.status = Status.DONE
    imp.error = None
    imp.finished_at = timezone.now()
    # The rows now live on as measurements; a 50,000-row preview need not stay in the database.
    imp.rows = []
    imp.save(update_fields=["imported_rows", "status", "error", "finished_at", "rows"])


# Recovering from a worker that died -------------------------------------------------------------

# How long an import may go without a sign of life from its worker before it counts as stopped.
DEFAULT_STALE_AFTER_SECONDS = 15 * 60
# A stale import is handed to a worker again this many times, then failed.
MAX_RECOVERIES = 1


def stale_after() -> timedelta:
    return timedelta(seconds=_limit("IMPORT_STALE_AFTER_SECONDS", DEFAULT_STALE_AFTER_SECONDS))


def stale_imports(queryset=None):
    """Imports a worker was checking or storing (or should have picked up) that have shown no
    sign of life for IMPORT_STALE_AFTER_SECONDS of the real clock."""
    Status = MeasurementImport.Status
    limit = timezone.now() - stale_after()
    queryset = MeasurementImport.objects.all() if queryset is None else queryset
    return queryset.filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit),
        status__in=[Status.VALIDATING, Status.QUEUED, Status.IMPORTING],
    )


def recover_stale(imp: MeasurementImport) -> str | None:
    """Bring back an import whose worker died: "check" or "store" when it was put back in the
    queue (the caller hands it to a worker), else None (it failed with a message saying what was
    stored, or someone else already recovered it).

    Safe to run twice at once and beside a live worker: each move is a conditional UPDATE from
    the stale status and heartbeat seen. Storing is one transaction, so a killed store stored
    nothing, or everything if it died after the commit: then the import is simply done.
    """
    Status = MeasurementImport.Status
    seen = MeasurementImport.objects.filter(pk=imp.pk, status=imp.status)
    seen = seen.filter(heartbeat_at=imp.heartbeat_at)
    now = timezone.now()
    if imp.status in (Status.QUEUED, Status.IMPORTING):
        stored = _stored_already(imp)
        if stored is not None:
            seen.update(
                status=Status.DONE, imported_rows=stored, rows=[], error=None, finished_at=now
            )
            return None
    again = imp.recoveries < MAX_RECOVERIES
    if imp.status == Status.VALIDATING:
        if again and imp.data is not None:
            moved = seen.update(
                status=Status.UPLOADED, heartbeat_at=now, recoveries=F("recoveries") + 1
            )
            return "check" if moved else None
        code = "check_stopped"
    else:
        if again:
            moved = seen.update(
                status=Status.QUEUED, heartbeat_at=now, recoveries=F("recoveries") + 1
            )
            return "store" if moved else None
        code = "store_stopped"
    seen.update(
        status=Status.FAILED,
        error=ImportFileError(code).as_json(),
        data=None,
        finished_at=now,
        heartbeat_at=now,
    )
    return None


def _stored_already(imp: MeasurementImport) -> int | None:
    """The number of rows stored when every row to store is in the database exactly as the file
    has it (the worker died after its commit); None otherwise."""
    rows = _rows_to_store(imp.rows, imp.replace_existing)
    if not rows:
        return None
    stored = stored_values({r["kpi_id"] for r in rows})
    for row in rows:
        now = stored.get((row["kpi_id"], date.fromisoformat(row["date"])))
        if now is None or Decimal(now[0]) != Decimal(row["value"]) or now[1] != row["note"]:
            return None
        replaced = row.get("replaces")
        if replaced and Decimal(replaced["value"]) == Decimal(row["value"]):
            return None  # the same value before and after: we cannot tell
    return len(rows)


# Template ---------------------------------------------------------------------------------------


def template_rows(initiative) -> tuple[list[str], list[list]]:
    """The columns the import reads, and one row per KPI of the initiative to fill in."""
    header = ["kpi", "kpi_name", "date", "value", "note"]
    body = [[k.pk, k.name, "", "", ""] for k in KPI.objects.filter(initiative=initiative)]
    return header, body
