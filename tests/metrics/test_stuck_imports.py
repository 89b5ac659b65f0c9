"""No stuck imports (issue 15, item 7): a worker killed while an import was being checked or
stored leaves it in progress; the next visit to its page, or the periodic sweep, queues it again
once, and fails it with a truthful message the second time. Storing is idempotent: no double rows.

A killed worker is reproduced by setting the state it would have left behind and moving the clock.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from metrics import imports, tasks
from metrics.models import Measurement, MeasurementImport
from renewal.celery import app

STALE = timedelta(minutes=16)  # past the default IMPORT_STALE_AFTER_SECONDS (15 minutes)


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def csv_for(kpi) -> bytes:
    today = timezone.localdate()
    return (
        f"kpi;date;value\n{kpi.pk};{today - timedelta(days=40)};10\n"
        f"{kpi.pk};{today - timedelta(days=10)};12\n"
    ).encode()


def checked(member, initiative, kpi) -> MeasurementImport:
    """An import whose rows were checked: ready to store."""
    imp = imports.import_create(member, initiative, SimpleUploadedFile("m.csv", csv_for(kpi)))
    imports.import_check(imp)
    assert imp.status == "ready"
    return imp


def killed_while(imp: MeasurementImport, status: str, recoveries: int = 0) -> MeasurementImport:
    """What a worker killed in this status leaves behind: the status, and its last heartbeat."""
    MeasurementImport.objects.filter(pk=imp.pk).update(
        status=status, heartbeat_at=timezone.now(), recoveries=recoveries
    )
    return MeasurementImport.objects.get(pk=imp.pk)


def page(client, imp):
    return client.get(reverse("metrics:import_detail", args=[imp.pk]))


def test_a_check_killed_midway_is_checked_again_on_the_next_visit(
    member_client, member, initiative, kpi, clock, celery_runs_tasks
):
    imp = imports.import_create(member, initiative, SimpleUploadedFile("m.csv", csv_for(kpi)))
    killed_while(imp, "validating")
    clock.shift(timedelta(minutes=5))
    assertContains(page(member_client, imp), "Reading the file…")  # a slow worker is left alone
    assert MeasurementImport.objects.get(pk=imp.pk).status == "validating"

    clock.shift(STALE)
    response = page(member_client, imp)
    imp.refresh_from_db()
    assert (imp.status, imp.recoveries, imp.total_rows) == ("ready", 1, 2)
    assertContains(response, "Every row is valid. Nothing has been stored yet.")


def test_a_check_killed_twice_fails_and_says_so(member_client, member, initiative, kpi, clock):
    imp = imports.import_create(member, initiative, SimpleUploadedFile("m.csv", csv_for(kpi)))
    killed_while(imp, "validating", recoveries=1)
    clock.shift(STALE)
    response = page(member_client, imp)
    imp.refresh_from_db()
    assert imp.status == "failed" and imp.data is None
    assertContains(response, "The check of the file stopped before it finished")
    assertContains(response, "Nothing was stored. Upload the file again.")


def test_a_store_killed_midway_is_stored_once_by_the_sweep(
    member, initiative, kpi, clock, celery_runs_tasks
):
    imp = checked(member, initiative, kpi)
    assert imports.import_confirm(imp, only_valid=False)
    killed_while(imp, "importing")  # the transaction died with the worker: nothing stored
    clock.shift(STALE)

    assert tasks.recover_stale_imports() == 1
    imp.refresh_from_db()
    assert (imp.status, imp.imported_rows, imp.recoveries) == ("done", 2, 1)
    assert Measurement.objects.filter(kpi=kpi).count() == 2

    clock.shift(STALE)
    assert tasks.recover_stale_imports() == 0, "a done import is left alone"
    assert Measurement.objects.filter(kpi=kpi).count() == 2


def test_a_queued_import_no_worker_took_is_queued_again(
    member, initiative, kpi, clock, celery_runs_tasks
):
    imp = checked(member, initiative, kpi)
    assert imports.import_confirm(imp, only_valid=False)  # queued; the broker lost the task
    clock.shift(STALE)
    tasks.recover_stale_imports()
    assert MeasurementImport.objects.get(pk=imp.pk).status == "done"
    assert Measurement.objects.filter(kpi=kpi).count() == 2


def test_a_worker_killed_after_its_commit_leaves_a_done_import_not_double_rows(
    member_client, member, initiative, kpi, clock, celery_runs_tasks
):
    imp = checked(member, initiative, kpi)
    assert imports.import_confirm(imp, only_valid=False)
    imp = killed_while(imp, "importing")
    # The worker stored every row, then died before marking the import done.
    rows = imports._rows_to_store(imp.rows, False)
    for row in rows:
        Measurement.objects.create(
            kpi=kpi, date=row["date"], value=row["value"], note=row["note"], entered_by=member
        )
    clock.shift(STALE)
    response = page(member_client, imp)
    imp.refresh_from_db()
    assert (imp.status, imp.imported_rows) == ("done", 2)
    assertContains(response, "2 measurements imported.")
    assert Measurement.objects.filter(kpi=kpi).count() == 2


def test_a_store_killed_twice_fails_truthfully(member_client, member, initiative, kpi, clock):
    imp = checked(member, initiative, kpi)
    assert imports.import_confirm(imp, only_valid=False)
    killed_while(imp, "importing", recoveries=1)
    clock.shift(STALE)
    response = page(member_client, imp)
    assert MeasurementImport.objects.get(pk=imp.pk).status == "failed"
    assertContains(response, "The import stopped before it finished")
    assertContains(response, "Nothing was stored")
    assertNotContains(response, "Storing 2 measurements")
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_an_import_making_progress_is_not_recovered(member, initiative, kpi, clock):
    imp = imports.import_create(member, initiative, SimpleUploadedFile("m.csv", csv_for(kpi)))
    killed_while(imp, "validating")
    clock.shift(timedelta(minutes=14))
    # A progress report from the live worker is its heartbeat.
    MeasurementImport.objects.filter(pk=imp.pk).update(heartbeat_at=timezone.now())
    clock.shift(timedelta(minutes=14))
    assert tasks.recover_stale_imports() == 0
    assert MeasurementImport.objects.get(pk=imp.pk).status == "validating"


def test_the_sweep_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"metrics.recover_stale_imports", "reports.recover_stale_jobs"} <= tasks_scheduled
    assert "metrics.recover_stale_imports" in app.tasks
