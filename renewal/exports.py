"""CSV and XLSX files for download: one way to write a table, used by every export."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import formats

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value, decimal_separator="."):
    """Decimals without trailing zeros (12.5, not 12.5000); everything else as it is."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, "f").replace(".", decimal_separator)
    return value


def csv_text(header: list, body) -> str:
    """CSV as the reader's spreadsheet opens it: where the decimal separator is a comma (Finnish,
    Swedish), Excel expects semicolons between fields. Renewal's import reads both."""
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    delimiter = ";" if decimal_separator == "," else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([_plain(v, decimal_separator) for v in row] for row in body)
    # A BOM so that Excel opens the UTF-8 file with å, ä and ö intact.
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(sheets: list[tuple[str, list, list]]) -> bytes:
    """A workbook of (title, header, body) sheets; numbers stay numbers, dates stay dates."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, body in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        sheet.append([str(h) for h in header])
        for row in body:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
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
