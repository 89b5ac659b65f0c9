"""CSV and XLSX files for download: one way to write a table, used by every export.

Every cell of every file goes through `cell()`, so no text a person typed (a KPI name, a note, a
source) can become a live formula in the spreadsheet of whoever downloads it. Every XLSX sheet is
written by `xlsx_bytes()`, so each one behaves the same in Excel and LibreOffice: dates are dates and
numbers are numbers (sortable, summable), the header row stays in view, the filter is on and the
columns are wide enough to read.
"""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import formats, timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Text starting with one of these is taken for a formula by Excel or LibreOffice (OWASP, "CSV
# injection"); a leading single quote makes it plain text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters an XLSX file cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# ISO dates and the 24-hour clock: read the same way in English, Finnish and Swedish, whatever the
# reader's Excel locale (a "d.m.yyyy" code would show as 3/16/2026 in a US-set Excel).
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Column widths in characters: wide enough for the longest value, but a long note or description
# must not push every other column off the screen.
XLSX_MIN_WIDTH = 8
XLSX_MAX_WIDTH = 50


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula, prefixed with a single quote.

    Text that already starts with quotes before such a character gets one more, so that
    `unneutralise` gives back exactly what was written, whatever it was."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    """The text `neutralise` was given: the import reads our own exports back with it."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def cell(value, fmt: str, decimal_separator: str = "."):
    """A value as a CSV or XLSX cell: numbers stay numbers (a negative one too), dates stay
    dates, empty stays empty, and everything else is text that cannot run as a formula."""
    if isinstance(value, datetime) and fmt == "xlsx" and timezone.is_aware(value):
        # Excel has no time zones: the wall-clock time the reader saw on the page.
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | date):
        return value
    if isinstance(value, Decimal):
        if fmt == "xlsx":
            return float(value)
        # Without trailing zeros (12.5, not 12.5000), with the reader's decimal separator.
        return format(value.normalize(), "f").replace(".", decimal_separator)
    text = neutralise(str(value))
    if fmt != "xlsx":
        return text
    # An empty cell rather than an empty string, so that Excel's "(Blanks)" filter finds it.
    return _XLSX_ILLEGAL.sub("", text) or None


def csv_text(header: list, body) -> str:
    """CSV as the reader's spreadsheet opens it: where the decimal separator is a comma (Finnish,
    Swedish), Excel expects semicolons between fields. Renewal's import reads both."""
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    delimiter = ";" if decimal_separator == "," else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([cell(h, "csv") for h in header])
    writer.writerows([cell(v, "csv", decimal_separator) for v in row] for row in body)
    # A BOM so that Excel opens the UTF-8 file with å, ä and ö intact.
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(sheets: list[tuple[str, list, list]]) -> bytes:
    """A workbook of (title, header, body) sheets, each written by `_xlsx_sheet`."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, body in sheets:
        _xlsx_sheet(workbook.create_sheet(str(title)[:31]), header, body)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_sheet(sheet, header: list, body) -> None:
    """One table on a sheet: real dates with a date format, numbers as numbers, the header row
    frozen, the filter on over the whole table, each column as wide as its longest value."""
    widths = [0] * len(header)
    for row_index, row in enumerate([header, *body], start=1):
        for column, value in enumerate(row, start=1):
            written = sheet.cell(row=row_index, column=column, value=cell(value, "xlsx"))
            if isinstance(written.value, datetime):
                written.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(written.value, date):
                written.number_format = XLSX_DATE_FORMAT
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], _shown_length(written.value))
    if not header:
        return
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions  # the header and every row below it
    for column, width in enumerate(widths, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        # Two characters of margin, and room in the header for the filter's drop-down button.
        sheet.column_dimensions[letter].width = max(XLSX_MIN_WIDTH, min(XLSX_MAX_WIDTH, width + 3))


def _shown_length(value) -> int:
    """About how many characters wide a value shows in a spreadsheet cell."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2026-12-31 23:59")
    if isinstance(value, date):
        return len("2026-12-31")
    return max(len(line) for line in str(value).splitlines() or [""])


def table_response(
    header: list, body, *, fmt: str, filename: str, sheet: str = "Sheet"
) -> HttpResponse:
    """A download of one table as `filename.csv` or `filename.xlsx`."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes([(sheet, header, list(body))]), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_text(header, body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
