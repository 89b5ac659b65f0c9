"""The KPI's cached latest value and status: every domain write path refreshes it explicitly with
`refresh_kpi_statuses`; a write around them leaves it alone until the command is run."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from metrics.measurements import Item, measurement_correct, measurement_withdraw, write_measurements
from metrics.models import KPI, Measurement

TODAY = timezone.localdate


def cached(kpi) -> tuple:
    kpi = KPI.objects.get(pk=kpi.pk)
    return kpi.latest_value, kpi.latest_date, kpi.status


def test_writing_measurements_refreshes_the_kpis_they_touch(member, kpi):
    days_ago = TODAY() - timedelta(days=3)

    write_measurements(member, [Item(kpi, days_ago, Decimal(119))], update_existing=False)

    assert cached(kpi) == (Decimal(119), days_ago, "off_track")


def test_replacing_a_measurement_refreshes_the_status(member, kpi):
    days_ago = TODAY() - timedelta(days=3)
    write_measurements(member, [Item(kpi, days_ago, Decimal(119))], update_existing=False)

    write_measurements(member, [Item(kpi, days_ago, Decimal(61))], update_existing=True)

    assert cached(kpi) == (Decimal(61), days_ago, "on_track")


def test_correcting_and_withdrawing_refresh_the_status(member, kpi, measurements):
    newest = measurements[-1]

    measurement_correct(
        member, newest, when=newest.date, value=Decimal(150), note="", reason="Typo."
    )
    assert cached(kpi) == (Decimal(150), newest.date, "off_track")

    measurement_withdraw(member, newest, reason="Test entry.")
    assert cached(kpi)[:2] == (Decimal(105), measurements[1].date)


def test_saving_a_kpi_through_its_form_measures_the_status_against_the_new_plan(
    member_client, kpi, measurements, form_data
):
    assert cached(kpi)[2] == "at_risk"  # 101 days, 10 days ago, where the plan expected 92
    url = reverse("metrics:kpi_edit", args=[kpi.pk])
    form = member_client.get(url).context["form"]

    member_client.post(url, form_data(form, target_value="20"))

    assert cached(kpi)[2] == "off_track"


def test_a_write_around_the_write_path_waits_for_the_refresh_command(kpi, measurements):
    before = cached(kpi)
    Measurement.objects.filter(kpi=kpi).update(value=Decimal(119))

    assert cached(kpi) == before

    call_command("refresh_kpi_statuses", stdout=io.StringIO())
    assert cached(kpi) == (Decimal(119), measurements[-1].date, "off_track")


def test_the_admin_refreshes_the_status_of_what_it_changes(superuser_client, kpi, measurements):
    newest = measurements[-1]
    url = reverse("admin:metrics_measurement_change", args=[newest.pk])

    entered = timezone.localtime(newest.created_at)
    superuser_client.post(
        url,
        {
            "kpi": kpi.pk,
            "date": newest.date.isoformat(),
            "value": "150",
            "note": "",
            "created_at_0": entered.date().isoformat(),
            "created_at_1": entered.time().isoformat("seconds"),
        },
    )
    assert cached(kpi)[:2] == (Decimal(150), newest.date)

    superuser_client.post(
        reverse("admin:metrics_measurement_delete", args=[newest.pk]), {"post": "yes"}
    )
    assert cached(kpi)[:2] == (Decimal(105), measurements[1].date)
