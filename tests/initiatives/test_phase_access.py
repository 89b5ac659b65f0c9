"""Who may use the phase 2–5 views: outsiders, viewers, members and anonymous visitors, and
objects reached through another initiative."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from initiatives.models import Initiative, Review, State
from initiatives.views.phases import ITEM_KINDS, SECTIONS
from renewal.models import AuditEntry
from tests.initiatives.conftest import make_step

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# Who may use the views ---------------------------------------------------------------------------

WRITES = (
    [f"item_create:{kind}" for kind in ITEM_KINDS]
    + [f"item_edit:{kind}" for kind in ITEM_KINDS]
    + [f"item_delete:{kind}" for kind in ITEM_KINDS]
    + [f"section:{section}" for section in SECTIONS]
    + ["step_move:up", "step_move:down", "review_create", "scale", "resume"]
)
READS = ["review"]
# Removing, moving and resuming have no page: a GET is refused as a method, whoever asks.
POST_ONLY = {f"item_delete:{kind}" for kind in ITEM_KINDS} | {
    "step_move:up",
    "step_move:down",
    "resume",
}


def url_of(endpoint, initiative, items, review) -> str:
    name, _, arg = endpoint.partition(":")
    pk = initiative.pk
    match name:
        case "item_create" | "section":
            args = [pk, arg]
        case "item_edit" | "item_delete":
            args = [pk, arg, items[arg].pk]
        case "step_move":
            args = [pk, items["steps"].pk, arg]
        case "review":
            args = [pk, review.pk]
        case _:
            args = [pk]
    return reverse(f"initiatives:{name}", args=args)


@pytest.mark.parametrize("endpoint", WRITES + READS)
def test_another_organisations_initiative_is_not_found(
    outsider_client, initiative, items, review, endpoint
):
    url = url_of(endpoint, initiative, items, review)

    # The write-only endpoints refuse a GET before they look anything up.
    assert outsider_client.get(url).status_code == (405 if endpoint in POST_ONLY else 404)
    assert outsider_client.post(url, {"name": "Mine now"}).status_code == 404


@pytest.mark.parametrize("endpoint", WRITES)
def test_a_viewer_cannot_write(viewer_client, initiative, items, review, endpoint):
    url = url_of(endpoint, initiative, items, review)
    entries = AuditEntry.objects.count()

    response = viewer_client.post(url, {"name": "Changed by a viewer", "decision": "stop"})

    assert response.status_code == 403
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("endpoint", WRITES + READS)
def test_anonymous_visitors_are_sent_to_sign_in(client, initiative, items, review, endpoint):
    url = url_of(endpoint, initiative, items, review)
    entries = AuditEntry.objects.count()

    for response in (client.get(url), client.post(url, {"name": "Anonymous"})):
        assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("endpoint", ["scale", "resume"])
def test_a_member_cannot_scale_or_resume(member_client, leader, initiative, endpoint):
    initiative.pause(leader, "Waiting for the budget.")
    url = reverse(f"initiatives:{endpoint}", args=[initiative.pk])

    assert member_client.post(url, {"rationale": "Budget came"}).status_code == 403
    if endpoint == "scale":
        assert member_client.get(url).status_code == 403
    initiative.refresh_from_db()
    assert initiative.state == State.ON_HOLD
    assert not Initiative.objects.filter(follows=initiative).exists()


def test_a_viewer_may_read_a_review(viewer_client, initiative, review):
    response = viewer_client.get(reverse("initiatives:review", args=[initiative.pk, review.pk]))

    assert response.status_code == 200
    assert response.context["review"] == review
    assertContains(response, "On track.")
    assertContains(response, "Liisa, Mikko")


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_an_item_of_another_initiative_is_not_found_through_this_one(
    member_client, make_initiative, agency_a, leader, initiative, add_item, kind
):
    other = make_initiative(agency_a, leader, title="Another permit initiative")
    foreign = add_item(kind, other)
    edit = reverse("initiatives:item_edit", args=[initiative.pk, kind, foreign.pk])
    delete = reverse("initiatives:item_delete", args=[initiative.pk, kind, foreign.pk])

    assert member_client.get(edit).status_code == 404
    assert member_client.post(delete).status_code == 404
    assert type(foreign).objects.filter(pk=foreign.pk).exists()


def test_a_step_or_review_of_another_initiative_is_not_found_through_this_one(
    member_client, make_initiative, agency_a, leader, initiative
):
    other = make_initiative(agency_a, leader, title="Another permit initiative")
    step = make_step(other, 1, "Foreign step")
    foreign_review = Review.objects.create(
        initiative=other,
        date=TODAY(),
        kind="weekly",
        participants="-",
        decision="continue",
        rationale="-",
    )

    move = reverse("initiatives:step_move", args=[initiative.pk, step.pk, "up"])
    read = reverse("initiatives:review", args=[initiative.pk, foreign_review.pk])
    assert member_client.post(move).status_code == 404
    assert member_client.get(read).status_code == 404


def test_an_unknown_kind_or_section_is_not_found(member_client, initiative):
    assert member_client.get(f"/initiatives/{initiative.pk}/items/kpis/new/").status_code == 404
    assert member_client.get(f"/initiatives/{initiative.pk}/section/title/").status_code == 404


def test_a_stopped_initiative_offers_no_edit_links(leader, member_client, initiative):
    initiative.stop(leader, "No longer needed.")

    for phase in (2, 3, 4, 5):
        response = member_client.get(initiative.get_phase_url(phase))
        assertNotContains(response, "/items/")
        assertNotContains(response, "/section/")
        assertNotContains(response, "Record a review")
