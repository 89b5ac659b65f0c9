"""Reviews: each keeps a snapshot of every KPI as it stood on the review date, records its decision
and actions, and a stop or pause decision changes the initiative's state."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from initiatives import services
from initiatives.models import (
    GateDecision,
    GateError,
    Review,
    ReviewAction,
    ReviewKPISnapshot,
    State,
)
from metrics.models import Measurement
from metrics.status import kpi_status

Outcome = GateDecision.Outcome
TODAY = timezone.localdate


@pytest.fixture
def kpis(kpi, measurements, make_kpi, initiative):
    """The persona KPI with three values (the newest 101 days, 10 days ago) and one unmeasured."""
    satisfaction = make_kpi(
        initiative,
        name="Applicant satisfaction",
        unit="/5",
        direction="higher",
        baseline_value=Decimal("3.1"),
        target_value=Decimal("4.2"),
    )
    return [kpi, satisfaction]


@pytest.fixture
def review_data(member, leader):
    def data(**changes):
        values = {
            "date": TODAY().isoformat(),
            "kind": "monthly",
            "participants": "Liisa Laaksonen, Mikko Mäkinen, product team",
            "decision": "continue",
            "rationale": "Processing time falls as planned; continue.",
        }
        for i in range(3):
            values.update(
                {f"action{i}-description": "", f"action{i}-owner": "", f"action{i}-due_date": ""}
            )
        values.update(changes)
        return values

    return data


def record(client, initiative, data):
    return client.post(reverse("initiatives:review_create", args=[initiative.pk]), data)


def review_page(client, review):
    return client.get(reverse("initiatives:review", args=[review.initiative_id, review.pk]))


# The snapshot -----------------------------------------------------------------------------------


def test_recording_a_review_snapshots_every_kpi_value_and_status(
    member, member_client, initiative, kpis, review_data
):
    response = record(member_client, initiative, review_data())

    review = Review.objects.get(initiative=initiative)
    assert response.status_code == 302
    assert response.url == reverse("initiatives:review", args=[initiative.pk, review.pk])
    assert review.recorded_by == member
    assert (review.kind, review.decision) == ("monthly", "continue")
    processing, satisfaction = review.snapshots.order_by("kpi_name").reverse()
    assert processing.kpi_name == "Permit processing time"
    assert (processing.value, processing.measured_on) == (
        Decimal(101),
        TODAY() - timedelta(days=10),
    )
    assert processing.target_value == Decimal(60)
    assert processing.status == "at_risk"
    assert not processing.overdue
    expected = kpi_status(kpis[0], kpis[0].measurements.all(), on=TODAY())
    assert processing.planned == expected.planned_value.quantize(Decimal("0.0001"))
    assert (satisfaction.value, satisfaction.status) == (None, "no_data")
    assert satisfaction.overdue  # the baseline is 180 days old and nothing was measured since


def test_the_snapshot_is_taken_as_of_the_review_date(member_client, initiative, kpis, review_data):
    record(member_client, initiative, review_data(date=(TODAY() - timedelta(days=30)).isoformat()))

    snapshot = ReviewKPISnapshot.objects.get(kpi=kpis[0])
    assert (snapshot.value, snapshot.measured_on) == (Decimal(105), TODAY() - timedelta(days=40))


def test_later_changes_to_targets_and_measurements_do_not_change_the_snapshot(
    member_client, leader_client, initiative, kpis, review_data
):
    record(member_client, initiative, review_data())
    review = Review.objects.get()
    before = list(review.snapshots.values())
    processing = kpis[0]

    processing.target_value = Decimal(90)
    processing.name = "Permit lead time"
    processing.save()
    Measurement.objects.create(kpi=processing, date=TODAY(), value=Decimal(70))
    processing.measurements.filter(value=101).update(value=Decimal(130))

    assert list(review.snapshots.values()) == before
    response = review_page(leader_client, review)
    assertContains(response, "Permit processing time")
    assertContains(response, "101 days")
    assertNotContains(response, "Permit lead time")
    assertNotContains(response, "130")


def test_the_snapshot_outlives_a_deleted_kpi(member_client, initiative, kpis, review_data):
    record(member_client, initiative, review_data())
    review = Review.objects.get()

    kpis[0].delete()

    snapshot = review.snapshots.get(kpi_name="Permit processing time")
    assert snapshot.kpi is None
    assert snapshot.value == Decimal(101)


def test_the_review_page_shows_the_snapshot_the_decision_and_the_actions(
    member, member_client, viewer_client, initiative, kpis, review_data
):
    due = TODAY() + timedelta(days=14)
    record(
        member_client,
        initiative,
        review_data(
            **{
                "action0-description": "Report the digital share by channel",
                "action0-owner": member.pk,
                "action0-due_date": due.isoformat(),
            }
        ),
    )
    review = Review.objects.get()

    response = review_page(viewer_client, review)

    assert response.status_code == 200
    assertContains(response, "<h1>Monthly leadership review")
    assertContains(response, "<strong>Continue</strong>", html=True)
    assertContains(response, "Processing time falls as planned; continue.")
    assertContains(response, '<th scope="row">Permit processing time</th>', html=True)
    assertContains(response, "101 days")
    assertContains(response, '<span class="status status--at_risk">At risk</span>', html=True)
    assertContains(response, '<th scope="row">Applicant satisfaction</th>', html=True)
    assertContains(response, '<span class="status status--no_data">No data</span>', html=True)
    assertContains(response, '<span class="status status--overdue">Overdue</span>', html=True)
    assertContains(response, "Report the digital share by channel")
    assertContains(response, "Mikko Mäkinen")


def test_a_review_of_an_initiative_without_kpis_says_so(member_client, initiative, review_data):
    record(member_client, initiative, review_data())

    response = review_page(member_client, Review.objects.get())

    assertContains(response, "The initiative had no KPIs at the time of the review.")


def test_the_phase_four_workspace_lists_the_review(member_client, initiative, kpis, review_data):
    record(member_client, initiative, review_data())
    review = Review.objects.get()

    response = member_client.get(initiative.get_phase_url(4))

    assertContains(response, reverse("initiatives:review", args=[initiative.pk, review.pk]))
    assertContains(response, "<strong>Continue</strong>", html=True)


# Actions ----------------------------------------------------------------------------------------


def test_actions_with_an_owner_and_due_date_are_saved_and_empty_rows_ignored(
    member, leader, member_client, initiative, review_data
):
    first_due = TODAY() + timedelta(days=7)
    second_due = TODAY() + timedelta(days=21)

    record(
        member_client,
        initiative,
        review_data(
            **{
                "action0-description": "Simplify the application form",
                "action0-owner": member.pk,
                "action0-due_date": first_due.isoformat(),
                "action2-description": "Ask finance for the budget line",
                "action2-owner": leader.pk,
                "action2-due_date": second_due.isoformat(),
            }
        ),
    )

    actions = ReviewAction.objects.filter(review__initiative=initiative)
    assert [(a.description, a.owner, a.due_date) for a in actions] == [
        ("Simplify the application form", member, first_due),
        ("Ask finance for the budget line", leader, second_due),
    ]


def test_an_action_without_owner_or_due_date_is_refused_and_nothing_is_saved(
    member_client, initiative, review_data
):
    response = record(
        member_client,
        initiative,
        review_data(**{"action1-description": "Simplify the application form"}),
    )

    assert response.status_code == 200
    assertContains(response, "Every action needs an owner.")
    assertContains(response, "Every action needs a due date.")
    assertContains(response, "Simplify the application form")  # what was typed is kept
    assert not Review.objects.exists()


def test_an_owner_outside_the_initiatives_organisations_is_refused(
    member_client, initiative, outsider, review_data
):
    response = record(
        member_client,
        initiative,
        review_data(
            **{
                "action0-description": "Benchmark the city",
                "action0-owner": outsider.pk,
                "action0-due_date": TODAY().isoformat(),
            }
        ),
    )

    assert response.status_code == 200
    assert "owner" in response.context["action_forms"][0].errors
    assert not Review.objects.exists()


def test_a_review_cannot_be_dated_in_the_future(member_client, initiative, review_data):
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()

    response = record(member_client, initiative, review_data(date=tomorrow))

    assertContains(
        response, "A review is recorded after it is held; the date cannot be in the future."
    )
    assert not Review.objects.exists()


# Decisions that change the initiative ------------------------------------------------------------


def test_a_stop_decision_stops_the_initiative_and_records_the_gate_decision(
    leader, leader_client, initiative, kpis, review_data
):
    rationale = "Volumes fell by half; the saving will not come. Staff return to permit work."

    record(leader_client, initiative, review_data(decision="stop", rationale=rationale))

    initiative.refresh_from_db()
    assert initiative.state == State.STOPPED
    decision = initiative.decisions.get()
    assert (decision.outcome, decision.rationale, decision.decided_by) == (
        Outcome.STOPPED,
        rationale,
        leader,
    )
    assert Review.objects.get().decision == "stop"
    response = leader_client.get(initiative.get_absolute_url())
    assertContains(response, "This initiative is stopped.")
    assertContains(response, rationale)


def test_a_pause_decision_puts_the_initiative_on_hold(
    leader, leader_client, initiative, review_data
):
    record(leader_client, initiative, review_data(decision="pause", rationale="Await the budget."))

    initiative.refresh_from_db()
    assert initiative.state == State.ON_HOLD
    decision = initiative.decisions.get()
    assert (decision.outcome, decision.rationale) == (Outcome.PAUSED, "Await the budget.")


def test_a_pause_decision_on_an_initiative_already_on_hold_keeps_it_on_hold(
    leader, leader_client, initiative, review_data
):
    initiative.pause(leader, "Waiting for the platform decision.")

    response = record(leader_client, initiative, review_data(decision="pause"))

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.state == State.ON_HOLD
    assert initiative.decisions.count() == 1


def test_an_owner_who_is_a_member_cannot_decide_to_stop_their_own_initiative(
    make_initiative, agency_a, member, member_client, review_data
):
    own = make_initiative(agency_a, member, title="Member's own initiative")

    response = record(member_client, own, review_data(decision="stop", rationale="Not needed."))

    assertContains(response, "Only a leader can decide to stop or pause the initiative.")
    own.refresh_from_db()
    assert own.state == State.ACTIVE


@pytest.mark.parametrize("decision", ["stop", "pause"])
def test_a_member_cannot_record_a_stop_or_pause_decision(
    member_client, initiative, review_data, decision
):
    response = record(member_client, initiative, review_data(decision=decision))

    assert response.status_code == 200
    assert response.context["form"].errors["decision"] == [
        "Only a leader can decide to stop or pause the initiative."
    ]
    assertContains(response, "Only a leader can decide to stop or pause the initiative.")
    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE
    assert not Review.objects.exists()
    assert not initiative.decisions.exists()


@pytest.mark.parametrize("decision", ["continue", "adjust", "scale_up"])
def test_a_member_may_record_the_other_decisions(member_client, initiative, review_data, decision):
    response = record(member_client, initiative, review_data(decision=decision))

    assert response.status_code == 302
    assert Review.objects.get().decision == decision
    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE


def test_a_stopped_initiative_takes_no_more_reviews(leader, leader_client, initiative, review_data):
    initiative.stop(leader, "Stopped in the steering group.")

    response = record(leader_client, initiative, review_data(decision="stop"))

    assert response.status_code == 403
    assert not Review.objects.exists()
    assert initiative.decisions.count() == 1


# The rule in the service, for every caller ---------------------------------------------------


def unsaved_review(decision: str) -> Review:
    return Review(
        date=TODAY(),
        kind="monthly",
        participants="Product team",
        decision=decision,
        rationale="Volumes fell by half.",
    )


@pytest.mark.parametrize("decision", ["stop", "pause"])
def test_the_service_refuses_a_members_stop_or_pause_and_saves_nothing(
    member, initiative, kpis, decision
):
    with pytest.raises(GateError, match="Only a leader can decide to stop or pause"):
        services.review_record(initiative, member, unsaved_review(decision), actions=[])

    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE
    assert not Review.objects.exists()
    assert not ReviewKPISnapshot.objects.exists()
    assert not initiative.decisions.exists()


def test_the_service_lets_a_leader_stop_the_initiative(leader, initiative, kpis):
    review = services.review_record(initiative, leader, unsaved_review("stop"), actions=[])

    initiative.refresh_from_db()
    assert initiative.state == State.STOPPED
    assert review.snapshots.count() == len(kpis)
    assert initiative.decisions.get().outcome == Outcome.STOPPED
