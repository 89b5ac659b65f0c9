"""The paradox radar's rules, each at its edges: fires, does not fire, missing data, and never for
a stopped or completed initiative."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from initiatives import signals as radar
from initiatives.signals import BenefitFacts, Facts, KPIFacts, ReviewFacts, StreamFacts

TODAY = date(2026, 11, 20)


def kpi(name="Processing time", baseline=120, latest=120, status="on_track", owner=True, up=False):
    return KPIFacts(
        name=name,
        direction="higher" if up else "lower",
        baseline=None if baseline is None else Decimal(baseline),
        latest=None if latest is None else Decimal(latest),
        status=status,
        has_owner=owner,
    )


def benefit(description="Handler time freed", **fields):
    values = {
        "is_disbenefit": False,
        "is_time_freed": False,
        "has_owner": True,
        "expected_date": None,
        "booked": False,
    }
    values.update(fields)
    return BenefitFacts(description=description, **values)


def facts(**fields) -> Facts:
    values = {
        "state": "active",
        "phase": 4,
        "phase_since": date(2026, 9, 1),
        "accountable_count": 1,
    }
    values.update(fields)
    return Facts(**values)


def spend(*amounts, last=date(2026, 10, 1)):
    """Monthly spend ending in `last`'s month, oldest first."""
    months = []
    year, month = last.year, last.month
    for _ in amounts:
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(zip(reversed(months), (Decimal(a) for a in amounts), strict=True))


def fired(f: Facts) -> dict[str, radar.Signal]:
    return {s.code: s for s in radar.signals(f, TODAY)}


# Money in, no change ---------------------------------------------------------------------------


def test_money_in_with_no_kpi_moving_fires_with_the_sum_and_the_month():
    f = facts(
        kpis=[kpi(latest=121), kpi("Cost", 50, 50)], spend_by_month=spend(100000, 150000, 160000)
    )

    signal = fired(f)["money_no_change"]

    assert signal.severity == radar.STOP
    assert signal.evidence == (
        "410,000\u00a0€ spent since August 2026; none of the 2 KPIs has moved towards its target."
    )


def test_money_in_does_not_fire_once_one_kpi_moves_towards_its_target():
    f = facts(
        kpis=[kpi(latest=121), kpi("Share online", 40, 41, up=True)], spend_by_month=spend(1, 1, 1)
    )

    assert "money_no_change" not in fired(f)


def test_money_in_needs_spend_in_enough_recent_months():
    assert "money_no_change" not in fired(facts(kpis=[kpi()], spend_by_month=spend(1, 1)))
    old = spend(1, 1, 1, last=date(2026, 5, 1))
    assert "money_no_change" not in fired(facts(kpis=[kpi()], spend_by_month=old))


def test_money_in_without_measurements_says_nothing():
    f = facts(kpis=[kpi(latest=None)], spend_by_month=spend(1, 1, 1))

    assert "money_no_change" not in fired(f)


# Digitised, not renewed ------------------------------------------------------------------------


def stream(kind, processing, lead, flow=None, on=None):
    flow = Decimal(str(flow)) if flow is not None else Decimal(processing) / Decimal(lead)
    return StreamFacts(kind, on, Decimal(processing), Decimal(lead), flow)


def test_faster_steps_with_the_same_wait_is_digitised_not_renewed():
    f = facts(
        value_stream=[
            stream("as_is", 10, 400, flow="0.025"),
            stream("remeasure", 4, 395, flow="0.01", on=date(2026, 11, 1)),
        ]
    )

    signal = fired(f)["digitised_not_renewed"]

    assert "Processing time fell from 10 h to 4 h, but the lead time stayed at 395 h" in (
        signal.evidence
    )


def test_a_shorter_lead_time_is_renewal():
    f = facts(
        value_stream=[
            stream("as_is", 10, 400, flow="0.025"),
            stream("remeasure", 4, 200, flow="0.02", on=date(2026, 11, 1)),
        ]
    )

    assert "digitised_not_renewed" not in fired(f)


def test_never_remeasured_three_months_into_execution_fires():
    late = facts(phase_since=date(2026, 7, 1), value_stream=[stream("as_is", 10, 400)])
    early = facts(phase_since=date(2026, 10, 1), value_stream=[stream("as_is", 10, 400)])

    assert "has not been measured again" in fired(late)["digitised_not_renewed"].evidence
    assert "digitised_not_renewed" not in fired(early)


def test_before_execution_the_value_stream_is_not_judged():
    f = facts(phase=3, phase_since=date(2025, 1, 1), value_stream=[stream("as_is", 10, 400)])

    assert "digitised_not_renewed" not in fired(f)


# Freed time not moved --------------------------------------------------------------------------


def test_freed_time_beyond_confirmed_reallocations_fires_after_the_delay():
    freed = benefit(
        is_time_freed=True, realised_hours=Decimal(3200), first_realised_on=date(2026, 8, 1)
    )
    f = facts(benefits=[freed], confirmed_reallocated_hours=Decimal(1600))

    assert fired(f)["freed_time_not_moved"].evidence == (
        "2 FTE of time has been freed since 1 Aug 2026, but only 1 FTE is confirmed as moved to "
        "other work."
    )


def test_freed_time_is_given_time_to_move():
    freed = benefit(
        is_time_freed=True, realised_hours=Decimal(3200), first_realised_on=date(2026, 10, 1)
    )

    assert "freed_time_not_moved" not in fired(facts(benefits=[freed]))


def test_freed_time_all_moved_does_not_fire():
    freed = benefit(
        is_time_freed=True, realised_hours=Decimal(1600), first_realised_on=date(2026, 1, 1)
    )

    assert "freed_time_not_moved" not in fired(
        facts(benefits=[freed], confirmed_reallocated_hours=Decimal(1600))
    )


# Not in the budget -----------------------------------------------------------------------------


def test_a_benefit_past_its_date_with_nothing_booked_fires():
    f = facts(benefits=[benefit("Lower cost", expected_date=date(2026, 9, 1))])

    assert fired(f)["not_in_budget"].evidence == (
        "“Lower cost” was expected by 1 Sep 2026 and nothing shows in a budget line or the "
        "staffing plan."
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"booked": True},
        {"expected_date": date(2026, 11, 1)},  # within the grace period
        {"expected_date": None},
        {"is_disbenefit": True},
    ],
)
def test_a_booked_recent_undated_or_negative_benefit_is_not_flagged(changes):
    late = benefit("Lower cost", expected_date=date(2026, 9, 1))

    assert "not_in_budget" not in fired(facts(benefits=[replace(late, **changes)]))


# Nobody owns it --------------------------------------------------------------------------------


def test_kpis_and_benefits_without_an_owner_are_named():
    f = facts(
        kpis=[kpi("Lead time", owner=False)], benefits=[benefit("Less paper", has_owner=False)]
    )

    assert fired(f)["nobody_owns_it"].evidence == (
        "The KPI “Lead time” has no owner; the benefit “Less paper” has no owner."
    )


def test_no_accountable_person_after_the_prerequisites_is_flagged():
    assert (
        fired(facts(accountable_count=0))["nobody_owns_it"].evidence
        == "Nobody is named accountable."
    )
    assert "nobody_owns_it" not in fired(facts(phase=2, phase_since=TODAY, accountable_count=0))


# Continuing despite failing --------------------------------------------------------------------


def review(on, decision="continue", off="0.75"):
    return ReviewFacts(on, decision, None if off is None else Decimal(off))


def test_two_monthly_reviews_going_on_while_most_kpis_fail_is_a_stop_candidate():
    f = facts(monthly_reviews=[review(date(2026, 11, 3), "adjust"), review(date(2026, 10, 6))])

    signal = fired(f)["continuing_despite_failing"]

    assert signal.severity == radar.STOP
    assert "6 Oct 2026 and 3 Nov 2026" in signal.evidence


@pytest.mark.parametrize(
    "reviews",
    [
        [review(date(2026, 11, 3))],  # only one
        [review(date(2026, 11, 3), "stop"), review(date(2026, 10, 6))],
        [review(date(2026, 11, 3), off="0.5"), review(date(2026, 10, 6))],  # half is not most
        [review(date(2026, 11, 3), off=None), review(date(2026, 10, 6))],
    ],
)
def test_continuing_is_fine_when_the_kpis_do_not_mostly_fail(reviews):
    assert "continuing_despite_failing" not in fired(facts(monthly_reviews=reviews))


# Stuck -----------------------------------------------------------------------------------------


def test_too_long_in_a_phase_or_overdue_is_stuck():
    f = facts(phase=2, phase_since=date(2026, 6, 1), overdue_measurements=2, review_overdue=True)

    assert fired(f)["stuck"].evidence == (
        "172 days in phase 2, where 90 is the norm; 2 KPI measurements are overdue; the monthly "
        "review is overdue."
    )


def test_within_the_norm_and_up_to_date_is_not_stuck():
    assert "stuck" not in fired(facts(phase=2, phase_since=date(2026, 10, 1)))
    assert "stuck" not in fired(facts(phase_since=None))


# Never for closed initiatives; the verdict ----------------------------------------------------


@pytest.mark.parametrize("state", ["stopped", "completed"])
def test_a_closed_initiative_is_never_flagged(state):
    f = facts(
        state=state,
        phase=2,
        phase_since=date(2025, 1, 1),
        kpis=[kpi(owner=False)],
        overdue_measurements=3,
        spend_by_month=spend(1, 1, 1),
    )

    assert radar.signals(f, TODAY) == []
    assert radar.verdict(f, [], Decimal(1)) is None


def test_the_verdict_ranks_stop_before_fix_and_scales_only_what_delivers():
    failing = facts(monthly_reviews=[review(date(2026, 11, 3)), review(date(2026, 10, 6))])
    unowned = facts(kpis=[kpi(owner=False)])
    delivering = facts(phase=5, phase_since=TODAY, kpis=[kpi(status="on_track")])

    assert radar.verdict(failing, radar.signals(failing, TODAY), None) == radar.STOP_CANDIDATE
    assert radar.verdict(unowned, radar.signals(unowned, TODAY), None) == radar.NEEDS_FIXING
    assert radar.verdict(delivering, [], Decimal("0.8")) == radar.READY_TO_SCALE
    assert radar.verdict(delivering, [], Decimal("0.3")) is None
    at_risk = replace(delivering, kpis=[kpi(status="at_risk")])
    assert radar.verdict(at_risk, [], Decimal("0.8")) is None
