"""Gate, move-back and stop POSTs name the phase they act on (issue 15, item 5).

A replayed or simultaneous second POST for a phase the initiative has already left is refused
with a message and records no second decision; on PostgreSQL, five simultaneous approvals make
one decision because the initiative row is locked.
"""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import GateDecision, Initiative, Phase, State

REFUSED = "someone decided first. Nothing was recorded."


def _gate(initiative):
    return reverse("initiatives:gate", args=[initiative.pk])


def test_the_gate_panel_and_the_stop_page_name_the_phase(leader_client, prerequisites_met):
    detail = leader_client.get(prerequisites_met.get_absolute_url())
    stop = leader_client.get(reverse("initiatives:stop", args=[prerequisites_met.pk]))

    assertContains(detail, 'name="phase" value="2"', count=2)  # the gate and move-back forms
    assertContains(stop, 'name="phase" value="2"')


def test_a_replayed_approval_is_refused_and_records_one_decision(leader_client, prerequisites_met):
    post = {"decision": "approve", "rationale": "Prerequisites in place.", "phase": 2}
    leader_client.post(_gate(prerequisites_met), post)

    replay = leader_client.post(_gate(prerequisites_met), post, follow=True)

    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PLANNING
    assert prerequisites_met.decisions.count() == 1
    assertContains(
        replay, "This decision was made for phase 2, but the initiative is now in phase 3"
    )


@pytest.mark.parametrize(
    "action, data",
    [
        ("gate", {"decision": "approve", "rationale": "Prerequisites in place."}),
        ("move_back", {"to_phase": 1, "reason": "The baseline was wrong."}),
        ("stop", {"rationale": "Money goes elsewhere."}),
    ],
)
def test_a_decision_that_names_no_phase_is_refused(leader_client, prerequisites_met, action, data):
    # A hand-made or old request that does not say which phase it is for could otherwise pass
    # whichever gate the initiative happens to stand at.
    response = leader_client.post(
        reverse(f"initiatives:{action}", args=[prerequisites_met.pk]), data, follow=True
    )

    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PREREQUISITES
    assert prerequisites_met.state == State.ACTIVE
    assert not prerequisites_met.decisions.exists()
    assertContains(response, "This decision does not say which phase it is for.")


def test_an_approval_for_the_previous_phase_does_not_pass_the_next_gate(
    leader_client, prerequisites_met
):
    # The phase-1 gate was passed; a stale or replayed phase-1 approval arrives. Phase 2's gate
    # is met, so without the phase named it would pass that gate instead.
    response = leader_client.post(
        _gate(prerequisites_met), {"decision": "approve", "phase": 1}, follow=True
    )

    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PREREQUISITES
    assert not prerequisites_met.decisions.exists()
    assertContains(response, REFUSED)


def test_a_return_for_a_phase_the_initiative_left_is_refused(leader_client, prerequisites_met):
    leader_client.post(_gate(prerequisites_met), {"decision": "approve", "phase": 2})

    leader_client.post(
        _gate(prerequisites_met), {"decision": "return", "rationale": "Not yet.", "phase": 2}
    )

    assert list(prerequisites_met.decisions.values_list("outcome", flat=True)) == [
        GateDecision.Outcome.APPROVED
    ]


def test_a_stale_move_back_is_refused(leader_client, leader, prerequisites_met):
    prerequisites_met.pass_gate(leader, "On to planning.")

    response = leader_client.post(
        reverse("initiatives:move_back", args=[prerequisites_met.pk]),
        {"to_phase": 1, "reason": "Goals unclear.", "phase": 2},
        follow=True,
    )

    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PLANNING
    assert prerequisites_met.decisions.count() == 1
    assertContains(response, REFUSED)


def test_a_stop_for_a_phase_the_initiative_left_is_refused(
    leader_client, leader, prerequisites_met
):
    prerequisites_met.pass_gate(leader, "On to planning.")

    response = leader_client.post(
        reverse("initiatives:stop", args=[prerequisites_met.pk]),
        {"rationale": "No results.", "phase": 2},
    )

    assertContains(response, REFUSED)
    prerequisites_met.refresh_from_db()
    assert prerequisites_met.is_open


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_approvals_make_one_decision(prerequisites_met, leader):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks; CI runs this on PostgreSQL")
    barrier, errors = threading.Barrier(5), []

    def approve():
        try:
            barrier.wait()
            Initiative.objects.get(pk=prerequisites_met.pk).pass_gate(
                leader, "Approved.", at_phase=2
            )
        except Exception as error:  # the four refused are counted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    prerequisites_met.refresh_from_db()
    assert prerequisites_met.phase == Phase.PLANNING
    assert prerequisites_met.decisions.count() == 1
    assert len(errors) == 4 and all(REFUSED in str(e) for e in errors)


def test_a_double_clicked_gate_request_asks_once_without_an_error(member_client, prerequisites_met):
    url = reverse("initiatives:gate_request", args=[prerequisites_met.pk])
    key = member_client.get(url).context["form"]["submission"].value()
    data = {"gate-note": "Everything is in place.", "gate-submission": key}

    member_client.post(url, data)
    second = member_client.post(url, data, follow=True)

    assert prerequisites_met.gate_requests.count() == 1
    assertNotContains(second, "already been asked for")
