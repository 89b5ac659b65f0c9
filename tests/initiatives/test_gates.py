"""The gate out of phase 1, the decisions leadership records on an initiative, and every gate
criterion reading the latest fact."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.gates import evaluate_gate
from initiatives.models import (
    Competence,
    GateDecision,
    GateError,
    Phase,
    Reallocation,
    Responsibility,
    Review,
    ReviewDecision,
    State,
)
from initiatives.views.core import workspace_context
from metrics.models import KPI, ValueArea
from tests.initiatives.conftest import make_benefit

Outcome = GateDecision.Outcome


@pytest.fixture(autouse=True)
def in_english():
    """Criteria evaluated outside a request speak the active language, and an earlier test's
    request may have left another one active in this thread."""
    with translation.override("en"):
        yield


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


# Every criterion reads the latest fact -----------------------------------------------------------
# A criterion that depends on decisions uses the most recent relevant one; every other criterion
# reads the initiative as it stands, so a later change undoes (or restores) what it found.

HOLD = "Hold a monthly leadership review that decides to continue or to scale up."
MARCH, APRIL = date(2026, 3, 2), date(2026, 4, 6)


@pytest.fixture
def execution(execution_met):
    """Phase 4 with a started benefit and no reviews yet: each test records its own, dated."""
    execution_met.reviews.all().delete()
    return execution_met


def review(initiative, on, decision, kind=Review.Kind.MONTHLY) -> Review:
    return Review.objects.create(
        initiative=initiative,
        date=on,
        kind=kind,
        participants="Liisa, Mikko",
        decision=decision,
        rationale="As the KPIs show.",
    )


@pytest.mark.parametrize(
    ("later", "label"),
    [
        (ReviewDecision.ADJUST, "Adjust"),
        (ReviewDecision.PAUSE, "Pause"),
        (ReviewDecision.STOP, "Stop"),
    ],
)
def test_a_later_monthly_adjust_pause_or_stop_voids_an_earlier_continue(
    leader_client, execution, later, label
):
    review(execution, MARCH, ReviewDecision.CONTINUE)
    review(execution, APRIL, later)

    message = f"The latest monthly review, on 6 Apr 2026, decided: {label}. {HOLD}"
    assert missing(execution) == [message]
    assert_user_sees(leader_client, execution, message)


@pytest.mark.parametrize("later", [ReviewDecision.CONTINUE, ReviewDecision.SCALE_UP])
def test_a_later_monthly_continue_or_scale_up_after_an_adjust_passes(execution, later):
    review(execution, MARCH, ReviewDecision.ADJUST)
    review(execution, APRIL, later)

    assert execution.gate().passed


@pytest.mark.parametrize(
    "weekly", [ReviewDecision.ADJUST, ReviewDecision.PAUSE, ReviewDecision.STOP]
)
def test_a_weekly_review_after_the_monthly_one_does_not_void_it(execution, weekly):
    review(execution, MARCH, ReviewDecision.CONTINUE)
    review(execution, APRIL, weekly, kind=Review.Kind.WEEKLY)

    assert execution.gate().passed


def test_a_weekly_continue_after_a_monthly_adjust_does_not_meet_the_gate(execution):
    review(execution, MARCH, ReviewDecision.ADJUST)
    review(execution, APRIL, ReviewDecision.CONTINUE, kind=Review.Kind.WEEKLY)

    assert missing(execution) == [
        f"The latest monthly review, on 2 Mar 2026, decided: Adjust. {HOLD}"
    ]


def test_the_review_dated_latest_counts_not_the_one_recorded_last(execution):
    review(execution, APRIL, ReviewDecision.CONTINUE)
    review(execution, MARCH, ReviewDecision.ADJUST)  # recorded afterwards, held earlier

    assert execution.gate().passed


@pytest.mark.parametrize(
    ("first", "second", "passes"),
    [
        (ReviewDecision.CONTINUE, ReviewDecision.ADJUST, False),
        (ReviewDecision.ADJUST, ReviewDecision.CONTINUE, True),
    ],
)
def test_of_two_monthly_reviews_on_one_day_the_one_recorded_last_counts(
    execution, first, second, passes
):
    review(execution, APRIL, first)
    review(execution, APRIL, second)

    assert execution.gate().passed is passes


def test_the_gate_reads_the_latest_review_from_the_workspace_without_a_query(
    leader, execution, django_assert_num_queries
):
    review(execution, MARCH, ReviewDecision.CONTINUE)
    review(execution, APRIL, ReviewDecision.ADJUST)
    review(execution, APRIL, ReviewDecision.CONTINUE, kind=Review.Kind.WEEKLY)
    request = RequestFactory().get("/")
    request.user = leader
    workspace_context(request, execution, Phase.EXECUTION)

    with django_assert_num_queries(0):
        gate = evaluate_gate(execution)

    assert gate.missing == [f"The latest monthly review, on 6 Apr 2026, decided: Adjust. {HOLD}"]


@pytest.fixture
def in_march():
    with time_machine.travel(
        datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("Europe/Helsinki")), tick=False
    ):
        yield MARCH


def test_a_realisation_start_still_ahead_is_not_a_started_benefit(
    leader_client, execution_met, in_march
):
    execution_met.benefits.update(realisation_started_on=date(2026, 3, 3))

    message = (
        "The recorded realisation start is in the future (3 Mar 2026); a benefit counts once it "
        "has begun to show."
    )
    assert missing(execution_met) == [message]
    assert_user_sees(leader_client, execution_met, message)


def test_a_realisation_that_started_today_counts(execution_met, in_march):
    execution_met.benefits.update(realisation_started_on=in_march)

    assert execution_met.gate().passed


@pytest.fixture
def freed_and_reallocated(plan_met, kpi, member):
    """Phase 3 whose gate is met, with a time-freed benefit of 2 FTE reallocated in full."""
    freed = make_benefit(
        plan_met,
        kpi=kpi,
        owner=member,
        description="Handler time freed from re-keying",
        kind="time_freed",
        quantity=Decimal(2),
        unit="fte",
    )
    Reallocation.objects.create(
        initiative=plan_met,
        benefit=freed,
        capacity=Decimal(2),
        capacity_unit="fte",
        task="Supervision visits",
        unit="Supervision unit",
        from_date=MARCH,
    )
    return plan_met


def cleared(**fields):
    def change(initiative):
        for name, value in fields.items():
            setattr(initiative, name, value)
        initiative.save()

    return change


UNDONE = [
    pytest.param(
        "ready",
        cleared(change_for_citizens=""),
        "The change statement is missing the change sought for citizens and customers.",
        id="change statement emptied",
    ),
    pytest.param(
        "ready",
        lambda i: KPI.objects.update(target_date=None),
        "No KPI has a baseline value and date, a target value and a target date yet.",
        id="target date removed",
    ),
    pytest.param(
        "ready",
        lambda i: KPI.objects.update(value_area=ValueArea.TIME_TO_VALUE),
        "No KPI measures current value or cost-efficiency; add one in either value area.",
        id="kpi moved to another value area",
    ),
    pytest.param(
        "prerequisites_met",
        lambda i: Responsibility.objects.filter(role="accountable").update(role="consulted"),
        "Name the one person who is accountable (has the final say).",
        id="accountable became consulted",
    ),
    pytest.param(
        "prerequisites_met",
        lambda i: Responsibility.objects.filter(role="responsible").update(role="informed"),
        "Name at least one person responsible for doing the work.",
        id="responsible became informed",
    ),
    pytest.param(
        "prerequisites_met",
        lambda i: Competence.objects.create(initiative=i, name="Service design", available="no"),
        "These competence gaps have no plan and due date: Service design.",
        id="competence gap found",
    ),
    pytest.param(
        "prerequisites_met",
        lambda i: i.datasets.update(accuracy=None),
        "Assess the quality of these datasets: Permit case records.",
        id="dataset score cleared",
    ),
    pytest.param(
        "prerequisites_met",
        cleared(uses_ai=True),
        "The AI checklist is not complete: the problem AI solves is clearly defined; data "
        "quality is adequate for AI; an ethical assessment is done; human oversight is defined.",
        id="ai taken into use",
    ),
    pytest.param(
        "freed_and_reallocated",
        lambda i: i.steps.filter(position=2).delete(),
        "Map today's process as a value stream of at least two steps (now 1).",
        id="step removed",
    ),
    pytest.param(
        "freed_and_reallocated",
        lambda i: i.benefits.update(owner=None),
        "No benefit has all of an owner, a quantity, an expected date and a linked KPI yet.",
        id="benefit owner removed",
    ),
    pytest.param(
        "freed_and_reallocated",
        lambda i: i.reallocations.update(capacity=0),
        "Say where the time freed by these benefits goes: Handler time freed from re-keying.",
        id="reallocation cut to nothing",
    ),
    pytest.param(
        "execution_met",
        lambda i: i.benefits.update(realisation_started_on=None),
        "Record the date on which a benefit began to show.",
        id="realisation start removed",
    ),
    pytest.param(
        "realisation_met",
        lambda i: i.benefits.update(is_disbenefit=True),
        "Record a realised benefit that shows in the budget or the staffing plan.",
        id="realised benefit became a dis-benefit",
    ),
    pytest.param(
        "realisation_met",
        cleared(lessons_learned=" "),
        "Write down the lessons learned.",
        id="lessons emptied",
    ),
]


@pytest.mark.parametrize(("met", "change", "message"), UNDONE)
def test_a_later_change_undoes_a_met_criterion_at_once(request, met, change, message):
    initiative = request.getfixturevalue(met)
    assert initiative.gate().passed

    change(initiative)

    assert missing(initiative) == [message]


def test_a_competence_gap_closed_later_no_longer_needs_a_plan(prerequisites_met):
    gap = Competence.objects.create(
        initiative=prerequisites_met, name="Service design", available="no"
    )
    assert not prerequisites_met.gate().passed

    gap.available = "yes"
    gap.save()

    assert prerequisites_met.gate().passed


def test_a_time_freed_benefit_recorded_as_a_dis_benefit_later_needs_no_reallocation(
    freed_and_reallocated,
):
    freed_and_reallocated.reallocations.all().delete()
    assert not freed_and_reallocated.gate().passed

    freed_and_reallocated.benefits.filter(kind="time_freed").update(is_disbenefit=True)

    assert freed_and_reallocated.gate().passed
