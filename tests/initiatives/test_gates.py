"""The gate out of phase 1, and the decisions leadership records on an initiative."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import GateDecision, GateError, Phase, State
from metrics.models import ValueArea

Outcome = GateDecision.Outcome


@pytest.fixture
def ready(initiative, kpi):
    """An initiative whose phase-1 criteria are all met."""
    return initiative


def missing(initiative) -> list[str]:
    return initiative.gate().missing


def assert_user_sees(client, initiative, message):
    response = client.get(reverse("initiatives:detail", args=[initiative.pk]))
    assertContains(response, message)


# Phase-1 criteria -----------------------------------------------------------------------------


def test_gate_is_ready_when_every_phase_one_criterion_is_met(leader_client, ready):
    gate = ready.gate()

    assert gate.passed
    assert (gate.from_phase, gate.to_phase) == (1, 2)
    assert [c.met for c in gate.criteria] == [True, True, True]
    assert_user_sees(leader_client, ready, "Every criterion is met: the gate can be approved.")


def test_change_statement_missing_entirely_is_explained(leader_client, ready):
    ready.change_for_citizens = ""
    ready.change_in_cost_efficiency = "  "
    ready.save()

    message = (
        "The change statement is missing the change sought for citizens and customers and "
        "the cost-efficiency sought."
    )
    assert missing(ready) == [message]
    assert_user_sees(leader_client, ready, message)


def test_change_statement_missing_only_cost_efficiency_names_just_that(leader_client, ready):
    ready.change_in_cost_efficiency = ""
    ready.save()

    message = "The change statement is missing the cost-efficiency sought."
    assert missing(ready) == [message]
    assert_user_sees(leader_client, ready, message)


def test_change_statement_missing_only_the_citizens_change_names_just_that(leader_client, ready):
    ready.change_for_citizens = ""
    ready.save()

    message = "The change statement is missing the change sought for citizens and customers."
    assert missing(ready) == [message]
    assert_user_sees(leader_client, ready, message)


def test_initiative_without_kpis_is_told_to_add_one(leader_client, initiative):
    assert missing(initiative) == [
        "No KPI has been added yet.",
        "No KPI measures current value or cost-efficiency; add one in either value area.",
    ]
    assert_user_sees(leader_client, initiative, "No KPI has been added yet.")


@pytest.mark.parametrize(
    "incomplete", ["baseline_value", "baseline_date", "target_value", "target_date"]
)
def test_kpi_without_baseline_or_target_does_not_count(
    leader_client, initiative, make_kpi, incomplete
):
    make_kpi(initiative, **{incomplete: None})

    message = "No KPI has a baseline value and date, a target value and a target date yet."
    assert missing(initiative) == [message]
    assert_user_sees(leader_client, initiative, message)


def test_kpis_only_outside_current_value_and_cost_efficiency_are_not_enough(
    leader_client, initiative, make_kpi
):
    make_kpi(initiative, value_area=ValueArea.TIME_TO_VALUE)
    make_kpi(initiative, name="Ideas tried", value_area=ValueArea.ABILITY_TO_INNOVATE)

    message = "No KPI measures current value or cost-efficiency; add one in either value area."
    assert missing(initiative) == [message]
    assert_user_sees(leader_client, initiative, message)


def test_a_cost_efficiency_kpi_meets_the_value_area_criterion(initiative, make_kpi):
    make_kpi(initiative, value_area=ValueArea.COST_EFFICIENCY)

    assert initiative.gate().passed


def test_criteria_may_be_met_by_different_kpis(initiative, make_kpi):
    make_kpi(initiative, value_area=ValueArea.TIME_TO_VALUE)
    make_kpi(initiative, name="Satisfaction", value_area=ValueArea.CURRENT_VALUE, target_value=None)

    assert initiative.gate().passed


def test_met_criteria_are_marked_met_for_the_reader(leader_client, initiative):
    response = leader_client.get(reverse("initiatives:detail", args=[initiative.pk]))

    assertContains(response, "Met:", count=1)  # the change statement
    assertContains(response, "Missing:", count=2)
    assertNotContains(response, "Every criterion is met")


# Decisions ------------------------------------------------------------------------------------


def test_pass_gate_is_refused_while_criteria_are_unmet(initiative, leader):
    with pytest.raises(GateError, match=re.escape("The gate's criteria are not met yet.")):
        initiative.pass_gate(leader, "Looks good")

    initiative.refresh_from_db()
    assert initiative.phase == Phase.GOALS
    assert not initiative.decisions.exists()


def test_approving_the_gate_moves_to_phase_two_and_records_the_decision(ready, leader):
    decision = ready.pass_gate(leader, "KPIs agreed with the steering group.")

    ready.refresh_from_db()
    assert ready.phase == Phase.PREREQUISITES
    assert ready.version == 2
    assert decision.outcome == Outcome.APPROVED
    assert (decision.from_phase, decision.to_phase) == (1, 2)
    assert decision.decided_by == leader
    assert decision.rationale == "KPIs agreed with the steering group."
    assert list(ready.decisions.all()) == [decision]


def test_returning_at_the_gate_requires_a_reason(initiative, leader):
    with pytest.raises(GateError, match=re.escape("Say why the initiative is returned.")):
        initiative.return_at_gate(leader, "   ")

    assert not initiative.decisions.exists()


def test_returning_at_the_gate_records_the_reason_and_keeps_the_phase(initiative, leader):
    decision = initiative.return_at_gate(leader, "Add a cost-efficiency KPI.")

    initiative.refresh_from_db()
    assert initiative.phase == Phase.GOALS
    assert decision.outcome == Outcome.RETURNED
    assert (decision.from_phase, decision.to_phase) == (1, 1)
    assert decision.rationale == "Add a cost-efficiency KPI."


def test_moving_back_records_the_reason_and_the_earlier_phase(ready, leader):
    ready.pass_gate(leader)

    decision = ready.move_back(leader, Phase.GOALS, "The baseline turned out to be wrong.")

    ready.refresh_from_db()
    assert ready.phase == Phase.GOALS
    assert decision.outcome == Outcome.MOVED_BACK
    assert (decision.from_phase, decision.to_phase) == (2, 1)
    assert ready.decisions.count() == 2


def test_moving_back_requires_a_reason(ready, leader):
    ready.pass_gate(leader)

    with pytest.raises(GateError, match=re.escape("Say why the initiative moves back.")):
        ready.move_back(leader, Phase.GOALS, "")

    ready.refresh_from_db()
    assert ready.phase == Phase.PREREQUISITES


@pytest.mark.parametrize("to_phase", [Phase.PREREQUISITES, Phase.PLANNING, 0])
def test_moving_back_only_goes_to_an_earlier_phase(ready, leader, to_phase):
    ready.pass_gate(leader)

    with pytest.raises(
        GateError, match=re.escape("An initiative can only move back to an earlier phase.")
    ):
        ready.move_back(leader, to_phase, "Why not")

    ready.refresh_from_db()
    assert ready.phase == Phase.PREREQUISITES


def test_stopping_records_the_rationale_and_the_stopped_state(initiative, leader):
    decision = initiative.stop(leader, "The permit volumes fell; the benefit will not come.")

    initiative.refresh_from_db()
    assert initiative.state == State.STOPPED
    assert initiative.phase == Phase.GOALS
    assert decision.outcome == Outcome.STOPPED
    assert decision.rationale == "The permit volumes fell; the benefit will not come."


def test_stopping_requires_a_rationale(initiative, leader):
    with pytest.raises(GateError, match=re.escape("Say why the initiative is stopped.")):
        initiative.stop(leader, " ")

    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE


def test_a_stopped_initiative_cannot_be_stopped_again_or_pass_a_gate(ready, leader):
    ready.stop(leader, "No longer needed.")

    with pytest.raises(GateError, match="already stopped"):
        ready.stop(leader, "Again")
    with pytest.raises(
        GateError, match=re.escape("Only an active or on-hold initiative can pass a gate.")
    ):
        ready.pass_gate(leader)

    ready.refresh_from_db()
    assert (ready.phase, ready.state) == (Phase.GOALS, State.STOPPED)
    assert ready.decisions.count() == 1


def test_an_initiative_on_hold_can_still_pass_its_gate(ready, leader):
    ready.state = State.ON_HOLD
    ready.save()

    ready.pass_gate(leader)

    ready.refresh_from_db()
    assert ready.phase == Phase.PREREQUISITES
