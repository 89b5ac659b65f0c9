"""Reordering the value stream: `ValueStreamStep.move`, the rule every caller goes through."""

import pytest

from tests.initiatives.conftest import make_step


@pytest.fixture
def steps(initiative):
    return [
        make_step(initiative, i, name) for i, name in enumerate(["First", "Second", "Third"], 1)
    ]


def order(initiative):
    return list(initiative.steps.values_list("name", "position"))


def test_a_step_moved_up_swaps_places_with_the_one_before(initiative, steps):
    steps[2].move("up")

    assert order(initiative) == [("First", 1), ("Third", 2), ("Second", 3)]
    assert steps[2].position == 2


def test_a_step_moved_down_swaps_places_with_the_one_after(initiative, steps):
    steps[0].move("down")

    assert order(initiative) == [("Second", 1), ("First", 2), ("Third", 3)]


def test_the_first_step_moved_up_and_the_last_moved_down_stay_where_they_are(initiative, steps):
    steps[0].move("up")
    steps[2].move("down")

    assert order(initiative) == [("First", 1), ("Second", 2), ("Third", 3)]


def test_moving_renumbers_steps_with_gaps_or_ties_one_to_n(initiative):
    first = make_step(initiative, 10, "First")
    make_step(initiative, 10, "Second")
    make_step(initiative, 40, "Third")

    first.move("down")

    assert order(initiative) == [("Second", 1), ("First", 2), ("Third", 3)]


def test_a_step_moves_only_among_the_steps_of_its_own_initiative(
    initiative, steps, make_initiative, agency_a, leader
):
    other = make_initiative(agency_a, leader, title="Another permit initiative")
    foreign = make_step(other, 1, "Foreign")

    foreign.move("down")
    steps[1].move("up")

    assert order(initiative) == [("Second", 1), ("First", 2), ("Third", 3)]
    assert order(other) == [("Foreign", 1)]


def test_a_step_moves_only_up_or_down(steps):
    with pytest.raises(ValueError):
        steps[1].move("sideways")
