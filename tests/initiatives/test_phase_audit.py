"""The audit trail of every write in the phase 2–5 workspaces."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives.models import GateDecision, Initiative, Review, ReviewKPISnapshot
from initiatives.views.phases import ITEM_KINDS
from renewal.models import AuditEntry
from tests.initiatives.conftest import EDITS

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# The audit trail of every write --------------------------------------------------------------------


def audit_mark():
    """A function giving the audit entries written after this call, oldest first."""
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda: list(AuditEntry.objects.filter(id__gt=last).order_by("id"))


@pytest.fixture
def audit_from_now(db):
    """`audit_from_now()`: the audit entries written after this fixture ran, oldest first."""
    return audit_mark()


def assert_on_history(client, initiative, text):
    assertContains(client.get(reverse("initiatives:history", args=[initiative.pk])), text)


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_adding_an_item_leaves_one_audit_entry_on_the_history(
    member, member_client, leader_client, initiative, items, posted, audit_from_now, kind
):
    member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, kind]), posted(kind, initiative)
    )

    [entry] = audit_from_now()
    model = ITEM_KINDS[kind].model
    assert (entry.action, entry.actor, entry.initiative_id) == ("create", member, initiative.pk)
    assert entry.content_type == ContentType.objects.get_for_model(model)
    assert_on_history(leader_client, initiative, f"created {model._meta.verbose_name}")


def test_a_new_benefits_linked_kpis_are_part_of_its_one_creation_entry(
    member_client, leader_client, initiative, kpi, posted, audit_from_now
):
    member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "benefits"]),
        posted("benefits", initiative),
    )

    [entry] = audit_from_now()
    assert entry.action == "create"
    assert entry.changes["kpis"] == [None, [kpi.pk]]
    history = leader_client.get(reverse("initiatives:history", args=[initiative.pk]))
    assertContains(history, '<th scope="row">Linked KPIs</th>', html=True)
    assertContains(history, "Permit processing time")


def test_changing_a_benefits_linked_kpis_later_is_its_own_entry(
    member_client, initiative, items, make_kpi, form_data, audit_from_now
):
    benefit = items["benefits"]
    old_kpi = benefit.kpis.get()
    new_kpi = make_kpi(initiative, name="Applicant satisfaction")
    url = reverse("initiatives:item_edit", args=[initiative.pk, "benefits", benefit.pk])

    member_client.post(url, form_data(member_client.get(url).context["form"], kpis=[new_kpi.pk]))

    [entry] = audit_from_now()[1:]  # after the new KPI's own creation
    assert (entry.action, entry.changes) == ("update", {"kpis": [[old_kpi.pk], [new_kpi.pk]]})


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_editing_an_item_leaves_one_audit_entry_with_old_and_new_value(
    member, member_client, leader_client, initiative, items, form_data, audit_from_now, kind
):
    item = items[kind]
    field, value = EDITS[kind]
    url = reverse("initiatives:item_edit", args=[initiative.pk, kind, item.pk])
    data = form_data(member_client.get(url).context["form"], **{field: value})
    old = getattr(item, field)

    member_client.post(url, data)

    [entry] = audit_from_now()
    assert (entry.action, entry.actor) == ("update", member)
    assert entry.changes == {field: [old, value]}
    assert_on_history(leader_client, initiative, value)


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_removing_an_item_leaves_one_audit_entry(
    member, member_client, leader_client, initiative, items, audit_from_now, kind
):
    item = items[kind]
    if kind == "benefits":
        item.realisations.all().delete()  # else the realised benefits go with it, each recorded
        audit_from_now = audit_mark()

    member_client.post(reverse("initiatives:item_delete", args=[initiative.pk, kind, item.pk]))

    [entry] = audit_from_now()
    assert (entry.action, entry.actor, entry.object_id) == ("delete", member, str(item.pk))
    assert_on_history(leader_client, initiative, f"deleted {type(item)._meta.verbose_name}")


@pytest.mark.parametrize(
    ("section", "changes"),
    [
        ("cadence", {"monthly_review_day": "10"}),
        ("lessons", {"lessons_learned": "Start the reallocation plan with staff early."}),
        ("ai-checklist", {"ai_ethics_assessed": "on"}),
    ],
)
def test_editing_a_section_leaves_one_audit_entry(
    member, member_client, leader_client, initiative, form_data, audit_from_now, section, changes
):
    url = reverse("initiatives:section", args=[initiative.pk, section])
    member_client.post(url, form_data(member_client.get(url).context["form"], **changes))

    [entry] = audit_from_now()
    assert (entry.action, entry.actor, entry.object_id) == ("update", member, str(initiative.pk))
    assert set(entry.changes) == set(changes)
    assert_on_history(leader_client, initiative, "changed initiative")


def test_recording_a_review_leaves_one_audit_entry(
    member, member_client, leader_client, initiative, kpi, audit_from_now
):
    member_client.post(
        reverse("initiatives:review_create", args=[initiative.pk]),
        {
            "date": TODAY().isoformat(),
            "kind": "weekly",
            "participants": "Product team",
            "decision": "adjust",
            "rationale": "Simplify the form.",
        },
    )

    [entry] = audit_from_now()
    assert (entry.action, entry.actor) == ("create", member)
    assert entry.content_type == ContentType.objects.get_for_model(Review)
    assert ReviewKPISnapshot.objects.count() == 1  # snapshots are a copy, not a change
    assert_on_history(leader_client, initiative, "created review")


def test_moving_a_step_records_the_new_position_of_each_step_that_moved(
    member_client, initiative, three_steps, audit_from_now
):
    member_client.post(
        reverse("initiatives:step_move", args=[initiative.pk, three_steps[2].pk, "up"])
    )

    entries = audit_from_now()
    assert sorted((e.object_repr, e.changes["position"]) for e in entries) == [
        ("Second", [2, 3]),
        ("Third", [3, 2]),
    ]


def test_resuming_records_the_decision_and_the_state_change(
    leader, leader_client, initiative, audit_from_now
):
    initiative.pause(leader, "Waiting.")
    audit_from_now = audit_mark()

    leader_client.post(reverse("initiatives:resume", args=[initiative.pk]), {"rationale": "Go."})

    decision, change = audit_from_now()
    assert decision.content_type == ContentType.objects.get_for_model(GateDecision)
    assert change.changes["state"] == ["on_hold", "active"]


def test_scaling_records_the_follow_up_and_each_copied_kpi_and_benefit_once(
    leader_client, scalable, agency_b, audit_from_now
):
    leader_client.post(
        reverse("initiatives:scale", args=[scalable.pk]),
        {"title": "Digital permits elsewhere", "organisation": agency_b.pk},
    )

    follow_up = Initiative.objects.get(follows=scalable)
    entries = audit_from_now()
    assert {e.initiative_id for e in entries} == {follow_up.pk}
    assert sorted(e.content_type.model for e in entries) == [
        "benefit",
        "initiative",
        "kpi",
        "kpi",
    ]
    assert all(e.action == "create" for e in entries)
