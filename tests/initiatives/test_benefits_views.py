"""Recording realised benefits in phase 5."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives.models import RealisedBenefit
from tests.initiatives.conftest import make_benefit

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# Realised benefits ---------------------------------------------------------------------------------


def test_a_realised_benefit_in_the_budget_needs_fiscal_year_budget_line_and_eur(
    member_client, initiative, posted
):
    data = posted("realisations", initiative) | {"fiscal_year": "", "budget_line": "", "eur": ""}

    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "realisations"]), data
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    for field in ("fiscal_year", "budget_line", "eur"):
        assert errors[field] == ["Needed when the benefit shows in the budget."]
    # Next to each of the three fields, and again in the error summary that links to them.
    assertContains(response, "Needed when the benefit shows in the budget.", count=6)
    assert not RealisedBenefit.objects.exists()


def test_a_realised_benefit_cannot_be_negative(member_client, initiative, posted):
    data = posted("realisations", initiative) | {"amount": "-5", "eur": "-5"}

    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "realisations"]), data
    )

    errors = response.context["form"].errors
    assert "amount" in errors and "eur" in errors
    assertContains(response, 'value="-5"')
    assert not RealisedBenefit.objects.exists()


def test_a_realised_benefit_in_the_staffing_plan_needs_fte_and_both_units(
    member_client, initiative, posted
):
    data = posted("realisations", initiative) | {"shows_in": "staffing_plan"}

    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "realisations"]), data
    )

    errors = response.context["form"].errors
    assert set(errors) == {"fte", "from_unit", "to_task"}
    assert not RealisedBenefit.objects.exists()


def test_a_realised_benefit_shows_in_planned_against_realised(member_client, initiative, posted):
    member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "realisations"]),
        posted("realisations", initiative),
    )

    response = member_client.get(initiative.get_phase_url(5))

    realised = RealisedBenefit.objects.get()
    assert (realised.fiscal_year, realised.eur) == (TODAY().year, Decimal(45000))
    assertContains(response, f"budget {TODAY().year}, Outsourced services: 45,000\u00a0€")
    # The benefit plans 120,000 EUR a year; 45,000 is 38 % of it.
    assertContains(response, "<dd>120,000\u00a0€</dd>", html=True)
    assertContains(response, "38\u00a0%")


def test_a_realised_benefit_cannot_point_at_another_initiatives_benefit(
    member_client, initiative, posted, make_initiative, agency_a, leader
):
    foreign = make_benefit(make_initiative(agency_a, leader, title="Other"))
    data = posted("realisations", initiative) | {"benefit": foreign.pk}

    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "realisations"]), data
    )

    assert "benefit" in response.context["form"].errors
    assert not RealisedBenefit.objects.exists()
