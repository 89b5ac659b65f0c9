"""Spreadsheets that behave: every XLSX Renewal writes (the KPI and measurement exports, the import
template, the portfolio) has real dates with a date format and real numbers, a frozen header row,
the filter switched on over the table and columns as wide as their values, and text a spreadsheet
would run as a formula is still quoted."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from metrics.models import Measurement
from renewal.exports import XLSX_MAX_WIDTH, XLSX_MIN_WIDTH, xlsx_bytes

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(autouse=True)
def monday_16_march_2026():
    # Autouse, so it starts before the fixtures that date the KPIs and measurements from "today".
    with time_machine.travel(datetime(2026, 3, 16, 8, 30, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def hostile_kpi(kpi, measurements):
    kpi.refresh_from_db()  # with the latest value the measurements cached
    kpi.name = FORMULA
    kpi.baseline_value = Decimal("-7.25")
    kpi.save()
    return kpi


def workbook_sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def columns(sheet) -> dict[str, object]:
    """The cells of row 2 by their header."""
    header = [c.value for c in sheet[1]]
    return dict(zip(header, sheet[2], strict=True))


def assert_behaves(sheet, last_column: str, rows: int):
    """The header row frozen, the filter over the whole table, every column given a width."""
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{last_column}{rows}"
    for (letter,) in sheet.iter_cols(min_row=1, max_row=1):
        width = sheet.column_dimensions[letter.column_letter].width
        assert XLSX_MIN_WIDTH <= width <= XLSX_MAX_WIDTH, letter.column_letter


def assert_date_cell(c, expected: date):
    assert c.is_date, f"{c.coordinate} is {c.data_type}: {c.value!r}"
    assert c.value.date() == expected
    assert c.number_format == "yyyy-mm-dd"


def assert_number_cell(c, expected):
    assert c.data_type == "n" and isinstance(c.value, int | float), f"{c.coordinate}: {c.value!r}"
    assert c.value == expected


# The one writer ----------------------------------------------------------------------------------


def test_a_sheet_is_as_wide_as_its_longest_value_but_no_wider_than_the_cap():
    long_note = "A note that goes on and on " * 10
    content = xlsx_bytes(
        [("Sheet", ["id", "note", "when"], [[1, "short", date(2026, 1, 31)], [2, long_note, None]])]
    )
    sheet = load_workbook(io.BytesIO(content)).active

    assert sheet.column_dimensions["A"].width == XLSX_MIN_WIDTH
    assert sheet.column_dimensions["B"].width == XLSX_MAX_WIDTH
    assert sheet.column_dimensions["C"].width == len("2026-01-31") + 3
    assert sheet["C3"].value is None, "an empty value is an empty cell"


def test_a_time_with_a_zone_is_written_as_the_helsinki_wall_clock_time():
    content = xlsx_bytes([("Sheet", ["at"], [[datetime(2026, 3, 16, 8, 30, tzinfo=UTC)]])])
    sheet = load_workbook(io.BytesIO(content)).active

    assert sheet["A2"].value == datetime(2026, 3, 16, 10, 30)
    assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm"


def test_an_empty_table_still_has_its_header_frozen_and_filtered():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("Sheet", ["kpi", "date"], [])]))).active

    assert_behaves(sheet, "B", 1)


# Each export -------------------------------------------------------------------------------------


def test_the_kpi_xlsx_has_dates_numbers_a_frozen_header_and_a_filter(
    viewer_client, initiative, hostile_kpi
):
    url = reverse("metrics:initiative_export", args=[initiative.pk, "kpis", "xlsx"])
    sheet = workbook_sheet(viewer_client.get(url))
    row = columns(sheet)

    assert_behaves(sheet, "Q", 2)
    assert_number_cell(row["KPI id"], hostile_kpi.pk)
    assert_number_cell(row["Baseline value"], -7.25)
    assert_number_cell(row["Target value"], 60)
    assert_number_cell(row["Latest value"], 101)
    assert_date_cell(row["Baseline date"], date(2025, 9, 17))
    assert_date_cell(row["Target date"], date(2026, 9, 12))
    assert_date_cell(row["Latest date"], date(2026, 3, 6))
    assert row["Name"].value == "'" + FORMULA and row["Name"].data_type == "s"
    assert sheet.column_dimensions["B"].width == len(FORMULA) + 1 + 3


def test_the_measurement_xlsx_has_dates_numbers_a_frozen_header_and_a_filter(
    viewer_client, initiative, hostile_kpi, measurements
):
    Measurement.objects.filter(pk=measurements[2].pk).update(value=Decimal("-12.5"))
    url = reverse("metrics:initiative_export", args=[initiative.pk, "measurements", "xlsx"])
    sheet = workbook_sheet(viewer_client.get(url))

    assert_behaves(sheet, "G", 4)
    assert [c.value for c in sheet[1]][:5] == ["kpi", "kpi_name", "date", "value", "note"]
    assert_number_cell(sheet["A2"], hostile_kpi.pk)
    assert_date_cell(sheet["C2"], date(2026, 1, 5))
    assert_number_cell(sheet["D2"], 112)
    assert_number_cell(sheet["D4"], -12.5)
    assert sheet["B2"].value == "'" + FORMULA
    entered_at = sheet["G2"]
    assert entered_at.is_date and entered_at.number_format == "yyyy-mm-dd hh:mm"
    assert entered_at.value == datetime(2026, 3, 16, 10, 30), "Helsinki time, as on the page"


def test_the_xlsx_template_has_a_frozen_header_and_a_filter(member_client, initiative, hostile_kpi):
    url = reverse("metrics:import_template", args=[initiative.pk, "xlsx"])
    sheet = workbook_sheet(member_client.get(url))

    assert_behaves(sheet, "E", 2)
    assert_number_cell(sheet["A2"], hostile_kpi.pk)
    assert sheet["B2"].value == "'" + FORMULA
    assert [sheet["C2"].value, sheet["D2"].value, sheet["E2"].value] == [None, None, None]


def test_the_portfolio_xlsx_has_dates_numbers_a_frozen_header_and_a_filter(
    leader_client, initiative, hostile_kpi
):
    initiative.title = "-2+3"
    initiative.monthly_review_day = 20
    initiative.save()
    sheet = workbook_sheet(
        leader_client.get(reverse("initiatives:portfolio_export", args=["xlsx"]))
    )
    row = columns(sheet)

    assert_behaves(sheet, "P", 2)
    assert row["Initiative"].value == "'-2+3"
    assert_date_cell(row["Next review"], date(2026, 3, 20))
    for figure in ("Planned benefit (EUR/year)", "Planned FTE", "Spent (EUR)"):
        assert_number_cell(row[figure], 0)
    assert_number_cell(row["Days in phase"], 0)


def test_the_portfolio_csv_still_writes_the_next_review_as_an_iso_date(leader_client, initiative):
    initiative.monthly_review_day = 20
    initiative.save()
    response = leader_client.get(reverse("initiatives:portfolio_export", args=["csv"]))

    header, row = response.content.decode("utf-8-sig").splitlines()[:2]
    assert row.split(",")[header.split(",").index("Next review")] == "2026-03-20"
