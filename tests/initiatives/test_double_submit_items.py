"""A double-clicked phase item is added once (issue 15, item 5), on the page and over htmx."""

import pytest
from django.urls import reverse

from initiatives.views.phases import ITEM_KINDS

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_the_same_add_posted_twice_adds_one_item(
    member_client, initiative, posted, form_data, kind, htmx
):
    spec = ITEM_KINDS[kind]
    url = reverse("initiatives:item_create", args=[initiative.pk, kind])
    opened = member_client.get(url).context["form"]
    data = {**posted(kind, initiative), "submission": opened["submission"].value()}
    headers = HTMX if htmx else {}

    first = member_client.post(url, data, **headers)
    second = member_client.post(url, data, **headers)

    assert spec.queryset(initiative).count() == 1
    assert first.status_code == second.status_code
    if not htmx:
        assert second.url == first.url == f"{initiative.get_phase_url(spec.phase)}#{spec.region}"
