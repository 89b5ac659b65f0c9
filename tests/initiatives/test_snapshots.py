"""Month on month: the monthly portfolio snapshot job, and what the portfolio reads back."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Benefit, BenefitUnit, Initiative, MonthlySpend, PortfolioSnapshot
from initiatives.portfolio import portfolio_rows
from initiatives.signals import NEEDS_FIXING, STOP_CANDIDATE
from initiatives.snapshots import snapshot_portfolio, store_snapshots
from initiatives.tasks import snapshot_portfolio as snapshot_task
from metrics.models import KPI, Measurement, refresh_kpi_statuses

URL = reverse("initiatives:portfolio")
# A fixed moment, so the tests pass on any day (CI also runs them with the clock moved).
NOW = "2027-03-10 12:00 +02:00"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" +", "+"))


@pytest.fixture(autouse=True)
def clock():
    # Before any fixture: a session started at the real time would have expired by then.
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def permits(clock, make_initiative, make_kpi, agency_a, leader):
    """A phase-4 initiative whose KPI is off track, with spend and a planned benefit."""
    initiative = make_initiative(agency_a, leader, title="Permit service", phase=4)
    kpi = make_kpi(initiative)  # lower is better, 120 → 60; 119 lately: off track
    Measurement.objects.create(kpi=kpi, date=date(2027, 3, 5), value=Decimal(119))
    refresh_kpi_statuses(KPI.objects.all())
    MonthlySpend.objects.create(initiative=initiative, month=date(2027, 2, 1), amount_eur=5000)
    Benefit.objects.create(
        initiative=initiative,
        description="Lower cost",
        kind="cashable",
        quantity=Decimal(100000),
        unit=BenefitUnit.EUR_PER_YEAR,
        expected_date=date(2027, 9, 1),
    )
    return initiative


@pytest.fixture
def outsiders(clock, make_initiative, municipality, outsider):
    return make_initiative(municipality, outsider, title="Home care routes", phase=3)


def snapshot(initiative, month, **fields) -> PortfolioSnapshot:
    defaults = {
        "phase": initiative.phase,
        "state": initiative.state,
        "kpi_status": "on_track",
        "signals": [],
        "budget_eur": 0,
        "spent_eur": 0,
        "planned_eur": 0,
        "realised_eur": 0,
        "taken_at": timezone.now(),
    }
    return PortfolioSnapshot.objects.create(
        initiative=initiative, month=month, **(defaults | fields)
    )


def test_the_job_run_twice_in_a_month_stores_one_snapshot_per_initiative(permits, outsiders):
    assert snapshot_portfolio(moment("2027-03-10 12:00 +02:00")) == 2
    assert snapshot_portfolio(moment("2027-03-20 02:30 +02:00")) == 0

    assert PortfolioSnapshot.objects.count() == 2
    assert set(PortfolioSnapshot.objects.values_list("month", flat=True)) == {date(2027, 3, 1)}


def test_two_runs_at_once_store_one_snapshot(permits):
    # The second run read the same pending initiatives before the first one stored them.
    now = timezone.now()
    snapshot_portfolio(now)
    store_snapshots([permits.pk], date(2027, 3, 1), now.date(), now)

    assert PortfolioSnapshot.objects.filter(initiative=permits).count() == 1


def test_the_month_is_the_month_in_the_configured_time_zone(permits):
    # 22:30 UTC on the last of March is already April in Helsinki.
    snapshot_portfolio(moment("2027-03-31 22:30 +00:00"))

    assert PortfolioSnapshot.objects.get().month == date(2027, 4, 1)


def test_a_missed_month_is_not_invented_but_the_current_one_is_caught_up(permits):
    snapshot(permits, date(2027, 1, 1))  # February's run never happened

    assert snapshot_portfolio(timezone.now()) == 1

    months = list(PortfolioSnapshot.objects.values_list("month", flat=True).order_by("month"))
    assert months == [date(2027, 1, 1), date(2027, 3, 1)]


def test_the_stored_figures_are_the_portfolio_rows(permits):
    snapshot_portfolio(timezone.now())

    row = portfolio_rows(Initiative.objects.filter(pk=permits.pk), timezone.localdate())[0]
    stored = PortfolioSnapshot.objects.get(initiative=permits)
    assert (stored.phase, stored.state, stored.kpi_status) == (4, "active", row.kpi_status)
    assert stored.kpi_status == "off_track"
    assert stored.verdict == row.verdict
    assert stored.signals == row.radar.codes
    assert stored.spent_eur == row.spent_eur == Decimal(5000)
    assert stored.budget_eur == row.budget_eur
    assert stored.planned_eur == row.planned_eur == Decimal(100000)
    assert stored.realised_eur == row.realised_eur


def test_the_management_command_prints_the_count(permits, outsiders):
    out = StringIO()
    call_command("snapshot_portfolio", "--now", "2027-03-12T02:30", stdout=out)
    assert "Portfolio snapshots stored for 2027-03: 2" in out.getvalue()

    out = StringIO()
    call_command("snapshot_portfolio", stdout=out)
    assert "2027-03: 0" in out.getvalue()


def test_the_task_stores_the_snapshots(permits):
    # Run in this process: with a real broker (CI) .delay() would wait for a worker.
    assert snapshot_task.apply(args=["2027-03-12T02:30"]).get(timeout=60) == 1


def test_the_portfolio_says_worse_when_last_month_was_on_track(leader_client, permits):
    snapshot(permits, date(2027, 2, 1), kpi_status="on_track")

    response = leader_client.get(URL)

    assert "▼ worse: was on track" in response.content.decode()


def test_the_portfolio_says_better_and_names_new_signals(leader_client, permits):
    snapshot(permits, date(2027, 2, 1), kpi_status="off_track")
    row = leader_client.get(URL).context["portfolio"].rows[0]
    assert row.status_change == "same"
    assert [s.code for s in row.new_signals] == row.radar.codes

    PortfolioSnapshot.objects.all().delete()
    snapshot(permits, date(2027, 2, 1), kpi_status="on_track", signals=row.radar.codes)
    row = leader_client.get(URL).context["portfolio"].rows[0]
    assert row.status_change == "worse"
    assert row.new_signals == []


def test_a_new_initiative_reads_new(leader_client, permits):
    assert "<td>new" in leader_client.get(URL).content.decode()


def test_the_trend_table_lists_the_last_twelve_months(leader_client, permits, outsiders):
    snapshot(permits, date(2027, 2, 1), verdict=STOP_CANDIDATE)
    snapshot(permits, date(2026, 6, 1), verdict=NEEDS_FIXING)
    snapshot(permits, date(2026, 3, 1), verdict=STOP_CANDIDATE)  # thirteen months ago
    # The outsider's initiative is not the leader's to see: it is not counted.
    snapshot(outsiders, date(2027, 2, 1), verdict=STOP_CANDIDATE)

    response = leader_client.get(URL)

    trend = dict(response.context["trend_rows"])
    assert [m.strftime("%Y-%m") for m in trend] == [
        f"{y}-{m:02}"
        for y, m in [(2026, m) for m in range(4, 13)] + [(2027, 1), (2027, 2), (2027, 3)]
    ]
    assert trend[date(2027, 2, 1)] == [1, 0, 0]
    assert trend[date(2026, 6, 1)] == [0, 1, 0]
    html = response.content.decode()
    assert 'id="figure-trend"' in html
    assert '<th scope="row">April 2026</th>' in html and '<th scope="row">March 2027</th>' in html


def test_the_trend_honours_the_filters(leader_client, permits, make_initiative, agency_a, leader):
    other = make_initiative(agency_a, leader, title="Register", phase=2)
    snapshot(permits, date(2027, 2, 1), verdict=STOP_CANDIDATE)
    snapshot(other, date(2027, 2, 1), verdict=STOP_CANDIDATE)

    assert dict(leader_client.get(URL).context["trend_rows"])[date(2027, 2, 1)][0] == 2
    filtered = leader_client.get(f"{URL}?phase=2").context["trend_rows"]
    assert dict(filtered)[date(2027, 2, 1)][0] == 1


def test_the_outsider_sees_only_their_own_initiative_counted(outsider_client, permits, outsiders):
    snapshot(permits, date(2027, 2, 1), verdict=STOP_CANDIDATE)

    assert dict(outsider_client.get(URL).context["trend_rows"])[date(2027, 2, 1)] == [0, 0, 0]


def test_the_portfolio_query_count_is_the_same_at_two_sizes(
    leader_client, permits, make_initiative, agency_a, leader
):
    snapshot(permits, date(2027, 2, 1), verdict=STOP_CANDIDATE)
    leader_client.get(URL)
    with CaptureQueriesContext(connection) as small:
        leader_client.get(URL)
    for i in range(20):
        extra = make_initiative(agency_a, leader, title=f"Extra {i}", phase=1 + i % 5)
        snapshot(extra, date(2027, 2, 1), verdict=NEEDS_FIXING)
    with CaptureQueriesContext(connection) as large:
        response = leader_client.get(URL)

    assert len(response.context["portfolio"].rows) == 21
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_demo_has_a_year_of_snapshots_and_stays_the_same_when_run_again(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    count = PortfolioSnapshot.objects.count()
    call_command("seed_demo", stdout=StringIO())

    assert PortfolioSnapshot.objects.count() == count
    months = set(PortfolioSnapshot.objects.values_list("month", flat=True))
    assert len(months) == 12 and date(2027, 3, 1) in months
    assert PortfolioSnapshot.objects.filter(verdict=STOP_CANDIDATE).exists()
