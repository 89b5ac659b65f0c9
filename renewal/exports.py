"""CSV and XLSX files for download: one way to write a table, used by every export.

Every cell of every file goes through `cell()`, so no text a person typed (a KPI name, a note, a
source) can become a live formula in the spreadsheet of whoever downloads it.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils import formats

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Text starting with one of these is taken for a formula by Excel or LibreOffice (OWASP, "CSV
# injection"); a leading single quote makes it plain text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters an XLSX file cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    if value is None or isinstance(value, bool | int | float | date):
        return value
    if isinstance(value, Decimal):
        if fmt == "xlsx":
            return float(value)
        # Without trailing zeros (12.5, not 12.5000), with the reader's decimal separator.
        return format(value.normalize(), "f").replace(".", decimal_separator)
    text = neutralise(str(value))
    return _XLSX_ILLEGAL.sub("", text) if fmt == "xlsx" else text


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
    """A workbook of (title, header, body) sheets; numbers stay numbers, dates stay dates."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, body in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        sheet.append([cell(h, "xlsx") for h in header])
        for row in body:
            sheet.append([cell(v, "xlsx") for v in row])
        for index, _cell in enumerate(header):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            sheet.column_dimensions[letter].width = max(12, min(40, len(str(header[index])) + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
