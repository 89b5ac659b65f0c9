"""Scaling to a follow-up initiative in other units."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from initiatives.models import Initiative, Phase, State

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# Scaling to other units ---------------------------------------------------------------------------


def test_a_leader_scales_to_a_follow_up_initiative_with_kpis_and_benefit_plan(
    leader, leader_client, scalable, agency_b
):
    response = leader_client.post(
        reverse("initiatives:scale", args=[scalable.pk]),
        {"title": "Digital permits in the Registration Office", "organisation": agency_b.pk},
    )

    follow_up = Initiative.objects.get(follows=scalable)
    assertRedirects(response, follow_up.get_absolute_url(), fetch_redirect_response=False)
    assert (follow_up.organisation, follow_up.owner) == (agency_b, leader)
    assert (follow_up.phase, follow_up.state) == (Phase.GOALS, State.ACTIVE)
    assert follow_up.title == "Digital permits in the Registration Office"
    assert follow_up.change_for_citizens == scalable.change_for_citizens

    copied = {k.name: k for k in follow_up.kpis.all()}
    assert set(copied) == {"Permit processing time", "Applicant satisfaction"}
    for kpi in copied.values():
        assert (kpi.baseline_value, kpi.baseline_date, kpi.baseline_source) == (None, None, "")
        assert not kpi.measurements.exists()
    original = scalable.kpis.get(name="Permit processing time")
    processing = copied["Permit processing time"]
    assert (processing.target_value, processing.target_date, processing.direction) == (
        original.target_value,
        original.target_date,
        original.direction,
    )

    benefit = follow_up.benefits.get()
    assert benefit.description == "Happier applicants"
    assert benefit.quantity == Decimal(120000)
    assert list(benefit.kpis.all()) == [copied["Applicant satisfaction"]]
    assert scalable.benefits.get().kpis.get().initiative == scalable  # the original is untouched

    page = leader_client.get(response.url, follow=True)
    assertContains(page, "Follow-up initiative created with the KPIs and benefit plan")
    assertContains(page, "Phase 1: Goals and metrics")
    assertContains(leader_client.get(scalable.get_phase_url(5)), follow_up.title)


def test_scaling_only_offers_organisations_the_leader_may_create_in(
    leader_client, scalable, municipality
):
    response = leader_client.post(
        reverse("initiatives:scale", args=[scalable.pk]),
        {"title": "Digital permits in Lahti", "organisation": municipality.pk},
    )

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Initiative.objects.filter(follows=scalable).exists()


def test_the_scale_page_explains_what_is_copied(leader_client, scalable):
    response = leader_client.get(reverse("initiatives:scale", args=[scalable.pk]))

    assertContains(response, "the new unit measures its own baselines")
    assertContains(response, "Create follow-up initiative")


def test_a_double_clicked_scale_creates_one_follow_up(leader_client, scalable, agency_b):
    url = reverse("initiatives:scale", args=[scalable.pk])
    key = leader_client.get(url).context["form"]["submission"].value()
    data = {
        "title": "Digital permits in Registration",
        "organisation": agency_b.pk,
        "submission": key,
    }

    first = leader_client.post(url, data)
    second = leader_client.post(url, data)

    follow_up = Initiative.objects.get(follows=scalable)
    assert second.status_code == 302
    assert first.url == second.url == follow_up.get_absolute_url()
