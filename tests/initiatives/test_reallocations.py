"""Freed capacity is counted once: a reallocation takes no more FTE or hours than its benefit
frees, counting every other reallocation from that benefit, and a dis-benefit is never a source.
The rule lives on the models (Reallocation.clean, Benefit.clean), so the phase 3 forms and any
other caller go through it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Benefit, Reallocation
from tests.initiatives.conftest import make_benefit

FROM = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def in_english():
    """The rule's messages outside a request are in the active language, and an earlier test's
    request may have left another one active in this thread."""
    with translation.override("en"):
        yield


@pytest.fixture
def freed(initiative, kpi, member):
    """A time-freed benefit of 2.5 FTE, nothing reallocated from it yet."""
    return make_benefit(
        initiative,
        kpi=kpi,
        owner=member,
        description="Handler time freed from re-keying",
        kind="time_freed",
        quantity=Decimal("2.5"),
        unit="fte",
        shows_in="staffing_plan",
    )


@pytest.fixture
def disbenefit(initiative, member):
    return make_benefit(
        initiative,
        owner=member,
        description="Extra support calls during the switch-over",
        kind="quality",
        is_disbenefit=True,
        quantity=Decimal(60),
        unit="hours_per_month",
    )


def reallocate(benefit, capacity, unit="fte", **fields) -> Reallocation:
    """A reallocation from a benefit, validated as every caller validates it, then saved."""
    reallocation = Reallocation(
        initiative=benefit.initiative,
        benefit=benefit,
        capacity=Decimal(capacity),
        capacity_unit=unit,
        task=fields.pop("task", "Supervision visits to first-time applicants"),
        unit="Supervision unit",
        from_date=FROM,
        **fields,
    )
    reallocation.full_clean()
    reallocation.save()
    return reallocation


def refusal(reallocation_or_benefit) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        reallocation_or_benefit.full_clean()
    return refused.value.message_dict


def left_message(freed, taken, left):
    return f"The benefit frees {freed}; {taken} is already reallocated, so at most {left} is left."


# The rule ----------------------------------------------------------------------------------------


def test_exactly_the_freed_amount_can_be_reallocated(freed):
    reallocate(freed, "2.5")

    assert freed.reallocations.get().capacity == Decimal("2.5")


def test_a_hundredth_more_than_the_benefit_frees_is_refused(freed):
    reallocation = Reallocation(
        initiative=freed.initiative,
        benefit=freed,
        capacity=Decimal("2.51"),
        capacity_unit="fte",
        task="Advice",
        unit="Supervision unit",
        from_date=FROM,
    )

    assert refusal(reallocation) == {"capacity": [left_message("2.5 FTE", "0 FTE", "2.5 FTE")]}


def test_two_reallocations_together_cannot_take_more_than_the_benefit_frees(freed):
    reallocate(freed, "1.0", task="Advice by phone")
    second = Reallocation(
        initiative=freed.initiative,
        benefit=freed,
        capacity=Decimal("1.51"),
        capacity_unit="fte",
        task="Supervision visits",
        unit="Supervision unit",
        from_date=FROM,
    )

    assert refusal(second) == {"capacity": [left_message("2.5 FTE", "1 FTE", "1.5 FTE")]}
    second.capacity = Decimal("1.5")
    second.full_clean()


def test_editing_a_reallocation_does_not_count_its_own_amount_against_itself(freed):
    other = reallocate(freed, "1.0", task="Advice by phone")
    edited = reallocate(freed, "1.5")

    edited.capacity = Decimal("1.5")
    edited.task = "Supervision visits to small companies"
    edited.full_clean()
    edited.capacity = Decimal("1.6")
    assert refusal(edited) == {"capacity": [left_message("2.5 FTE", "1 FTE", "1.5 FTE")]}

    other.delete()
    edited.capacity = Decimal("2.5")
    edited.full_clean()


def test_hours_and_fte_are_compared_through_the_working_hours_of_a_year(freed, settings):
    settings.HOURS_PER_FTE_YEAR = 1200  # 100 hours a month
    freed.quantity, freed.unit = Decimal(400), "hours_per_month"
    freed.save()
    reallocate(freed, "100", unit="hours_per_month", task="Advice by phone")

    reallocate(freed, "3", unit="fte")
    over = Reallocation(
        initiative=freed.initiative,
        benefit=freed,
        capacity=Decimal("0.01"),
        capacity_unit="fte",
        task="Anything more",
        unit="Supervision unit",
        from_date=FROM,
    )

    assert refusal(over) == {"capacity": [left_message("4 FTE", "4 FTE", "0 FTE")]}


def test_what_is_left_in_hours_is_rounded_down_so_the_figure_shown_fits(freed):
    # 2.5 FTE at 1,600 hours a year is 333.33… hours a month.
    too_much = Reallocation(
        initiative=freed.initiative,
        benefit=freed,
        capacity=Decimal("333.34"),
        capacity_unit="hours_per_month",
        task="Advice",
        unit="Supervision unit",
        from_date=FROM,
    )

    assert refusal(too_much) == {
        "capacity": [
            left_message("333.33 hours per month", "0 hours per month", "333.33 hours per month")
        ]
    }
    reallocate(freed, "333.33", unit="hours_per_month")


def test_a_dis_benefit_is_never_a_source(disbenefit):
    reallocation = Reallocation(
        initiative=disbenefit.initiative,
        benefit=disbenefit,
        capacity=Decimal(1),
        capacity_unit="hours_per_month",
        task="Advice",
        unit="Supervision unit",
        from_date=FROM,
    )

    assert refusal(reallocation) == {
        "benefit": ["A dis-benefit frees no capacity; choose a benefit as the source."]
    }


def test_a_benefit_in_euros_frees_no_capacity_to_reallocate(initiative, member):
    saving = make_benefit(initiative, owner=member)  # 120 000 EUR a year
    reallocation = Reallocation(
        initiative=initiative,
        benefit=saving,
        capacity=Decimal(1),
        capacity_unit="fte",
        task="Advice",
        unit="Supervision unit",
        from_date=FROM,
    )

    assert refusal(reallocation) == {
        "benefit": [
            "This benefit is counted in EUR per year; capacity can be reallocated only from a "
            "benefit in FTE or hours per month."
        ]
    }


def test_a_benefit_without_a_quantity_must_say_how_much_it_frees_first(freed):
    freed.quantity = None
    freed.save()
    reallocation = Reallocation(
        initiative=freed.initiative,
        benefit=freed,
        capacity=Decimal(1),
        capacity_unit="fte",
        task="Advice",
        unit="Supervision unit",
        from_date=FROM,
    )

    assert refusal(reallocation) == {
        "benefit": ["Give this benefit's quantity first: how much does it free?"]
    }


def test_a_reallocation_without_a_source_benefit_is_not_limited(initiative):
    Reallocation(
        initiative=initiative,
        capacity=Decimal(40),
        capacity_unit="fte",
        task="Advice",
        unit="Supervision unit",
        from_date=FROM,
    ).full_clean()


# The benefit it draws from ---------------------------------------------------------------------


def test_a_benefit_can_shrink_to_exactly_what_is_reallocated_but_not_below(freed):
    reallocate(freed, "1.5")

    freed.quantity = Decimal("1.5")
    freed.full_clean()
    freed.quantity = Decimal("1.49")
    assert refusal(freed) == {
        "quantity": [
            "1.5 FTE is already reallocated from this benefit, more than it would free after this change; "
            "change or remove those reallocations first."
        ]
    }


@pytest.mark.parametrize(
    ("field", "value"), [("is_disbenefit", True), ("unit", "eur_per_year"), ("quantity", None)]
)
def test_a_benefit_drawn_from_cannot_stop_freeing_capacity(freed, field, value):
    reallocate(freed, "1")
    setattr(freed, field, value)

    assert list(refusal(freed)) == [field]


# Through the phase 3 form --------------------------------------------------------------------


def create_url(initiative):
    return reverse("initiatives:item_create", args=[initiative.pk, "reallocations"])


def field_error(name, message) -> str:
    """The error as the form shows it, next to its field."""
    return f'<p class="field__error" id="id_{name}_error">{escape(message)}</p>'


def test_a_member_reallocates_exactly_what_the_benefit_frees(
    member_client, initiative, freed, posted
):
    data = posted("reallocations", initiative) | {"benefit": freed.pk, "capacity": "2,5"}

    response = member_client.post(create_url(initiative), data)

    assert response.status_code == 302, response.context["form"].errors
    assert freed.reallocations.get().capacity == Decimal("2.5")


def test_a_member_taking_more_than_is_freed_is_told_how_much_is_left_and_nothing_is_stored(
    member_client, initiative, freed, posted
):
    data = posted("reallocations", initiative) | {"benefit": freed.pk, "capacity": "2,51"}

    response = member_client.post(create_url(initiative), data)

    assert response.status_code == 200
    message = left_message("2.5 FTE", "0 FTE", "2.5 FTE")
    assertContains(response, field_error("capacity", message), html=True)
    assertContains(response, 'value="2,51"')
    assert not Reallocation.objects.exists()


def test_a_second_reallocation_cannot_take_what_the_first_already_took(
    member_client, initiative, freed, posted
):
    first = reallocate(freed, "1", task="Advice by phone")
    data = posted("reallocations", initiative) | {"benefit": freed.pk, "capacity": "1,51"}

    response = member_client.post(create_url(initiative), data)

    assert response.status_code == 200
    message = left_message("2.5 FTE", "1 FTE", "1.5 FTE")
    assertContains(response, field_error("capacity", message), html=True)
    assert list(Reallocation.objects.all()) == [first]


def test_a_member_edits_a_reallocation_that_already_takes_everything(
    member_client, initiative, freed, form_data
):
    item = reallocate(freed, "2.5")
    url = reverse("initiatives:item_edit", args=[initiative.pk, "reallocations", item.pk])
    form = member_client.get(url).context["form"]

    response = member_client.post(url, form_data(form, task="Advice to small companies"))

    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    assert (item.task, item.capacity) == ("Advice to small companies", Decimal("2.5"))


def test_editing_a_reallocation_beyond_the_benefit_keeps_what_was_stored(
    member_client, initiative, freed, form_data
):
    reallocate(freed, "1", task="Advice by phone")
    item = reallocate(freed, "1.5")
    url = reverse("initiatives:item_edit", args=[initiative.pk, "reallocations", item.pk])
    form = member_client.get(url).context["form"]

    response = member_client.post(url, form_data(form, capacity="1,6"))

    assert response.status_code == 200
    message = left_message("2.5 FTE", "1 FTE", "1.5 FTE")
    assertContains(response, field_error("capacity", message), html=True)
    item.refresh_from_db()
    assert item.capacity == Decimal("1.5")


def test_a_dis_benefit_is_not_offered_and_is_refused_if_posted(
    member_client, initiative, freed, disbenefit, posted
):
    page = member_client.get(create_url(initiative))
    assertContains(page, freed.description)
    assertNotContains(page, disbenefit.description)

    data = posted("reallocations", initiative) | {"benefit": disbenefit.pk, "capacity": "0,5"}
    response = member_client.post(create_url(initiative), data)

    assert response.status_code == 200
    message = "Choose one of this initiative's benefits; a dis-benefit is never a source."
    assertContains(response, field_error("benefit", message), html=True)
    assert not Reallocation.objects.exists()


def test_the_figures_are_written_the_finnish_way_for_a_finnish_reader(
    member, member_client, initiative, freed, posted
):
    member.language = "fi"
    member.save()
    reallocate(freed, "1", task="Advice by phone")
    data = posted("reallocations", initiative) | {"benefit": freed.pk, "capacity": "1,75"}

    response = member_client.post(create_url(initiative), data)

    assert response.status_code == 200
    assertContains(response, "2,5 htv")
    assertContains(response, "1,5 htv")
    assert Reallocation.objects.count() == 1


def test_lowering_a_benefit_below_what_is_reallocated_is_refused_on_its_form(
    member_client, initiative, freed, form_data
):
    reallocate(freed, "2")
    url = reverse("initiatives:item_edit", args=[initiative.pk, "benefits", freed.pk])
    form = member_client.get(url).context["form"]

    response = member_client.post(url, form_data(form, quantity="1,5"))

    assert response.status_code == 200
    message = (
        "2 FTE is already reallocated from this benefit, more than it would free after this change; change "
        "or remove those reallocations first."
    )
    assertContains(response, field_error("quantity", message), html=True)
    assert Benefit.objects.get(pk=freed.pk).quantity == Decimal("2.5")
