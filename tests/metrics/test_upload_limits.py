"""Uploads cannot take a server down (issue 15, item 1).

The hostile files are written here by hand, as zip members of minimal XLSX XML: a sheet that
declares the whole grid, a sharedStrings.xml zip bomb, a member that compresses too well, too
many rows. Each is refused with the message the person reads, and reading it holds little memory.
"""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from initiatives.spend_imports import SpendImportForm
from metrics import imports
from metrics.imports import FILE_ERRORS, ImportFileError, read_table
from metrics.models import Measurement

MB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def cell(ref: str, value) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def row(number: int, *cells: tuple[str, object]) -> str:
    return f'<row r="{number}">' + "".join(cell(f"{c}{number}", v) for c, v in cells) + "</row>"


def sheet(rows: str, dimension: str = "A1:C2") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def shared_strings(strings) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{items}</sst>"
    )


def xlsx(sheet_xml: str, strings_xml: str | bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        archive.writestr("xl/sharedStrings.xml", strings_xml or shared_strings([]))
    return buffer.getvalue()


HEADER = row(1, ("A", "kpi"), ("B", "date"), ("C", "value"))


def refused(data: bytes, **kwargs) -> tuple[ImportFileError, int]:
    """The refusal read_table gives, and the peak memory (bytes) it took to give it."""
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as caught:
            read_table(data, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, peak


def message(error: ImportFileError) -> str:
    return imports.describe(error.code, error.params, table=FILE_ERRORS)


def test_a_well_formed_hand_written_sheet_is_read():
    data = xlsx(sheet(HEADER + row(2, ("A", 7), ("B", "1.2.2025"), ("C", 12.5))))
    assert read_table(data) == [["kpi", "date", "value"], [7, "1.2.2025", 12.5]]


def test_the_declared_dimension_is_not_trusted():
    """A1:XFD1048576 declared, two rows written: two rows, as wide as the header."""
    data = xlsx(sheet(HEADER + row(2, ("A", 7), ("C", 1)), dimension="A1:XFD1048576"))
    tracemalloc.start()
    try:
        table = read_table(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert table == [["kpi", "date", "value"], [7, "", 1]]
    assert peak < 10 * MB


def test_dimension_bomb_with_one_cell_at_the_last_row_is_refused():
    """The 1.5 kB file that grew a web worker to 4.6 GB."""
    last = row(1048576, ("XFD", 1))
    data = xlsx(sheet(HEADER + last, dimension="A1:XFD1048576"))
    assert len(data) < 3000
    error, peak = refused(data)
    assert error.code == "too_many_rows"
    assert message(error) == "The file has more than 100000 rows. Split it into smaller files."
    assert peak < 30 * MB


def test_a_shared_strings_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4 * MB
    bomb = shared_strings(["x" * (6 * MB)])
    data = xlsx(sheet(HEADER), bomb)
    assert len(data) < 50_000
    error, peak = refused(data)
    assert error.code == "too_large_unpacked"
    assert message(error) == "The file unpacks to more than 4 MB. Split it into smaller files."
    assert peak < 2 * MB, "the member was never decompressed"


def test_a_member_that_compresses_too_well_is_refused():
    """Below the size cap, but 2 MB of one letter squeezed a thousandfold: a bomb's signature."""
    data = xlsx(sheet(HEADER), shared_strings(["y" * (2 * MB)]))
    error, peak = refused(data)
    assert error.code == "zip_ratio"
    assert "compressed far more than a spreadsheet ever is" in message(error)
    assert peak < 2 * MB


def test_too_many_xlsx_rows_stop_the_reading(settings):
    settings.IMPORT_MAX_ROWS = 50
    body = "".join(row(n, ("A", 1), ("B", "1.1.2025"), ("C", n)) for n in range(2, 200))
    error, _ = refused(xlsx(sheet(HEADER + body, dimension="A1:C199")))
    assert (error.code, error.params) == ("too_many_rows", {"max": 50})


def test_exactly_the_row_cap_is_read(settings):
    settings.IMPORT_MAX_ROWS = 50
    body = "".join(row(n, ("A", 1), ("B", "1.1.2025"), ("C", n)) for n in range(2, 52))
    assert len(read_table(xlsx(sheet(HEADER + body)))) == 51


def test_csv_rows_and_bytes_are_capped(settings):
    settings.IMPORT_MAX_ROWS = 10
    rows = "kpi;date;value\n" + "1;1.1.2025;1\n" * 11
    error, _ = refused(rows.encode())
    assert (error.code, error.params) == ("too_many_rows", {"max": 10})
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = MB
    error, _ = refused(b"kpi;date;value\n" + b"1;1.1.2025;1\n" * 100_000)
    assert message(error) == "The file is larger than 1 MB. Split it into smaller files."


def test_a_million_blank_csv_lines_are_refused(settings):
    error, peak = refused(b"\n" * 1_000_000 + b"kpi,date,value\n")
    assert error.code == "too_many_rows"
    assert peak < 30 * MB


def test_only_the_columns_the_import_reads_are_kept():
    """Cells beyond the header, and under headers the import does not know, are not kept."""
    header = row(1, ("A", "kpi"), ("B", "secret"), ("C", "date"), ("D", "value"))
    body = row(2, ("A", 7), ("B", "x" * 1000), ("C", "1.1.2025"), ("D", 3), ("ZZ", "far"))
    table = read_table(xlsx(sheet(header + body)), imports.spreadsheet_aliases(imports.COLUMNS))
    assert table[1] == [7, "", "1.1.2025", 3]
    csv = b"kpi,secret,date,value\n7,hidden,1.1.2025,3,extra,extra\n"
    assert read_table(csv, {"kpi", "date", "value"})[1] == ["7", "", "1.1.2025", "3"]


def test_the_upload_page_refuses_a_dimension_bomb_next_to_the_field(member_client, initiative, kpi):
    data = xlsx(sheet(HEADER + row(1048576, ("XFD", 1)), dimension="A1:XFD1048576"))
    response = member_client.post(
        reverse("metrics:import_upload", args=[initiative.pk]),
        {"file": SimpleUploadedFile("bomb.xlsx", data)},
    )
    assertContains(response, "The file has more than 100000 rows.")
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_the_spend_import_reads_through_the_same_guard(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4 * MB
    bomb = xlsx(sheet(HEADER), shared_strings(["z" * (6 * MB)]))
    form = SpendImportForm(files={"file": SimpleUploadedFile("spend.xlsx", bomb)})
    assert not form.is_valid()
    assert form.errors["file"] == [
        "The file unpacks to more than 4 MB. Split it into smaller files."
    ]
    header = row(1, ("A", "month"), ("B", "amount_eur"))
    dimension_bomb = xlsx(sheet(header + row(1048576, ("XFD", 1)), dimension="A1:XFD1048576"))
    form = SpendImportForm(files={"file": SimpleUploadedFile("spend.xlsx", dimension_bomb)})
    assert not form.is_valid()
    assert form.errors["file"] == ["The file has more than 1200 rows. Split it into smaller files."]
