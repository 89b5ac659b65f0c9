"""No lost update on a phase item (issue 15, item 4): two people open the same item, both save.

The second save gets the conflict report with the first person's value beside their own, and
nothing the first person saved is silently undone — on the page and over htmx alike.
"""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from funding.models import FundingApplication
from initiatives.views.phases import ITEM_KINDS
from tests.initiatives.conftest import EDITS

HTMX = {"HTTP_HX_REQUEST": "true"}
CONFLICT = "saved a change while you were editing"


def _both_open(kind, initiative, items, member_client, leader_client):
    url = reverse("initiatives:item_edit", args=[initiative.pk, kind, items[kind].pk])
    return url, member_client.get(url).context["form"], leader_client.get(url).context["form"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_the_second_of_two_concurrent_saves_gets_the_conflict_and_undoes_nothing(
    member_client, leader_client, initiative, items, form_data, kind, htmx
):
    field, members_value = EDITS[kind]
    leaders_value = f"{members_value} (leader)"
    url, members_form, leaders_form = _both_open(
        kind, initiative, items, member_client, leader_client
    )
    headers = HTMX if htmx else {}

    first = member_client.post(url, form_data(members_form, **{field: members_value}), **headers)
    second = leader_client.post(url, form_data(leaders_form, **{field: leaders_value}), **headers)

    assert first.status_code in (200, 302)
    assert second.status_code == 200
    assertContains(second, CONFLICT)
    assertContains(second, leaders_value)  # the leader's input is kept in the form
    assertContains(second, members_value)  # and the member's saved value is shown beside it
    item = items[kind]
    item.refresh_from_db()
    assert getattr(item, field) == members_value
    if htmx:
        assert second["HX-Retarget"] == "#item-form"


@pytest.mark.parametrize("kind", ["benefits", "steps", "realisations"])
def test_saving_again_after_the_conflict_keeps_the_second_persons_value(
    member_client, leader_client, initiative, items, form_data, kind
):
    field, members_value = EDITS[kind]
    url, members_form, leaders_form = _both_open(
        kind, initiative, items, member_client, leader_client
    )
    member_client.post(url, form_data(members_form, **{field: members_value}))
    conflict = leader_client.post(url, form_data(leaders_form, **{field: "Leader's words"}))

    again = leader_client.post(url, form_data(conflict.context["form"]))

    assert again.status_code == 302
    item = items[kind]
    item.refresh_from_db()
    assert getattr(item, field) == "Leader's words"
    assert item.version == 3


def test_a_funding_draft_edited_in_two_tabs_keeps_the_first_save(
    leader, initiative, kpi, call, form_data
):
    first_tab, second_tab = Client(), Client()
    first_tab.force_login(leader)
    second_tab.force_login(leader)
    create = reverse("funding:create", args=[initiative.pk])
    first_tab.post(
        create,
        form_data(
            first_tab.get(create).context["form"],
            call=call.pk,
            amount_requested="250 000",
            period_start="2027-01-01",
            period_end="2027-12-31",
            summary="Development",
        ),
    )
    application = FundingApplication.objects.get(initiative=initiative)
    edit = reverse("funding:edit", args=[application.pk])
    first_form = first_tab.get(edit).context["form"]
    second_form = second_tab.get(edit).context["form"]

    first_tab.post(edit, form_data(first_form, summary="Development and rollout"))
    second = second_tab.post(edit, form_data(second_form, summary="Rollout only"))

    assertContains(second, CONFLICT)
    assertContains(second, "Rollout only")
    application.refresh_from_db()
    assert application.summary == "Development and rollout"
