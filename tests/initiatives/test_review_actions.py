"""Review actions are followed up: their owner (a member or leader over the initiative) marks
them done with a note, the history shows it, and the next review sees what is still open.

The clock stands at 10 November 2026, noon in Helsinki. `review` is a monthly review of the
persona initiative (agency A) on 1 October; `action` one of its actions, `member`'s, due 5 November.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Phase, Review, ReviewAction, State
from renewal.models import AuditEntry
from tests.initiatives.test_my_work import make_action, make_review

TODAY = date(2026, 11, 10)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 10, 12, 0, tzinfo=ZoneInfo("Europe/Helsinki"))):
        yield


@pytest.fixture
def review(initiative):
    initiative.phase = Phase.EXECUTION
    initiative.save()
    return make_review(initiative, on=date(2026, 10, 1))


@pytest.fixture
def action(review, member):
    return make_action(review, member, date(2026, 11, 5), "Report the digital share by channel")


def updates_of(action):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ReviewAction),
        object_id=str(action.pk),
        action="update",
    )


def done_url(action):
    return reverse("initiatives:action_done", args=[action.review.initiative_id, action.pk])


def test_the_owner_marks_an_action_done_with_a_note(member_client, member, action):
    response = member_client.post(
        done_url(action),
        {"note": "Shares by channel are on the KPI page.", "next": "/initiatives/my-work/"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/initiatives/my-work/"
    assertContains(response, "Action marked done: Report the digital share by channel")
    action.refresh_from_db()
    assert (action.done, action.done_by, action.done_note) == (
        True,
        member,
        "Shares by channel are on the KPI page.",
    )
    assert response.context["work"].actions == []


def test_marking_done_is_audited_and_shown_in_the_history(member_client, member, action):
    member_client.post(done_url(action), {"note": "Published."})

    entry = updates_of(action).get()
    assert entry.actor == member
    assert entry.initiative_id == action.review.initiative_id
    assert entry.changes["done"] == [False, True]
    assert entry.changes["done_note"] == ["", "Published."]
    history = member_client.get(reverse("initiatives:history", args=[entry.initiative_id]))
    assertContains(history, "Published.")


def test_the_review_page_shows_who_marked_it_done_and_the_note(member_client, action):
    member_client.post(done_url(action), {"note": "Published."})

    response = member_client.get(action.review.get_absolute_url())

    assertContains(response, "Done: Mikko Mäkinen")
    assertContains(response, "Published.")
    assertNotContains(response, done_url(action))


def test_an_open_overdue_action_is_marked_on_the_review_page(member_client, action):
    response = member_client.get(action.review.get_absolute_url())

    assertContains(response, f'<tr id="action-{action.pk}" class="flagged">')
    assertContains(response, "Overdue")
    assertContains(response, done_url(action))


def test_marking_done_twice_keeps_the_first_note(member_client, leader_client, action):
    member_client.post(done_url(action), {"note": "First."})
    response = leader_client.post(done_url(action), {"note": "Second."}, follow=True)

    assertContains(response, "Someone had already marked this action done.")
    action.refresh_from_db()
    assert action.done_note == "First."
    assert updates_of(action).count() == 1


def test_a_note_with_a_line_break_is_refused_next_to_the_field(member_client, action):
    response = member_client.post(done_url(action), {"note": "Done.\r\nBcc: x@example.org"})

    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    assertContains(response, 'class="field__error"', status_code=400)
    action.refresh_from_db()
    assert not action.done


def test_a_viewer_cannot_mark_an_action_done(viewer_client, action):
    assert viewer_client.get(done_url(action)).status_code == 403
    assert viewer_client.post(done_url(action), {"note": "x"}).status_code == 403
    action.refresh_from_db()
    assert not action.done


def test_another_organisations_action_does_not_exist_for_an_outsider(outsider_client, action):
    assert outsider_client.post(done_url(action), {"note": "x"}).status_code == 404
    action.refresh_from_db()
    assert not action.done


def test_an_action_under_another_initiatives_address_is_not_found(
    member_client, action, make_initiative, agency_a, leader, member
):
    other = make_initiative(agency_a, leader, team=[member], title="Registry clean-up")
    url = reverse("initiatives:action_done", args=[other.pk, action.pk])

    assert member_client.post(url, {"note": "x"}).status_code == 404


def test_an_action_of_a_stopped_initiative_cannot_be_marked_done(member_client, action):
    action.review.initiative.state = State.STOPPED
    action.review.initiative.save()

    assert member_client.post(done_url(action), {"note": "x"}).status_code == 403


def test_next_goes_nowhere_outside_the_site(member_client, action):
    response = member_client.post(
        done_url(action), {"note": "", "next": "https://evil.example.org/"}
    )

    assert response["Location"] == f"{action.review.get_absolute_url()}#action-{action.pk}"


def test_the_next_review_form_shows_the_previous_reviews_open_actions(
    member_client, member, review, action
):
    make_action(review, member, date(2026, 11, 20), "Already handled", done=True)

    response = member_client.get(reverse("initiatives:review_create", args=[review.initiative_id]))

    assertContains(response, "Open actions from earlier reviews")
    assert response.context["still_open"] == [action]
    assertContains(response, "Report the digital share by channel")
    assertNotContains(response, "Already handled")


def test_the_next_reviews_page_shows_what_is_still_open_from_earlier_ones(
    member_client, member, review, action
):
    later = make_review(review.initiative, on=date(2026, 11, 1))
    new = make_action(later, member, date(2026, 12, 1), "Decided at the later review")

    later_page = member_client.get(later.get_absolute_url())
    earlier_page = member_client.get(review.get_absolute_url())

    assert later_page.context["still_open"] == [action]
    assertContains(later_page, "Still open from earlier reviews")
    assert earlier_page.context["still_open"] == []
    assert new not in earlier_page.context["still_open"]


def test_an_action_owner_must_be_able_to_mark_it_done(member_client, viewer, review):
    data = {
        "date": "2026-11-10",
        "kind": Review.Kind.WEEKLY,
        "participants": "Team",
        "decision": "continue",
        "rationale": "On plan.",
        "action0-description": "Tell the ministry",
        "action0-owner": viewer.pk,
        "action0-due_date": "2026-11-20",
    }

    response = member_client.post(
        reverse("initiatives:review_create", args=[review.initiative_id]), data
    )

    assert "owner" in response.context["action_forms"][0].errors
    assert not ReviewAction.objects.filter(description="Tell the ministry").exists()
