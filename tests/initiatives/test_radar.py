"""The radar reads its facts from the database in a fixed number of queries, and what it reads
fires the rules (initiatives/signals.py holds their edges)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from initiatives.models import (
    Benefit,
    BenefitKind,
    BenefitUnit,
    GateDecision,
    MonthlySpend,
    Review,
    ReviewDecision,
)
from initiatives.radar import radar_for
from initiatives.signals import NEEDS_FIXING, STOP_CANDIDATE

TODAY = date(2026, 11, 20)


def spend_months(initiative, *amounts, last=date(2026, 10, 1)):
    month = last
    for amount in reversed(amounts):
        MonthlySpend.objects.create(initiative=initiative, month=month, amount_eur=Decimal(amount))
        month = (month - timedelta(days=1)).replace(day=1)


def test_money_in_and_no_kpi_moving_makes_a_stop_candidate(initiative, kpi, member):
    kpi.latest_value = kpi.baseline_value
    type(kpi).objects.filter(pk=kpi.pk).update(latest_value=kpi.baseline_value)
    spend_months(initiative, 120000, 140000, 150000)

    radar = radar_for([initiative], TODAY)[initiative.pk]

    assert radar.verdict == STOP_CANDIDATE
    assert "money_no_change" in radar.codes
    money = next(s for s in radar.signals if s.code == "money_no_change")
    assert money.evidence.startswith("410,000\u00a0€ spent since August 2026;")


def test_continuing_despite_failing_is_read_from_the_review_snapshots(initiative, kpi, leader):
    for on in (date(2026, 10, 6), date(2026, 11, 3)):
        review = Review.objects.create(
            initiative=initiative,
            date=on,
            kind=Review.Kind.MONTHLY,
            participants="Liisa",
            decision=ReviewDecision.CONTINUE,
            rationale="Carry on.",
            recorded_by=leader,
        )
        review.snapshots.create(kpi=kpi, kpi_name=kpi.name, unit=kpi.unit, status="off_track")

    radar = radar_for([initiative], TODAY)[initiative.pk]

    assert "continuing_despite_failing" in radar.codes


def test_a_benefit_without_owner_past_its_date_needs_fixing(initiative, kpi):
    Benefit.objects.create(
        initiative=initiative,
        description="Shorter queues",
        kind=BenefitKind.QUALITY,
        quantity=Decimal(10),
        unit=BenefitUnit.HOURS_PER_MONTH,
        expected_date=date(2026, 6, 1),
    )

    radar = radar_for([initiative], TODAY)[initiative.pk]

    assert radar.verdict == NEEDS_FIXING
    assert {"nobody_owns_it", "not_in_budget"} <= set(radar.codes)


def test_time_in_phase_counts_from_the_decision_that_moved_it_there(initiative, leader):
    initiative.phase = 2
    initiative.save()
    GateDecision.objects.create(
        initiative=initiative,
        outcome=GateDecision.Outcome.APPROVED,
        from_phase=1,
        to_phase=2,
        decided_by=leader,
        decided_at=datetime(2026, 5, 4, 10, tzinfo=ZoneInfo("Europe/Helsinki")),
    )

    radar = radar_for([initiative], TODAY)[initiative.pk]

    assert radar.facts.phase_since == TODAY - timedelta(days=200)
    assert "200 days in phase 2, where 90 is the norm" in next(
        s.evidence for s in radar.signals if s.code == "stuck"
    )


def test_the_radar_takes_the_same_queries_for_one_or_twenty_initiatives(
    make_initiative, agency_a, leader, make_kpi, django_assert_num_queries
):
    few = [make_initiative(agency_a, leader, title="Only one")]
    make_kpi(few[0])
    many = [make_initiative(agency_a, leader, title=f"Initiative {n}") for n in range(20)]
    for item in many:
        make_kpi(item)
        spend_months(item, 1000, 2000, 3000)

    with django_assert_num_queries(8):
        radar_for(few, TODAY)
    with django_assert_num_queries(8):
        result = radar_for(many, TODAY)
    assert len(result) == 20
