"""Adding, editing and removing the items of the phase 2–5 workspaces, and their sections."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from initiatives.models import Phase
from initiatives.views.phases import ITEM_KINDS
from tests.initiatives.conftest import EDITS

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# Items: add, edit, remove ------------------------------------------------------------------------

SHOWN = {
    "responsibilities": "Data protection officer",
    "competences": "Machine learning operations",
    "datasets": "Company register extract",
    "principles": "Finnish public-sector API principles",
    "steps": "Completeness check",
    "benefits": "Faster permit decisions for companies",
    "reallocations": "Supervision visits to first-time applicants",
    "realisations": "Outsourcing invoices fell in the second quarter.",
}


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_a_member_adds_an_item_and_sees_it_in_its_phase(member_client, initiative, posted, kind):
    spec = ITEM_KINDS[kind]
    url = reverse("initiatives:item_create", args=[initiative.pk, kind])
    assert member_client.get(url).status_code == 200

    response = member_client.post(url, posted(kind, initiative))

    assert response.status_code == 302, response.context["form"].errors
    assert response.url == f"{initiative.get_phase_url(spec.phase)}#{spec.region}"
    assert spec.queryset(initiative).count() == 1
    page = member_client.get(response.url)
    assertContains(page, SHOWN[kind])
    assertContains(page, "Saved.")


def test_added_items_keep_what_was_typed(member_client, initiative, posted, kpi, member):
    for kind in ("steps", "benefits", "reallocations", "datasets"):
        member_client.post(
            reverse("initiatives:item_create", args=[initiative.pk, kind]),
            posted(kind, initiative),
        )

    step = initiative.steps.get()
    assert (step.processing_hours, step.waiting_hours, step.volume_per_month) == (
        Decimal("0.75"),
        Decimal(120),
        400,
    )
    assert (step.manual, step.automation_candidate, step.position) == (True, True, 1)
    benefit = initiative.benefits.get()
    assert benefit.quantity == Decimal("1500.5")
    assert (benefit.owner, list(benefit.kpis.all())) == (member, [kpi])
    assert initiative.reallocations.get().capacity == Decimal("2.5")
    dataset = initiative.datasets.get()
    assert (dataset.completeness, dataset.accuracy, dataset.is_assessed) == (5, 4, True)


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_a_member_edits_an_item(member_client, initiative, items, form_data, kind):
    item = items[kind]
    field, value = EDITS[kind]
    url = reverse("initiatives:item_edit", args=[initiative.pk, kind, item.pk])
    form = member_client.get(url).context["form"]

    response = member_client.post(url, form_data(form, **{field: value}))

    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    assert getattr(item, field) == value
    assertContains(member_client.get(response.url), value)


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_a_member_removes_an_item(member_client, initiative, items, kind):
    item = items[kind]
    spec = ITEM_KINDS[kind]

    response = member_client.post(
        reverse("initiatives:item_delete", args=[initiative.pk, kind, item.pk]), follow=True
    )

    assert not type(item).objects.filter(pk=item.pk).exists()
    assert response.redirect_chain[-1][0] == f"{initiative.get_phase_url(spec.phase)}#{spec.region}"
    assertContains(response, "Removed.")


def test_removing_an_item_over_htmx_returns_its_region_without_it(member_client, initiative, items):
    response = member_client.post(
        reverse("initiatives:item_delete", args=[initiative.pk, "datasets", items["datasets"].pk]),
        **HTMX,
    )

    assert response.status_code == 200
    assertContains(response, 'id="datasets"')
    assertContains(response, "No datasets listed yet.")
    assertNotContains(response, "<html")


def test_an_invalid_item_keeps_what_was_typed_and_explains_each_field(
    member_client, initiative, posted
):
    data = posted("competences", initiative) | {"gap_plan": "", "due_date": ""}

    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "competences"]), data
    )

    assert response.status_code == 200
    assertContains(response, "Say how the gap will be closed.")
    assertContains(response, "Give the date by which the gap is closed.")
    assertContains(response, 'value="Machine learning operations"')
    assert not initiative.competences.exists()


def test_a_benefit_can_link_only_this_initiatives_kpis(
    member_client, initiative, posted, make_initiative, make_kpi, agency_a, leader
):
    other_kpi = make_kpi(make_initiative(agency_a, leader, title="Other"), name="Other KPI")
    data = posted("benefits", initiative) | {"kpis": [other_kpi.pk]}

    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "benefits"]), data
    )

    assert response.status_code == 200
    assert "kpis" in response.context["form"].errors
    assert not initiative.benefits.exists()


# Sections ------------------------------------------------------------------------------------------


def test_a_member_sets_the_review_cadence_and_sees_the_next_reviews(
    member_client, initiative, form_data
):
    url = reverse("initiatives:section", args=[initiative.pk, "cadence"])
    form = member_client.get(url).context["form"]

    response = member_client.post(
        url, form_data(form, weekly_review_weekday="1", monthly_review_day="15")
    )

    assertRedirects(response, initiative.get_phase_url(Phase.EXECUTION))
    initiative.refresh_from_db()
    assert (initiative.weekly_review_weekday, initiative.monthly_review_day) == (1, 15)
    page = member_client.get(response.url)
    assertContains(page, "Tuesday")
    assertContains(page, "day 15 of the month")


def test_an_unknown_time_zone_is_refused(member_client, initiative, form_data):
    url = reverse("initiatives:section", args=[initiative.pk, "cadence"])
    form = member_client.get(url).context["form"]

    response = member_client.post(url, form_data(form, review_time_zone="Europe/Lahti"))

    assertContains(response, "Unknown time zone, for example Europe/Helsinki.")
    assertContains(response, 'value="Europe/Lahti"')


def test_a_member_writes_lessons_learned(member_client, initiative, form_data):
    url = reverse("initiatives:section", args=[initiative.pk, "lessons"])
    form = member_client.get(url).context["form"]

    response = member_client.post(
        url, form_data(form, lessons_learned="Agree the budget line early.")
    )

    assertRedirects(response, initiative.get_phase_url(Phase.REALISATION))
    assertContains(member_client.get(response.url), "Agree the budget line early.")


def test_a_member_completes_the_ai_checklist(member_client, initiative, form_data):
    initiative.uses_ai = True
    initiative.save()
    url = reverse("initiatives:section", args=[initiative.pk, "ai-checklist"])
    form = member_client.get(url).context["form"]

    member_client.post(
        url,
        form_data(
            form,
            ai_problem_defined="on",
            ai_data_quality_adequate="on",
            ai_ethics_assessed="on",
            ai_human_oversight="on",
        ),
    )

    initiative.refresh_from_db()
    assert initiative.ai_problem_defined and initiative.ai_human_oversight
