"""One rule everywhere: the form, the file import and the API refuse the same impossible values
with the same words, mark the same implausible ones, and every correction is in the history."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localdate
from pytest_django.asserts import assertContains, assertNotContains

from api.models import APIToken
from initiatives.models import Review, ReviewDecision
from metrics.measurements import (
    MeasurementError,
    check_date,
    check_value,
    implausibility,
    parse_date,
    parse_value,
)
from metrics.models import KPI, Measurement, MeasurementImport, refresh_kpi_statuses
from renewal.models import AuditEntry

TODAY = date(2026, 11, 20)


@pytest.fixture
def percent_kpi(make_kpi, initiative):
    return make_kpi(
        initiative,
        name="Applications filed online",
        unit="%",
        direction="higher",
        baseline_value=Decimal(40),
        target_value=Decimal(80),
    )


# The rules themselves --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1e6", "exponent"),
        ("2,5E3", "exponent"),
        ("NaN", "not_finite"),
        ("-inf", "not_finite"),
        (float("nan"), "not_finite"),
        (Decimal("Infinity"), "not_finite"),
        ("", "missing_value"),
        ("twelve", "bad_number"),
        (True, "bad_number"),
        ("1.23456", "too_many_digits"),
        ("12345678901234", "too_many_digits"),
    ],
)
def test_values_that_are_not_plain_numbers_are_refused(raw, code):
    with pytest.raises(MeasurementError) as refused:
        parse_value(raw)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("raw", "value"), [("12,5", "12.5"), ("1 234.5", "1234.5"), ("−3", "-3"), (7, "7")]
)
def test_numbers_are_read_as_people_write_them(raw, value):
    assert parse_value(raw) == Decimal(value)


def test_a_percentage_may_be_100_but_not_100_01(percent_kpi):
    check_value(percent_kpi, Decimal(100))
    check_value(percent_kpi, Decimal(0))
    with pytest.raises(MeasurementError) as refused:
        check_value(percent_kpi, Decimal("100.01"))
    assert refused.value.code == "percentage_range"
    with pytest.raises(MeasurementError):
        check_value(percent_kpi, Decimal("-0.01"))


def test_a_kpi_that_says_so_may_go_above_100_percent(percent_kpi):
    percent_kpi.allows_above_100 = True

    check_value(percent_kpi, Decimal(140))


def test_a_negative_count_is_refused_unless_the_kpi_allows_it(kpi):
    with pytest.raises(MeasurementError) as refused:
        check_value(kpi, Decimal(-1))
    assert refused.value.code == "negative"

    kpi.allows_negative = True
    check_value(kpi, Decimal(-1))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1.1.99999999999999999999", "bad_date"),
        ("99999999999.1.2026", "bad_date"),
        ("31.2.2026", "bad_date"),
        ("２０２６-01-01", "bad_date"),
        ("", "missing_date"),
    ],
)
def test_dates_that_cannot_be_read_are_refused(raw, code):
    with pytest.raises(MeasurementError) as refused:
        parse_date(raw)
    assert refused.value.code == code


def test_dates_before_1900_and_in_the_future_are_refused():
    check_date(TODAY, TODAY)
    for when, code in [
        (date(1899, 12, 31), "too_early"),
        (TODAY + timedelta(days=1), "future_date"),
    ]:
        with pytest.raises(MeasurementError) as refused:
            check_date(when, TODAY)
        assert refused.value.code == code


def test_a_value_far_outside_what_the_kpi_has_known_is_implausible(kpi):
    # Baseline 120 days, target 60: 60 wide, so from -60 to 240 is plausible.
    assert implausibility(kpi, Decimal(200), []) is None
    assert implausibility(kpi, Decimal(241), []) == {"value": "241", "low": "-60", "high": "240"}
    assert implausibility(kpi, Decimal(1_000_000), [])["value"] == "1000000"


def test_recent_values_widen_the_plausible_range(kpi):
    assert implausibility(kpi, Decimal(300), [Decimal(250)]) is None


# The same refusal on every surface -------------------------------------------------------------


def form_post(client, kpi, value, day=None, **more):
    prefix = f"kpi{kpi.pk}"
    data = {f"{prefix}-date": (day or localdate()).isoformat(), f"{prefix}-value": value}
    data.update({f"{prefix}-{k}": v for k, v in more.items()})
    return client.post(
        reverse("metrics:measurement_add", args=[kpi.pk]), data, headers={"HX-Request": "true"}
    )


def import_rows(client, initiative, kpi, value, day=None):
    content = f"kpi;date;value\n{kpi.pk};{(day or localdate()).isoformat()};{value}\n".encode()
    client.post(
        reverse("metrics:import_upload", args=[initiative.pk]),
        {"file": SimpleUploadedFile("m.csv", content)},
    )
    return MeasurementImport.objects.latest("pk")


def api_post(user, kpi, value, day=None):
    raw = APIToken.issue(user, "feed", APIToken.Scope.WRITE)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.post(
        f"/api/v1/kpis/{kpi.pk}/measurements",
        data=json.dumps({"date": (day or localdate()).isoformat(), "value": value}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e6", "“1e6” is written in exponent notation."),
        ("NaN", "“NaN” is not a finite number."),
        ("100.01", "A percentage is between 0 and 100; 100.01 is not."),
        ("-5", "A percentage is between 0 and 100; -5 is not."),
    ],
)
def test_the_form_the_import_and_the_api_refuse_the_same_value_in_the_same_words(
    member, member_client, initiative, percent_kpi, value, message
):
    form = form_post(member_client, percent_kpi, value)
    imp = import_rows(member_client, initiative, percent_kpi, value)
    preview = member_client.get(reverse("metrics:import_detail", args=[imp.pk]))
    api = api_post(member, percent_kpi, value)

    assertContains(form, message)
    assertContains(preview, message)
    assert imp.rejected_rows == 1
    assert api.status_code == 422
    assert message in json.dumps(api.json(), ensure_ascii=False)
    assert not Measurement.objects.exists()


def test_a_surprising_value_is_confirmed_in_the_form_marked_in_the_import_flagged_by_the_api(
    member, member_client, initiative, kpi
):
    asked = form_post(member_client, kpi, "1200")
    assertContains(asked, "1,200 is far outside this KPI&#x27;s usual range (-60 to 240")
    assertContains(asked, "The value is right: save it anyway")
    assert not Measurement.objects.exists()
    form_post(member_client, kpi, "1200", confirm_unusual="on")
    assert Measurement.objects.get().value == Decimal(1200)

    imp = import_rows(member_client, initiative, kpi, "5000", day=localdate() - timedelta(days=7))
    preview = member_client.get(reverse("metrics:import_detail", args=[imp.pk]))
    assertContains(preview, "Check:")
    assertContains(preview, "5,000 is far outside")
    assert imp.rejected_rows == 0

    answer = api_post(member, kpi, 90000, day=localdate() - timedelta(days=14))
    assert answer.status_code == 201
    assert answer.json()["implausible"] is True
    assert "90,000 is far outside" in answer.json()["warning"]


# Correcting and withdrawing --------------------------------------------------------------------


@pytest.fixture
def wrong(kpi, member):
    """A measurement typed with three zeros too many, on a KPI that was on track."""
    for days, value in [(60, 110), (30, 100)]:
        Measurement.objects.create(
            kpi=kpi, date=localdate() - timedelta(days=days), value=value, entered_by=member
        )
    wrong = Measurement.objects.create(
        kpi=kpi, date=localdate() - timedelta(days=2), value=95000, entered_by=member
    )
    refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))
    return wrong


def test_the_kpi_page_lists_every_measurement_with_a_way_to_correct_it(member_client, kpi, wrong):
    response = member_client.get(reverse("metrics:kpi_detail", args=[kpi.pk]))

    assertContains(response, "All measurements")
    assertContains(response, reverse("metrics:measurement_edit", args=[wrong.pk]))
    assertContains(response, reverse("metrics:measurement_withdraw", args=[wrong.pk]))


def test_a_viewer_reads_the_kpi_page_but_cannot_correct(viewer_client, kpi, wrong):
    response = viewer_client.get(reverse("metrics:kpi_detail", args=[kpi.pk]))

    assertContains(response, "All measurements")
    assertNotContains(response, reverse("metrics:measurement_edit", args=[wrong.pk]))
    edit = reverse("metrics:measurement_edit", args=[wrong.pk])
    assert viewer_client.post(edit, {"value": "95", "reason": "x"}).status_code == 403


def test_an_outsider_cannot_reach_a_kpi_or_its_measurements(outsider_client, kpi, wrong):
    assert outsider_client.get(reverse("metrics:kpi_detail", args=[kpi.pk])).status_code == 404
    edit = reverse("metrics:measurement_edit", args=[wrong.pk])
    assert outsider_client.get(edit).status_code == 404


def correct(client, measurement, **changes):
    data = {
        "date": measurement.date.isoformat(),
        "value": "95",
        "note": "",
        "reason": "Typed 95000 for 95.",
        **changes,
    }
    return client.post(
        reverse("metrics:measurement_edit", args=[measurement.pk]), data, follow=True
    )


def test_a_member_corrects_a_wrong_value_and_the_status_follows(member, member_client, kpi, wrong):
    kpi.refresh_from_db()
    assert kpi.status == "off_track"

    response = correct(member_client, wrong)

    wrong.refresh_from_db()
    kpi.refresh_from_db()
    assert wrong.value == Decimal(95)
    assert (kpi.latest_value, kpi.status) == (Decimal(95), "on_track")
    assertContains(response, "Measurement corrected.")
    entry = AuditEntry.objects.filter(object_id=str(wrong.pk), action="update").get()
    assert entry.reason == "Typed 95000 for 95."
    assert entry.actor == member
    assert entry.changes["value"] == ["95000.0000", "95.0000"]
    assertContains(response, "Reason: Typed 95000 for 95.")


def test_a_correction_needs_a_reason_and_keeps_what_was_typed(member_client, wrong):
    response = correct(member_client, wrong, reason="", value="96")

    assertContains(response, "Say why the measurement is corrected or withdrawn.")
    assertContains(response, 'value="96"')
    wrong.refresh_from_db()
    assert wrong.value == Decimal(95000)


def test_a_correction_obeys_the_same_rules(member_client, wrong):
    response = correct(member_client, wrong, value="1e2")

    assertContains(response, "“1e2” is written in exponent notation.")
    wrong.refresh_from_db()
    assert wrong.value == Decimal(95000)


def test_a_member_withdraws_a_wrong_value_and_the_history_keeps_it(
    member, member_client, kpi, wrong
):
    url = reverse("metrics:measurement_withdraw", args=[wrong.pk])
    assertContains(member_client.post(url, {"reason": ""}), "Say why the measurement is")

    response = member_client.post(url, {"reason": "Test entry."}, follow=True)

    assert not Measurement.objects.filter(pk=wrong.pk).exists()
    kpi.refresh_from_db()
    assert kpi.latest_value == Decimal(100)
    entry = AuditEntry.objects.get(object_id=str(wrong.pk), action="delete")
    assert (entry.reason, entry.actor) == ("Test entry.", member)
    assertContains(response, "Measurement withdrawn.")
    assertContains(response, "Reason: Test entry.")


def test_a_review_snapshot_keeps_what_it_froze_after_a_correction(
    leader, member_client, kpi, wrong, initiative
):
    review = Review.objects.create(
        initiative=initiative,
        date=localdate() - timedelta(days=1),
        kind="monthly",
        participants="Liisa, Mikko",
        decision=ReviewDecision.CONTINUE,
        rationale="On track apart from one figure.",
        recorded_by=leader,
    )
    review.snapshots.create(
        kpi=kpi,
        kpi_name=kpi.name,
        unit=kpi.unit,
        value=wrong.value,
        measured_on=wrong.date,
        status="off_track",
    )

    correct(member_client, wrong)

    snapshot = review.snapshots.get()
    assert snapshot.value == Decimal(95000)
    assert KPI.objects.get(pk=kpi.pk).latest_value == Decimal(95)


def test_a_frozen_funding_commitment_keeps_its_baseline_after_a_correction(
    member_client, submitted, kpi, wrong
):
    committed = submitted.commitment.kpis.get()
    before = (committed.baseline_value, committed.target_value)

    correct(member_client, wrong)

    committed.refresh_from_db()
    assert (committed.baseline_value, committed.target_value) == before


# Re-importing a date that has a value ----------------------------------------------------------


def test_reimporting_a_stored_date_offers_replace_with_the_old_value(
    member_client, initiative, kpi, wrong
):
    imp = import_rows(member_client, initiative, kpi, "95", day=wrong.date)
    preview = member_client.get(reverse("metrics:import_detail", args=[imp.pk]))

    assertContains(preview, "Replaces the stored value 95,000.")
    assertContains(preview, "Replace the stored values with the file")

    refused = member_client.post(reverse("metrics:import_confirm", args=[imp.pk]), follow=True)
    assertContains(refused, "Choose whether to replace them or keep the stored ones.")
    assert Measurement.objects.get(pk=wrong.pk).value == Decimal(95000)

    member_client.post(reverse("metrics:import_confirm", args=[imp.pk]), {"existing": "replace"})
    assert Measurement.objects.get(pk=wrong.pk).value == Decimal(95)


def test_keeping_the_stored_values_leaves_those_rows_out(member_client, initiative, kpi, wrong):
    content = (
        f"kpi;date;value\n{kpi.pk};{wrong.date.isoformat()};95\n"
        f"{kpi.pk};{(wrong.date - timedelta(days=1)).isoformat()};97\n"
    ).encode()
    member_client.post(
        reverse("metrics:import_upload", args=[initiative.pk]),
        {"file": SimpleUploadedFile("m.csv", content)},
    )
    imp = MeasurementImport.objects.get()

    member_client.post(reverse("metrics:import_confirm", args=[imp.pk]), {"existing": "keep"})

    assert Measurement.objects.get(pk=wrong.pk).value == Decimal(95000)
    assert Measurement.objects.filter(value=97).exists()
