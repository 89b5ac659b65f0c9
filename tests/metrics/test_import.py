"""Importing measurements from CSV and XLSX: preview with every row's verdict, then all or nothing."""

import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from metrics import import_views, imports
from metrics.models import Measurement, MeasurementImport
from organisations.models import Membership
from renewal.models import AuditEntry

TODAY = timezone.localdate


def day(n: int):
    return TODAY() - timedelta(days=n)


def fi(d) -> str:
    """A date as Finnish Excel writes it: 31.1.2025."""
    return f"{d.day}.{d.month}.{d.year}"


def upload_url(initiative):
    return reverse("metrics:import_upload", args=[initiative.pk])


def upload(client, initiative, content: bytes | str, name="measurements.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(upload_url(initiative), {"file": SimpleUploadedFile(name, content)})


def the_import() -> MeasurementImport:
    return MeasurementImport.objects.get()


def confirm(client, imp, only_valid=False):
    data = {"only_valid": "1"} if only_valid else {}
    return client.post(reverse("metrics:import_confirm", args=[imp.pk]), data)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Preview and confirm ----------------------------------------------------------------------------


def test_finnish_excel_csv_with_bom_semicolons_and_comma_decimals(member_client, initiative, kpi):
    content = (
        "\ufeffkpi;date;value;note\r\n"
        f"{kpi.pk};{fi(day(30))};101,5;Tammikuu\r\n"
        f"{kpi.pk};{fi(day(2))};1 099,25;Helmikuu\r\n"
    ).encode()
    response = upload(member_client, initiative, content)
    imp = the_import()
    assert response.url == reverse("metrics:import_detail", args=[imp.pk])
    assert (imp.status, imp.total_rows, imp.rejected_rows) == ("ready", 2, 0)
    assert not Measurement.objects.exists(), "the preview stores nothing"

    preview = member_client.get(response.url)
    assertContains(preview, "Accepted", count=3)  # the summary and two rows
    assertContains(preview, "Import 2 measurements")

    done = confirm(member_client, imp)
    assert done.url == initiative.get_phase_url(1)
    stored = Measurement.objects.order_by("date")
    assert [(m.date, m.value, m.note) for m in stored] == [
        (day(30), Decimal("101.5"), "Tammikuu"),
        (day(2), Decimal("1099.25"), "Helmikuu"),
    ]
    assert all(m.entered_by.username == "member" for m in stored)
    entries = AuditEntry.objects.filter(content_type__model="measurement", action="create")
    assert entries.count() == 2 and all(e.actor.username == "member" for e in entries)
    assertContains(member_client.get(done.url), "2 measurements imported.")


def test_a_windows_1252_csv_is_read_too(member_client, initiative, kpi):
    content = f"kpi;date;value;note\n{kpi.pk};{day(3).isoformat()};12,5;Käsittelyaika\n"
    upload(member_client, initiative, content.encode("cp1252"))
    assert the_import().rows[0]["note"] == "Käsittelyaika"


def test_an_xlsx_file_with_date_cells_and_kpi_names(member_client, initiative, kpi):
    content = xlsx(
        [
            ["KPI", "Date", "Value", "Note"],
            [kpi.name, day(5), 99.5, "from Excel"],
            [kpi.pk, fi(day(4)), "98,5", None],
        ]
    )
    response = upload(member_client, initiative, content, name="measurements.xlsx")
    imp = the_import()
    assert (imp.total_rows, imp.rejected_rows) == (2, 0), imp.rows
    confirm(member_client, imp)
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [
        Decimal("98.5"),
        Decimal("99.5"),
    ]
    assert response.status_code == 302


def test_each_rejected_row_says_why(
    member,
    member_client,
    initiative,
    kpi,
    measurements,
    make_kpi,
    make_initiative,
    municipality,
    outsider,
    agency_b,
    leader,
):
    foreign = make_kpi(make_initiative(municipality, outsider, title="Lahti"), name="Foreign")
    view_only = make_kpi(make_initiative(agency_b, leader, title="Registry"), name="Registry KPI")
    Membership.objects.create(user=member, organisation=agency_b, role=Membership.Role.VIEWER)
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    rows = [
        "kpi,date,value,note",
        f"{kpi.pk},{day(1)},100,fine",  # line 2: accepted
        f"999999,{day(1)},1,",  # 3: unknown KPI
        f"{foreign.pk},{day(1)},1,",  # 4: another organisation's: unknown
        f"{view_only.pk},{day(1)},1,",  # 5: the member cannot edit it
        f"{kpi.pk},yesterday,1,",  # 6: bad date
        f"{kpi.pk},{tomorrow},1,",  # 7: future
        f"{kpi.pk},{day(2)},lots,",  # 8: bad number
        f"{kpi.pk},{day(1)},99,",  # 9: same as row 2
        f"{kpi.pk},{measurements[0].date},99,",  # 10: already stored
        f"{kpi.pk},{day(3)},,",  # 11: no value
    ]
    upload(member_client, initiative, "\n".join(rows))
    imp = the_import()
    codes = {r["line"]: [code for code, _ in r["errors"]] for r in imp.rows}
    assert codes == {
        2: [],
        3: ["unknown_kpi"],
        4: ["unknown_kpi"],
        5: ["no_permission"],
        6: ["bad_date"],
        7: ["future_date"],
        8: ["bad_number"],
        9: ["duplicate_in_file"],
        10: [],  # already stored: offered as a replacement, see below
        11: ["missing_value"],
    }
    preview = member_client.get(reverse("metrics:import_detail", args=[imp.pk]))
    for reason in [
        "Unknown KPI “999999”.",
        "You may not record measurements for this KPI.",
        "“yesterday” is not a date.",
        "The date cannot be in the future.",
        "“lots” is not a number.",
        "The same KPI and date as row 2.",
        "Enter a value.",
        "Replaces the stored value 112.",
    ]:
        assertContains(preview, reason)
    assertContains(preview, "Import only the 2 valid rows")


def test_a_rejected_row_blocks_the_whole_import(member_client, initiative, kpi):
    upload(member_client, initiative, f"kpi,date,value\n{kpi.pk},{day(1)},5\n{kpi.pk},{day(2)},x\n")
    imp = the_import()
    response = confirm(member_client, imp)
    assert response.url == reverse("metrics:import_detail", args=[imp.pk])
    assert not Measurement.objects.exists()
    assert the_import().status == "ready"
    assertContains(member_client.get(response.url), "Nothing was imported")


def test_import_only_the_valid_rows(member_client, initiative, kpi):
    upload(member_client, initiative, f"kpi,date,value\n{kpi.pk},{day(1)},5\n{kpi.pk},{day(2)},x\n")
    confirm(member_client, the_import(), only_valid=True)
    assert list(Measurement.objects.values_list("date", "value")) == [(day(1), Decimal(5))]
    assert the_import().imported_rows == 1


def test_a_measurement_added_after_the_preview_stops_the_import(
    member_client, initiative, kpi, member
):
    upload(member_client, initiative, f"kpi,date,value\n{kpi.pk},{day(1)},5\n{kpi.pk},{day(2)},6\n")
    Measurement.objects.create(kpi=kpi, date=day(2), value=7, entered_by=member)
    confirm(member_client, the_import())
    imp = the_import()
    assert imp.status == "ready" and imp.error[0] == "changed"
    # The row now replaces what was stored since the preview: the person chooses again.
    assert [r.get("replaces") for r in imp.rows] == [None, {"value": "7.0000", "note": ""}]
    assert Measurement.objects.count() == 1, "nothing of the file was stored"


def test_confirming_twice_imports_once(member_client, initiative, kpi):
    upload(member_client, initiative, f"kpi,date,value\n{kpi.pk},{day(1)},5\n")
    imp = the_import()
    confirm(member_client, imp)
    confirm(member_client, imp)
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The submitted file is empty."),
        ("\n;;\n\n", "The file has no rows."),
        ("when,how much\n2025-01-01,3\n", "The first row must name the columns"),
        (b"\x00\x01\x02binary", "The file could not be read"),
        (b"PK\x03\x04not really a workbook", "The file could not be read"),
    ],
)
def test_a_file_that_cannot_be_imported_is_explained_next_to_the_field(
    member_client, initiative, kpi, content, message
):
    response = upload(member_client, initiative, content)
    assert response.status_code == 200
    assertContains(response, message)
    assert not MeasurementImport.objects.exists()


def test_only_csv_and_xlsx_files_are_taken(member_client, initiative, kpi):
    response = upload(member_client, initiative, "x", name="photo.png")
    assertContains(response, "Choose a CSV or XLSX file.")


def test_template_rows_are_skipped_until_filled(member_client, initiative, kpi):
    upload(
        member_client,
        initiative,
        f"kpi,kpi_name,date,value,note\n{kpi.pk},{kpi.name},,,\n{kpi.pk},{kpi.name},{day(1)},3,\n",
    )
    assert the_import().total_rows == 1


# Permissions ------------------------------------------------------------------------------------


def test_a_viewer_cannot_import(viewer_client, initiative):
    assert viewer_client.get(upload_url(initiative)).status_code == 403


def test_an_outsider_does_not_see_the_import(outsider_client, initiative):
    assert outsider_client.get(upload_url(initiative)).status_code == 404


def test_someone_elses_import_is_a_404(member_client, leader_client, initiative, kpi):
    upload(member_client, initiative, f"kpi,date,value\n{kpi.pk},{day(1)},5\n")
    imp = the_import()
    assert leader_client.get(reverse("metrics:import_detail", args=[imp.pk])).status_code == 404
    assert confirm(leader_client, imp).status_code == 404
    assert not Measurement.objects.exists()


# Templates and exports --------------------------------------------------------------------------


def test_the_csv_template_lists_the_kpis(member_client, initiative, kpi):
    url = reverse("metrics:import_template", args=[initiative.pk, "csv"])
    text = member_client.get(url).content.decode("utf-8-sig")
    assert text.splitlines()[:2] == ["kpi,kpi_name,date,value,note", f"{kpi.pk},{kpi.name},,,"]


def test_the_xlsx_template_can_be_filled_and_imported(member_client, initiative, kpi):
    url = reverse("metrics:import_template", args=[initiative.pk, "xlsx"])
    workbook = load_workbook(io.BytesIO(member_client.get(url).content))
    sheet = workbook.active
    sheet["C2"], sheet["D2"] = day(1), 42
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(member_client, initiative, buffer.getvalue(), name="filled.xlsx")
    confirm(member_client, the_import())
    assert Measurement.objects.get().value == 42


def test_the_measurement_export_imports_back(member_client, initiative, kpi, measurements):
    url = reverse("metrics:initiative_export", args=[initiative.pk, "measurements", "csv"])
    exported = member_client.get(url).content.decode("utf-8-sig")
    assert exported.splitlines()[1].startswith(f"{kpi.pk},{kpi.name},{measurements[0].date},112,")
    Measurement.objects.all().delete()
    upload(member_client, initiative, exported)
    confirm(member_client, the_import())
    assert Measurement.objects.count() == 3


def test_a_finnish_reader_gets_the_csv_finnish_excel_opens(
    member, member_client, initiative, kpi, measurements
):
    measurements[0].value = Decimal("97.5")
    measurements[0].save()
    member.language = "fi"
    member.save()
    url = reverse("metrics:initiative_export", args=[initiative.pk, "measurements", "csv"])

    exported = member_client.get(url).content.decode("utf-8-sig")

    header, first = exported.splitlines()[:2]
    assert header.startswith("kpi;kpi_name;date;value;note")
    assert first.startswith(f"{kpi.pk};{kpi.name};{measurements[0].date};97,5;")
    Measurement.objects.all().delete()
    upload(member_client, initiative, exported)
    confirm(member_client, the_import())
    assert Measurement.objects.get(date=measurements[0].date).value == Decimal("97.5")


@pytest.mark.parametrize("what", ["kpis", "measurements"])
def test_exports_come_as_xlsx_too(viewer_client, initiative, kpi, measurements, what):
    url = reverse("metrics:initiative_export", args=[initiative.pk, what, "xlsx"])
    response = viewer_client.get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == (2 if what == "kpis" else 4)


def test_exports_check_ownership(outsider_client, initiative):
    url = reverse("metrics:initiative_export", args=[initiative.pk, "kpis", "csv"])
    assert outsider_client.get(url).status_code == 404


# Large files in the background ------------------------------------------------------------------


def test_a_50000_row_file_is_checked_and_stored_by_the_background_task(
    member_client, initiative, kpi, make_kpi, celery_runs_tasks, django_capture_on_commit_callbacks
):
    kpis = [kpi] + [make_kpi(initiative, name=f"KPI {n}") for n in range(4)]
    lines = ["kpi;date;value"]
    for k in kpis:
        lines += [f"{k.pk};{day(n + 1).isoformat()};{n % 97},5" for n in range(10_000)]
    content = "\n".join(lines).encode()
    assert len(content) > import_views.SYNC_BYTES

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(member_client, initiative, content)
    imp = the_import()
    assert len(queued) == 1, "checking was handed to the worker"
    assert response.url == reverse("metrics:import_detail", args=[imp.pk])
    assert (imp.status, imp.total_rows, imp.rejected_rows) == ("ready", 50_000, 0)
    checked = time.monotonic() - started

    with django_capture_on_commit_callbacks(execute=True) as queued:
        confirm(member_client, imp)
    assert len(queued) == 1, "storing was handed to the worker"
    assert the_import().status == "done"
    assert Measurement.objects.count() == 50_000
    print(
        f"\n50,000 rows: checked in {checked:.1f} s, stored in {time.monotonic() - started - checked:.1f} s"
    )


def test_progress_is_shown_while_the_worker_is_busy(member_client, initiative, kpi, member):
    imp = MeasurementImport.objects.create(
        user=member,
        initiative=initiative,
        filename="big.csv",
        status="validating",
        total_rows=50_000,
        processed_rows=12_000,
    )
    url = reverse("metrics:import_detail", args=[imp.pk])
    page = member_client.get(url)
    assertContains(page, 'max="50000" value="12000"')
    assertContains(page, 'hx-trigger="every 1s"')
    partial = member_client.get(url + "?poll=1", headers={"HX-Request": "true"})
    assertNotContains(partial, "<html")
    assertContains(partial, "12,000 of 50,000")
    imp.status = "ready"
    imp.save()
    done = member_client.get(url + "?poll=1", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_check_rows_is_fast_enough_for_large_files(member, initiative, kpi):
    table = [["kpi", "date", "value"]] + [
        [str(kpi.pk), day(n + 1).isoformat(), "1,5"] for n in range(20_000)
    ]
    started = time.monotonic()
    rows = imports.check_rows(member, initiative, table)
    assert len(rows) == 20_000
    assert time.monotonic() - started < 10
