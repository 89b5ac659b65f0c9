"""A KPI's status against its planned trajectory: on track, at risk, off track, no data, overdue,
and the projected date of reaching the target. `kpi_status` is pure, so most tests build unsaved
KPIs and measurements; the last tests go through the KPI form as a person does."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from metrics.models import KPI, Measurement, Milestone
from metrics.status import Status, kpi_status

START = date(2025, 1, 1)  # baseline date of every KPI here
END = START + timedelta(days=100)  # target date


def day(n: int) -> date:
    return START + timedelta(days=n)


def make_kpi(direction="higher", baseline=0, target=100, cadence="monthly", **fields) -> KPI:
    values = {
        "name": "Share of applications filed digitally",
        "unit": "%",
        "direction": direction,
        "value_area": "current_value",
        "baseline_value": None if baseline is None else Decimal(baseline),
        "baseline_date": START,
        "target_value": None if target is None else Decimal(target),
        "target_date": END,
        "cadence": cadence,
    }
    values.update(fields)
    return KPI(**values)


def measured(*points: tuple[int, object]) -> list[Measurement]:
    """Measurements as (day after the baseline, value)."""
    return [Measurement(date=day(n), value=Decimal(str(v))) for n, v in points]


# No measurements ----------------------------------------------------------------------------


def test_a_kpi_without_measurements_has_no_data_and_is_not_overdue_while_the_baseline_is_fresh():
    status = kpi_status(make_kpi(), [], on=day(20))

    assert status.status == Status.NO_DATA
    assert status.label == "No data"
    assert status.latest_value is None
    assert status.planned_value is None
    assert not status.overdue


def test_a_kpi_without_measurements_is_overdue_when_the_baseline_is_older_than_its_cadence():
    status = kpi_status(make_kpi(cadence="monthly"), [], on=day(39))

    assert status.status == Status.NO_DATA
    assert status.overdue


def test_a_kpi_without_baseline_or_measurements_is_never_overdue():
    status = kpi_status(make_kpi(baseline_date=None), [], on=day(400))

    assert (status.status, status.overdue) == (Status.NO_DATA, False)


def test_measurements_after_the_date_asked_about_are_ignored():
    status = kpi_status(make_kpi(), measured((60, 55)), on=day(30))

    assert status.status == Status.NO_DATA


def test_a_kpi_with_values_but_no_target_has_no_plan():
    status = kpi_status(make_kpi(target=None), measured((10, 12)), on=day(10))

    assert status.status == Status.NO_PLAN
    assert (status.latest_value, status.latest_date) == (Decimal(12), day(10))
    assert status.planned_value is None


# On track, at risk, off track ----------------------------------------------------------------


def test_a_value_on_the_straight_line_is_on_track():
    status = kpi_status(make_kpi(), measured((20, 10), (50, 50)), on=day(55))

    assert status.status == Status.ON_TRACK
    assert status.planned_value == Decimal(50)
    assert (status.latest_value, status.latest_date) == (Decimal(50), day(50))
    assert not status.target_reached


def test_the_latest_value_counts_whatever_order_the_measurements_come_in():
    status = kpi_status(make_kpi(), measured((50, 20), (20, 10)), on=day(50))

    assert (status.latest_date, status.latest_value) == (day(50), Decimal(20))
    assert status.status == Status.OFF_TRACK


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("60", Status.ON_TRACK),  # ahead of the plan
        ("40", Status.ON_TRACK),  # behind by exactly 10 % of the planned change
        ("39.9", Status.AT_RISK),
        ("25", Status.AT_RISK),  # behind by exactly 25 %
        ("24.9", Status.OFF_TRACK),
        ("-5", Status.OFF_TRACK),
    ],
)
def test_being_behind_the_plan_by_more_than_10_percent_is_at_risk_and_25_percent_off_track(
    value, expected
):
    # Halfway to a target of +100, the plan expects 50.
    status = kpi_status(make_kpi(), measured((50, value)), on=day(50))

    assert status.planned_value == Decimal(50)
    assert status.status == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("85", Status.ON_TRACK),  # below the plan of 90 is ahead
        ("96", Status.ON_TRACK),  # 6 above the plan: 10 % of the planned change of 60
        ("97", Status.AT_RISK),
        ("105", Status.AT_RISK),  # 15 above: 25 %
        ("106", Status.OFF_TRACK),
        ("130", Status.OFF_TRACK),  # worse than the baseline
    ],
)
def test_when_lower_is_better_a_value_above_the_plan_is_behind(value, expected):
    # Processing time from 120 days to 60: halfway the plan expects 90.
    kpi = make_kpi(direction="lower", baseline=120, target=60)

    status = kpi_status(kpi, measured((50, value)), on=day(50))

    assert status.planned_value == Decimal(90)
    assert status.status == expected


def test_reaching_a_lower_is_better_target_early_is_on_track_without_a_projected_date():
    kpi = make_kpi(direction="lower", baseline=120, target=60)

    status = kpi_status(kpi, measured((10, 100), (20, 58)), on=day(25))

    assert status.status == Status.ON_TRACK
    assert status.target_reached
    assert status.projected_date is None


def test_reaching_the_target_early_is_on_track_without_a_projected_date():
    status = kpi_status(make_kpi(), measured((10, 30), (30, 105)), on=day(30))

    assert status.status == Status.ON_TRACK
    assert status.target_reached
    assert status.projected_date is None
    assert status.planned_value == Decimal(30)


def test_after_the_target_date_the_plan_stays_at_the_target():
    status = kpi_status(make_kpi(), measured((150, 80)), on=day(150))

    assert status.planned_value == Decimal(100)
    assert status.status == Status.AT_RISK


# Milestones -----------------------------------------------------------------------------------


def test_milestones_bend_the_planned_path():
    # 0 → 80 in the first 50 days, then 80 → 100: on day 25 the plan expects 40, not 25.
    milestones = [Milestone(date=day(50), value=Decimal(80))]

    status = kpi_status(make_kpi(), measured((25, 40)), on=day(25), milestones=milestones)

    assert status.planned_value == Decimal(40)
    assert status.status == Status.ON_TRACK


@pytest.mark.parametrize(
    ("value", "straight_line", "through_milestones"),
    [
        ("30", Status.ON_TRACK, Status.ON_TRACK),  # behind the milestone path by 10
        ("25", Status.ON_TRACK, Status.AT_RISK),  # on the straight line, 15 behind the milestones
        ("14", Status.AT_RISK, Status.OFF_TRACK),
    ],
)
def test_status_is_judged_against_the_milestone_path(value, straight_line, through_milestones):
    milestones = [Milestone(date=day(50), value=Decimal(80))]

    plain = kpi_status(make_kpi(), measured((25, value)), on=day(25))
    bent = kpi_status(make_kpi(), measured((25, value)), on=day(25), milestones=milestones)

    assert (plain.status, bent.status) == (straight_line, through_milestones)


def test_between_two_milestones_the_plan_is_interpolated_between_them():
    milestones = [
        Milestone(date=day(80), value=Decimal(90)),  # given out of order on purpose
        Milestone(date=day(40), value=Decimal(20)),
    ]

    status = kpi_status(make_kpi(), measured((60, 55)), on=day(60), milestones=milestones)

    assert status.planned_value == Decimal(55)
    assert status.status == Status.ON_TRACK


def test_milestones_outside_the_baseline_to_target_period_are_ignored():
    milestones = [
        Milestone(date=START, value=Decimal(70)),
        Milestone(date=day(150), value=Decimal(10)),
    ]

    status = kpi_status(make_kpi(), measured((50, 50)), on=day(50), milestones=milestones)

    assert status.planned_value == Decimal(50)


# Overdue --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "allowed_days"),
    [("weekly", 10), ("monthly", 38), ("quarterly", 106)],
)
def test_a_measurement_older_than_its_cadence_allows_is_overdue(cadence, allowed_days):
    kpi = make_kpi(cadence=cadence, target_date=day(500))
    values = measured((5, 3))

    on_time = kpi_status(kpi, values, on=day(5 + allowed_days))
    late = kpi_status(kpi, values, on=day(5 + allowed_days + 1))

    assert not on_time.overdue
    assert late.overdue
    assert late.status == on_time.status  # overdue is shown beside the status, not instead


@pytest.mark.parametrize(
    ("cadence", "allowed_days"),
    [("weekly", 10), ("monthly", 38), ("quarterly", 106)],
)
def test_before_the_first_measurement_the_baseline_date_decides_overdue(cadence, allowed_days):
    kpi = make_kpi(cadence=cadence, target_date=day(500))

    assert not kpi_status(kpi, [], on=day(allowed_days)).overdue
    assert kpi_status(kpi, [], on=day(allowed_days + 1)).overdue


# Projected date ---------------------------------------------------------------------------------


def test_the_trend_of_recent_values_projects_when_the_target_is_reached():
    # +1 a day: from 30 on day 30 the remaining 70 take 70 days.
    status = kpi_status(make_kpi(), measured((10, 10), (20, 20), (30, 30)), on=day(30))

    assert status.projected_date == day(100)


def test_when_lower_is_better_a_falling_trend_projects_a_date():
    kpi = make_kpi(direction="lower", baseline=120, target=60)

    status = kpi_status(kpi, measured((0, 120), (20, 110), (40, 100)), on=day(40))

    # -0.5 a day: the remaining 40 days take 80 days.
    assert status.projected_date == day(120)
    assert status.status == Status.ON_TRACK  # the plan expects 96; 100 is within 10 %


def test_a_trend_moving_away_from_the_target_projects_no_date():
    status = kpi_status(make_kpi(), measured((10, 10), (20, 5), (30, 0)), on=day(30))

    assert status.status == Status.OFF_TRACK
    assert status.projected_date is None


def test_a_flat_trend_projects_no_date():
    status = kpi_status(make_kpi(), measured((10, 30), (20, 30)), on=day(20))

    assert status.projected_date is None


def test_a_single_value_is_not_a_trend():
    status = kpi_status(make_kpi(), measured((10, 30)), on=day(10))

    assert status.projected_date is None


def test_only_the_last_six_values_make_the_trend():
    # An early outlier, then a steady +1 a day over the last six values.
    values = measured((1, 90), (25, 25), (30, 30), (35, 35), (40, 40), (45, 45), (50, 50))

    status = kpi_status(make_kpi(), values, on=day(50))

    assert status.projected_date == day(100)


# The KPI form -------------------------------------------------------------------------------------


@pytest.fixture
def kpi_form_data():
    def data(**changes):
        values = {
            "name": "Permit processing time",
            "value_area": "current_value",
            "unit": "days",
            "direction": "lower",
            "baseline_value": "120",
            "baseline_date": "2025-01-15",
            "target_value": "60",
            "target_date": "2026-01-15",
            "cadence": "monthly",
        }
        values.update(changes)
        return values

    return data


def test_a_kpi_whose_target_date_equals_its_baseline_date_is_refused_with_a_message(
    member_client, initiative, kpi_form_data
):
    url = reverse("metrics:kpi_create", args=[initiative.pk])

    response = member_client.post(url, kpi_form_data(target_date="2025-01-15"))

    assert response.status_code == 200
    assert response.context["form"].errors["target_date"] == [
        "The target date must be after the baseline date."
    ]
    assertContains(response, "The target date must be after the baseline date.")
    assertContains(response, 'value="2025-01-15"', count=2)  # what was typed is kept
    assert not KPI.objects.filter(initiative=initiative).exists()


def test_a_kpi_whose_target_date_is_before_its_baseline_date_is_refused(
    member_client, initiative, kpi_form_data
):
    url = reverse("metrics:kpi_create", args=[initiative.pk])

    response = member_client.post(url, kpi_form_data(target_date="2024-12-31"))

    assertContains(response, "The target date must be after the baseline date.")
    assert not KPI.objects.filter(initiative=initiative).exists()


def test_a_kpi_with_a_target_date_after_its_baseline_is_saved(
    member_client, initiative, kpi_form_data
):
    url = reverse("metrics:kpi_create", args=[initiative.pk])

    response = member_client.post(url, kpi_form_data())

    assert response.status_code == 302
    kpi = KPI.objects.get(initiative=initiative)
    assert (kpi.baseline_date, kpi.target_date) == (date(2025, 1, 15), date(2026, 1, 15))
