"""The gates out of phases 2, 3 and 4 and the completion out of phase 5: each criterion passing,
failing with the words the user reads in the gate panel, and the gate approved through the page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import (
    Benefit,
    BenefitKind,
    BenefitUnit,
    Competence,
    Dataset,
    GateDecision,
    Phase,
    Reallocation,
    Responsibility,
    Review,
    ReviewDecision,
    State,
)
from tests.initiatives.conftest import make_benefit, make_realisation

Outcome = GateDecision.Outcome
TODAY = timezone.localdate


def missing(initiative) -> list[str]:
    return initiative.gate().missing


def page(client, initiative):
    return client.get(reverse("initiatives:detail", args=[initiative.pk]))


def assert_gate_says(client, initiative, message):
    """The criterion's message is what the gate returns and what the gate panel shows."""
    assert missing(initiative) == [message]
    response = page(client, initiative)
    assertContains(response, escape(message))
    assertNotContains(response, "Every criterion is met")


def approve(client, initiative, rationale="Agreed in the steering group."):
    return client.post(
        reverse("initiatives:gate", args=[initiative.pk]),
        {"decision": "approve", "rationale": rationale, "phase": initiative.phase},
        follow=True,
    )


# Gate 2 → 3: prerequisites ---------------------------------------------------------------------


def test_phase_two_gate_passes_with_one_accountable_a_responsible_and_assessed_data(
    leader_client, prerequisites_met
):
    gate = prerequisites_met.gate()

    assert gate.passed
    assert (gate.from_phase, gate.to_phase) == (2, 3)
    response = page(leader_client, prerequisites_met)
    assertContains(response, "Gate to phase 3")
    assertContains(response, "Every criterion is met: the gate can be approved.")


def test_approving_the_phase_two_gate_moves_to_planning(leader, leader_client, prerequisites_met):
    response = approve(leader_client, prerequisites_met)

    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PLANNING
    decision = prerequisites_met.decisions.get()
    assert (decision.outcome, decision.from_phase, decision.to_phase) == (Outcome.APPROVED, 2, 3)
    assert decision.decided_by == leader
    assertContains(response, "Gate approved. The initiative is now in phase 3.")


def test_nobody_accountable_fails_the_gate(leader_client, prerequisites_met):
    Responsibility.objects.filter(role="accountable").delete()

    assert_gate_says(
        leader_client,
        prerequisites_met,
        "Name the one person who is accountable (has the final say).",
    )


def test_two_accountable_people_fail_the_gate(leader_client, prerequisites_met):
    Responsibility.objects.create(
        initiative=prerequisites_met, role="accountable", name="Director General"
    )

    assert_gate_says(
        leader_client,
        prerequisites_met,
        "2 people are accountable; exactly one must have the final say.",
    )


def test_nobody_responsible_fails_the_gate(leader_client, prerequisites_met):
    Responsibility.objects.filter(role="responsible").delete()

    assert_gate_says(
        leader_client, prerequisites_met, "Name at least one person responsible for doing the work."
    )


def test_consulted_and_informed_people_do_not_count_as_responsible(prerequisites_met):
    Responsibility.objects.filter(role="responsible").update(role="consulted")
    Responsibility.objects.create(initiative=prerequisites_met, role="informed", name="Staff")

    assert missing(prerequisites_met) == [
        "Name at least one person responsible for doing the work."
    ]


@pytest.mark.parametrize(
    ("available", "gap_plan", "due_in_days"),
    [("partly", "", 60), ("no", "Hire a data engineer.", None), ("no", "   ", None)],
)
def test_a_competence_gap_without_plan_and_due_date_fails_the_gate(
    leader_client, prerequisites_met, available, gap_plan, due_in_days
):
    Competence.objects.create(
        initiative=prerequisites_met,
        name="Data engineering",
        available=available,
        gap_plan=gap_plan,
        due_date=TODAY() + timedelta(days=due_in_days) if due_in_days else None,
    )

    assert_gate_says(
        leader_client,
        prerequisites_met,
        "These competence gaps have no plan and due date: Data engineering.",
    )


def test_a_planned_gap_and_an_available_competence_pass(prerequisites_met):
    Competence.objects.create(
        initiative=prerequisites_met,
        name="Data engineering",
        available="partly",
        gap_plan="Two handlers take the data engineering course.",
        due_date=TODAY() + timedelta(days=90),
    )
    Competence.objects.create(initiative=prerequisites_met, name="Service design", available="yes")

    assert prerequisites_met.gate().passed


def test_no_datasets_listed_fails_the_gate(leader_client, prerequisites_met):
    Dataset.objects.all().delete()

    assert_gate_says(
        leader_client, prerequisites_met, "List the datasets the initiative depends on."
    )


@pytest.mark.parametrize("score", ["completeness", "accuracy", "timeliness", "consistency"])
def test_a_dataset_without_every_quality_score_fails_the_gate(
    leader_client, prerequisites_met, score
):
    Dataset.objects.create(
        initiative=prerequisites_met,
        name="Company register extract",
        owner="Registration Office",
        **{s: 3 for s in Dataset.SCORES if s != score},
    )

    assert_gate_says(
        leader_client,
        prerequisites_met,
        "Assess the quality of these datasets: Company register extract.",
    )


def test_the_ai_checklist_is_not_needed_when_the_initiative_does_not_use_ai(
    leader_client, prerequisites_met
):
    assert not prerequisites_met.uses_ai
    assert prerequisites_met.gate().passed
    assertContains(
        page(leader_client, prerequisites_met),
        "AI checklist (not needed: the initiative does not use AI)",
    )


def test_an_initiative_using_ai_needs_the_whole_ai_checklist(leader_client, prerequisites_met):
    prerequisites_met.uses_ai = True
    prerequisites_met.ai_problem_defined = True
    prerequisites_met.ai_ethics_assessed = True
    prerequisites_met.save()

    assert_gate_says(
        leader_client,
        prerequisites_met,
        "The AI checklist is not complete: data quality is adequate for AI; "
        "human oversight is defined.",
    )


def test_a_complete_ai_checklist_passes(prerequisites_met):
    prerequisites_met.uses_ai = True
    prerequisites_met.ai_problem_defined = True
    prerequisites_met.ai_data_quality_adequate = True
    prerequisites_met.ai_ethics_assessed = True
    prerequisites_met.ai_human_oversight = True
    prerequisites_met.save()

    assert prerequisites_met.gate().passed


def test_approving_an_unmet_gate_is_refused_and_the_phase_stays(leader_client, prerequisites_met):
    Responsibility.objects.filter(role="accountable").delete()

    response = approve(leader_client, prerequisites_met)

    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PREREQUISITES
    assert not prerequisites_met.decisions.exists()
    assertContains(response, "The gate&#x27;s criteria are not met yet.")


def test_member_cannot_approve_the_phase_two_gate(member_client, prerequisites_met):
    response = member_client.post(
        reverse("initiatives:gate", args=[prerequisites_met.pk]), {"decision": "approve"}
    )

    assert response.status_code == 403
    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PREREQUISITES


# Gate 3 → 4: how the benefit arises ------------------------------------------------------------


def test_phase_three_gate_passes_with_two_steps_and_a_fully_planned_benefit(
    leader_client, plan_met
):
    assert plan_met.gate().passed
    response = approve(leader_client, plan_met)

    plan_met.refresh_from_db()
    assert plan_met.phase == Phase.EXECUTION
    assertContains(response, "Gate approved. The initiative is now in phase 4.")


@pytest.mark.parametrize("steps", [0, 1])
def test_fewer_than_two_value_stream_steps_fail_the_gate(leader_client, plan_met, steps):
    plan_met.steps.filter(position__gt=steps).delete()

    assert_gate_says(
        leader_client,
        plan_met,
        f"Map today's process as a value stream of at least two steps (now {steps}).",
    )


def test_no_benefit_fails_the_gate(leader_client, plan_met):
    Benefit.objects.all().delete()

    assert_gate_says(leader_client, plan_met, "Add a benefit to the benefits register.")


@pytest.mark.parametrize("lacking", ["owner", "quantity", "expected_date", "kpis"])
def test_a_benefit_without_owner_quantity_date_or_linked_kpi_fails_the_gate(
    leader_client, plan_met, lacking
):
    benefit = plan_met.benefits.get()
    if lacking == "kpis":
        benefit.kpis.clear()
    else:
        setattr(benefit, lacking, None)
        benefit.save()

    assert_gate_says(
        leader_client,
        plan_met,
        "No benefit has all of an owner, a quantity, an expected date and a linked KPI yet.",
    )


def test_a_fully_planned_dis_benefit_does_not_count_as_a_benefit(plan_met):
    Benefit.objects.update(is_disbenefit=True)

    assert missing(plan_met) == ["Add a benefit to the benefits register."]


def test_a_time_freed_benefit_without_reallocation_fails_the_gate(
    leader_client, plan_met, kpi, member
):
    make_benefit(
        plan_met,
        kpi=kpi,
        owner=member,
        description="Handler time freed from re-keying",
        kind=BenefitKind.TIME_FREED,
        quantity=Decimal(2),
        unit=BenefitUnit.FTE,
    )

    assert_gate_says(
        leader_client,
        plan_met,
        "Say where the time freed by these benefits goes: Handler time freed from re-keying.",
    )


def test_a_reallocation_for_a_different_benefit_does_not_place_the_freed_time(plan_met, member):
    freed = make_benefit(plan_met, owner=member, description="Time freed", kind="time_freed")
    Reallocation.objects.create(
        initiative=plan_met,
        benefit=plan_met.benefits.exclude(pk=freed.pk).get(),
        capacity=1,
        capacity_unit="fte",
        task="Advice",
        unit="Supervision",
        from_date=TODAY(),
    )

    assert missing(plan_met) == ["Say where the time freed by these benefits goes: Time freed."]


def test_a_reallocated_time_freed_benefit_passes(plan_met, member):
    freed = make_benefit(plan_met, owner=member, description="Time freed", kind="time_freed")
    Reallocation.objects.create(
        initiative=plan_met,
        benefit=freed,
        capacity=1,
        capacity_unit="fte",
        task="Supervision visits",
        unit="Supervision unit",
        from_date=TODAY(),
    )

    assert plan_met.gate().passed


# Gate 4 → 5: execution -------------------------------------------------------------------------


@pytest.mark.parametrize("decision", [ReviewDecision.CONTINUE, ReviewDecision.SCALE_UP])
def test_a_monthly_review_deciding_to_continue_or_scale_up_meets_the_gate(
    leader_client, execution_met, decision
):
    Review.objects.update(decision=decision)

    assert execution_met.gate().passed
    approve(leader_client, execution_met)
    execution_met.refresh_from_db()
    assert execution_met.phase == Phase.REALISATION


def test_without_a_review_the_gate_asks_for_a_monthly_review(leader_client, execution_met):
    Review.objects.all().delete()

    assert_gate_says(
        leader_client,
        execution_met,
        "Hold a monthly leadership review that decides to continue or to scale up.",
    )


HOLD_A_MONTHLY_REVIEW = "Hold a monthly leadership review that decides to continue or to scale up."


@pytest.mark.parametrize(
    ("kind", "decision", "message"),
    [
        (Review.Kind.WEEKLY, ReviewDecision.CONTINUE, HOLD_A_MONTHLY_REVIEW),
        (
            Review.Kind.MONTHLY,
            ReviewDecision.ADJUST,
            f"The latest monthly review, on 2 Mar 2026, decided: Adjust. {HOLD_A_MONTHLY_REVIEW}",
        ),
        (
            Review.Kind.MONTHLY,
            ReviewDecision.PAUSE,
            f"The latest monthly review, on 2 Mar 2026, decided: Pause. {HOLD_A_MONTHLY_REVIEW}",
        ),
    ],
)
def test_a_weekly_review_or_another_monthly_decision_does_not_meet_the_gate(
    leader_client, execution_met, kind, decision, message
):
    Review.objects.update(kind=kind, decision=decision, date=date(2026, 3, 2))

    assert_gate_says(leader_client, execution_met, message)


def test_without_a_started_benefit_the_gate_asks_for_the_start_date(leader_client, execution_met):
    Benefit.objects.update(realisation_started_on=None)

    assert_gate_says(
        leader_client, execution_met, "Record the date on which a benefit began to show."
    )


def test_a_started_dis_benefit_does_not_count_as_realisation(execution_met):
    Benefit.objects.update(is_disbenefit=True)

    assert missing(execution_met) == ["Record the date on which a benefit began to show."]


# Phase 5 → completed ---------------------------------------------------------------------------


def test_completing_needs_a_realised_benefit_and_lessons_and_ends_completed(
    leader, leader_client, realisation_met
):
    response = page(leader_client, realisation_met)
    assertContains(response, "Completing the initiative")
    assertContains(response, "Approve: the initiative is completed")

    response = approve(leader_client, realisation_met, "Benefits show in the 2026 budget.")

    realisation_met.refresh_from_db()
    assert (realisation_met.phase, realisation_met.state) == (Phase.REALISATION, State.COMPLETED)
    decision = realisation_met.decisions.get()
    assert (decision.outcome, decision.from_phase, decision.to_phase) == (Outcome.COMPLETED, 5, 5)
    assert decision.decided_by == leader
    assertContains(response, '<span class="state state--completed">Completed</span>', html=True)


def test_without_a_realised_benefit_the_initiative_cannot_complete(leader_client, realisation_met):
    realisation_met.benefits.get().realisations.all().delete()

    assert_gate_says(
        leader_client,
        realisation_met,
        "Record a realised benefit that shows in the budget or the staffing plan.",
    )
    approve(leader_client, realisation_met)
    realisation_met.refresh_from_db()
    assert realisation_met.state == State.ACTIVE


def test_without_lessons_learned_the_initiative_cannot_complete(leader_client, realisation_met):
    realisation_met.lessons_learned = "  "
    realisation_met.save()

    assert_gate_says(leader_client, realisation_met, "Write down the lessons learned.")


def test_a_realised_dis_benefit_is_not_a_realised_benefit(realisation_met, member):
    realisation_met.benefits.all().delete()
    disbenefit = make_benefit(
        realisation_met, owner=member, description="Extra support calls", is_disbenefit=True
    )
    make_realisation(disbenefit, shows_in="staffing_plan", fte=Decimal("0.2"))

    assert missing(realisation_met) == [
        "Record a realised benefit that shows in the budget or the staffing plan."
    ]


def test_a_completed_initiative_shows_no_gate_and_no_edit_links(leader_client, realisation_met):
    approve(leader_client, realisation_met)

    response = leader_client.get(realisation_met.get_phase_url(5))
    assert response.status_code == 200
    assertNotContains(response, "Record decision")
    assertNotContains(response, "Edit lessons learned")
    assertNotContains(response, "Record realised benefit")
