"""Spend in bulk from a CSV/XLSX file: read with the measurement import's readers, every row
checked by the spend rules, and stored all or nothing.

A spend file is a few dozen rows, so it is checked while the person waits: the preview carries
the checked rows, signed, to the confirmation, which stores them in one transaction."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from django import forms
from django.core import signing
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, MonthlySpend
from initiatives.spend import SpendItem, spend_item
from metrics.imports import FILE_ERRORS, ImportFileError, read_table, spreadsheet_aliases
from renewal.exports import unneutralise

MAX_ROWS = 1200  # a hundred years of months
MAX_BYTES = 5 * 1024 * 1024
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview can be confirmed

# Header names people use, lower-cased.
COLUMNS = {
    "month": ("month", "kuukausi", "kk", "månad", "manad"),
    "amount_eur": ("amount_eur", "amount", "eur", "spent", "summa", "euroa", "belopp"),
    "person_months": (
        "person_months",
        "person-months",
        "htkk",
        "henkilötyökuukaudet",
        "personmånader",
    ),
    "note": ("note", "huomautus", "lisätieto", "kommentti", "anteckning", "kommentar"),
}
FILE_PROBLEMS = {
    **FILE_ERRORS,
    "no_header": _(
        "The first row must name the columns: month, amount_eur and, if you like, "
        "person_months and note."
    ),
    "too_many_rows": _("The file has more than %(max)s rows. Split it into smaller files."),
    "too_large": _("The file is larger than 5 MB."),
}


class FileRow(TypedDict):
    """One row of an uploaded file: its line number and its cells by column name."""

    line: int
    values: dict[str, Any]


class SpendImportForm(forms.Form):
    columns: dict[str, int]
    rows: list[FileRow]

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Columns: month, amount_eur, person_months (optional), note (optional)."),
    )

    def clean_file(self) -> File:
        uploaded: File = self.cleaned_data["file"]  # an UploadedFile; its size is always known
        try:
            if uploaded.size > MAX_BYTES:
                raise ImportFileError("too_large")
            data = uploaded.read()
            rows = read_table(data, spreadsheet_aliases(COLUMNS), row_cap=MAX_ROWS)
            table = [row for row in rows if any(_filled(c) for c in row)]
            if not table:
                raise ImportFileError("empty")
            self.columns = _columns(table[0])
            if len(table) - 1 > MAX_ROWS:
                raise ImportFileError("too_many_rows", max=MAX_ROWS)
        except ImportFileError as error:
            text = str(FILE_PROBLEMS[error.code])
            raise forms.ValidationError(
                text % error.params if error.params else text, code=error.code
            ) from None
        self.rows = [self._row(line, row) for line, row in enumerate(table[1:], start=2)]
        return uploaded

    def _row(self, line: int, row: list[Any]) -> FileRow:
        values: dict[str, Any] = {}
        for name, index in self.columns.items():
            value = row[index] if index < len(row) else ""
            # Our exports quote text a spreadsheet would run as a formula; read it as typed.
            values[name] = unneutralise(value.strip()) if isinstance(value, str) else value
        return FileRow(line=line, values=values)


def _filled(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _columns(header: list[Any]) -> dict[str, int]:
    names = [str(cell).strip().lstrip("\ufeff").lower() for cell in header]
    found: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        index = next((i for i, name in enumerate(names) if name in aliases), None)
        if index is not None:
            found[column] = index
    if "month" not in found or "amount_eur" not in found:
        raise ImportFileError("no_header")
    return found


@dataclass
class PreviewRow:
    line: int
    shown: dict[str, str]
    item: SpendItem | None
    errors: list[str] = field(default_factory=list)
    replaces: Decimal | None = None


@dataclass
class Preview:
    rows: list[PreviewRow]

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def replacing(self) -> int:
        return sum(1 for r in self.rows if r.replaces is not None and not r.errors)

    @property
    def items(self) -> list[SpendItem]:
        return [r.item for r in self.rows if r.item is not None]


def check_spend_rows(initiative: Initiative, rows: list[FileRow], today: date) -> Preview:
    """Every row checked by the spend rules, a month twice in the file refused, a month already
    stored marked with the stored amount. Nothing is written."""
    stored = dict(
        MonthlySpend.objects.filter(initiative=initiative).values_list("month", "amount_eur")
    )
    seen: dict[date, int] = {}
    checked: list[PreviewRow] = []
    for row in rows:
        item, errors = spend_item(row["values"], today)
        messages = [e.message for e in errors.values()]
        shown = {k: _shown(v) for k, v in row["values"].items()}
        if item is not None and item.month in seen:
            messages.append(str(_("The same month as row %(line)s.") % {"line": seen[item.month]}))
            item = None
        elif item is not None:
            seen[item.month] = row["line"]
        preview_row = PreviewRow(row["line"], shown, None if messages else item, messages)
        if item is not None and not messages:
            preview_row.replaces = stored.get(item.month)
        checked.append(preview_row)
    return Preview(checked)


def _shown(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)[:100]


def _salt(initiative: Initiative) -> str:
    return f"initiatives.spend_import.{initiative.pk}"


def payload_for(initiative: Initiative, preview: Preview) -> str | None:
    """The accepted rows, signed for this initiative, when the whole file can be imported."""
    if preview.rejected or not preview.items:
        return None
    rows = [
        [
            i.month.isoformat(),
            str(i.amount_eur),
            None if i.person_months is None else str(i.person_months),
            i.note,
        ]
        for i in preview.items
    ]
    return signing.dumps(rows, salt=_salt(initiative), compress=True)


def import_rows_from_payload(initiative: Initiative, payload: str, today: date) -> list[SpendItem]:
    """The rows of a signed preview, checked by the rules again (a month may have become the
    past or the rules stricter since). Raises BadSignature for a forged or stale preview and
    SpendError when a row no longer passes."""
    rows = signing.loads(payload, salt=_salt(initiative), max_age=PREVIEW_MAX_AGE)
    items: list[SpendItem] = []
    for month, amount, person_months, note in rows:
        raw = {
            "month": date.fromisoformat(month),
            "amount_eur": amount,
            "person_months": person_months,
            "note": note,
        }
        item, errors = spend_item(raw, today)
        if item is None:
            raise next(iter(errors.values()))
        items.append(item)
    return items
