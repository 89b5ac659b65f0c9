"""Long KPI histories: the chart draws a thinned series that keeps the extremes."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from metrics.charts import thin
from metrics.models import Measurement
from tests.metrics.test_measurements import chart_of, measured_trace

START = date(2020, 1, 1)


@dataclass(frozen=True)
class Point:
    date: date
    value: int


def thinned(points, cap):
    return thin(points, cap, x=lambda p: p.date, y=lambda p: p.value)


def test_a_series_under_the_cap_comes_back_whole_in_date_order():
    points = [Point(START + timedelta(days=n), n) for n in (3, 1, 2)]
    assert thinned(points, 10) == sorted(points, key=lambda p: p.date)


def test_a_spike_in_a_long_series_survives_the_thinning():
    points = [Point(START + timedelta(days=n), 50) for n in range(10_000)]
    points[4321] = Point(points[4321].date, 999)
    points[7000] = Point(points[7000].date, -5)
    kept = thinned(points, 500)
    assert len(kept) <= 500
    assert {p.value for p in kept} == {50, 999, -5}
    assert kept[0] == points[0] and kept[-1] == points[-1]


@given(
    days=st.lists(st.integers(0, 3000), min_size=1, max_size=400, unique=True),
    values=st.lists(st.integers(-1000, 1000), min_size=400, max_size=400),
    cap=st.integers(4, 120),
)
def test_thinning_keeps_first_last_min_and_max_sorted_and_under_the_cap(days, values, cap):
    points = [Point(START + timedelta(days=d), v) for d, v in zip(days, values, strict=False)]
    kept = thinned(points, cap)
    ordered = sorted(points, key=lambda p: p.date)
    if len(points) <= cap:
        assert kept == ordered
        return
    assert len(kept) <= cap
    assert kept == sorted(kept, key=lambda p: p.date)
    assert kept[0] == ordered[0] and kept[-1] == ordered[-1]
    assert min(p.value for p in kept) == min(values[: len(points)])
    assert max(p.value for p in kept) == max(values[: len(points)])


@pytest.mark.django_db
def test_the_kpi_page_draws_a_thinned_chart_and_says_so(member_client, kpi, settings):
    settings.CHART_MAX_POINTS = 40
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, date=START + timedelta(days=n), value=Decimal(n % 7))
        for n in range(300)
    )
    response = member_client.get(reverse("metrics:kpi_detail", args=[kpi.pk]))
    trace = measured_trace(chart_of(response, kpi))
    assert len(trace["x"]) <= 40
    assert trace["x"][0] == START.isoformat()
    assert trace["x"][-1] == (START + timedelta(days=299)).isoformat()
    assert f"Showing {len(trace['x'])} of 300 measurements" in response.content.decode()


@pytest.mark.django_db
def test_a_short_history_is_drawn_whole_without_a_note(member_client, kpi, measurements):
    response = member_client.get(reverse("metrics:kpi_detail", args=[kpi.pk]))
    assert len(measured_trace(chart_of(response, kpi))["x"]) == 3
    assert "Showing" not in response.content.decode()
