"""The htmx value-stream editor and its figures."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from initiatives.figures import value_stream_figures
from tests.initiatives.conftest import make_step

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# The value stream -------------------------------------------------------------------------------


def names_in_order(response) -> list[str]:
    text = response.content.decode()
    names = ["First", "Second", "Third"]
    return sorted(names, key=lambda n: text.index(f"<td>{n}</td>"))


def test_the_step_form_opens_inside_the_value_stream_over_htmx(member_client, initiative):
    response = member_client.get(
        reverse("initiatives:item_create", args=[initiative.pk, "steps"]), **HTMX
    )

    assertNotContains(response, "<html")
    assertContains(response, 'hx-target="#value-stream"')
    assertContains(response, "Processing time (hours per case)")


def test_adding_a_step_over_htmx_returns_the_value_stream_with_the_new_step(
    member_client, initiative, three_steps, posted
):
    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "steps"]),
        posted("steps", initiative),
        **HTMX,
    )

    assert response.status_code == 200
    assertNotContains(response, "<html")
    assertContains(response, '<section class="panel" id="value-stream"')
    assertContains(response, "<td>Completeness check</td>")
    new = initiative.steps.get(name="Completeness check")
    assert new.position == 4
    assert response["Vary"].count("HX-Request") == 1


def test_an_invalid_step_over_htmx_replaces_only_the_form(member_client, initiative, three_steps):
    data = {"name": "Archive", "processing_hours": "two", "waiting_hours": "-1"}

    response = member_client.post(
        reverse("initiatives:item_create", args=[initiative.pk, "steps"]), data, **HTMX
    )

    assert response.status_code == 200
    # The value stream stays on the page: the errors replace the form, not the region.
    assert response["HX-Retarget"] == "#item-form"
    assert response["HX-Reswap"] == "outerHTML"
    assertContains(response, 'id="item-form"')
    assertContains(response, "Enter a number, for example 12.5 or 12,5.")
    assertContains(response, 'value="Archive"')
    assert initiative.steps.count() == 3


@pytest.mark.parametrize(
    ("moved", "direction", "order"),
    [
        ("Third", "up", ["First", "Third", "Second"]),
        ("First", "down", ["Second", "First", "Third"]),
        ("First", "up", ["First", "Second", "Third"]),  # already first: nothing moves
        ("Third", "down", ["First", "Second", "Third"]),
    ],
)
def test_moving_a_step_up_or_down_reorders_the_value_stream(
    member_client, initiative, three_steps, moved, direction, order
):
    step = initiative.steps.get(name=moved)

    response = member_client.post(
        reverse("initiatives:step_move", args=[initiative.pk, step.pk, direction]), **HTMX
    )

    assert list(initiative.steps.values_list("name", "position")) == [
        (name, position) for position, name in enumerate(order, start=1)
    ]
    assert names_in_order(response) == order


def test_moving_a_step_without_htmx_returns_to_the_value_stream(
    member_client, initiative, three_steps
):
    step = three_steps[1]

    response = member_client.post(
        reverse("initiatives:step_move", args=[initiative.pk, step.pk, "up"])
    )

    assertRedirects(response, f"{initiative.get_phase_url(3)}#value-stream")
    assert names_in_order(member_client.get(response.url)) == ["Second", "First", "Third"]


def test_removing_a_step_drops_it_from_the_value_stream(member_client, initiative, three_steps):
    response = member_client.post(
        reverse("initiatives:item_delete", args=[initiative.pk, "steps", three_steps[1].pk]),
        **HTMX,
    )

    assertContains(response, "<td>First</td>")
    assertNotContains(response, "<td>Second</td>")
    assert list(initiative.steps.values_list("name", flat=True)) == ["First", "Third"]


@pytest.fixture
def measured_steps(initiative, settings):
    settings.HOURS_PER_FTE_YEAR = 1600
    make_step(
        initiative,
        1,
        "Completeness check",
        processing_hours=Decimal(2),
        waiting_hours=Decimal(6),
        volume_per_month=100,
        manual=True,
        automation_candidate=True,
    )
    make_step(
        initiative,
        2,
        "Substantive review",
        processing_hours=Decimal(1),
        waiting_hours=Decimal(11),
        volume_per_month=400,
        manual=True,
        automation_candidate=False,
    )
    make_step(
        initiative,
        3,
        "Electronic notification",
        processing_hours=Decimal("0.5"),
        waiting_hours=Decimal(0),
        volume_per_month=1000,
        manual=False,
        automation_candidate=False,
    )
    return initiative


def test_value_stream_figures_are_computed_from_the_steps(measured_steps):
    figures = value_stream_figures(list(measured_steps.steps.all()))

    assert figures.processing_hours == Decimal("3.5")
    assert figures.lead_time_hours == Decimal("20.5")
    assert figures.flow_efficiency == Decimal("3.5") / Decimal("20.5")
    # Only manual steps: 2 h × 100 + 1 h × 400 a month; an FTE works 1600 / 12 hours a month.
    assert figures.manual_hours_per_month == Decimal(600)
    assert round(figures.manual_fte, 6) == Decimal("4.5")
    assert figures.automation_hours_per_month == Decimal(200)
    assert round(figures.automation_fte, 6) == Decimal("1.5")


def test_the_value_stream_shows_lead_time_flow_efficiency_and_manual_work_in_fte(
    member_client, measured_steps
):
    response = member_client.get(measured_steps.get_phase_url(3))

    assertContains(response, "<dt>Lead time per case</dt><dd>20.5 h</dd>", html=True)
    assertContains(response, "<dt>Flow efficiency</dt><dd>17\u00a0%</dd>", html=True)
    assertContains(response, "600 h/month")
    assertContains(response, '<span class="meta">4.5 FTE</span>', html=True)
    assertContains(response, "200 h/month")
    assertContains(response, '<span class="meta">1.5 FTE</span>', html=True)


def test_the_fte_figure_follows_the_configured_working_hours(
    member_client, measured_steps, settings
):
    settings.HOURS_PER_FTE_YEAR = 1200  # 100 hours a month

    response = member_client.get(measured_steps.get_phase_url(3))

    assertContains(response, '<span class="meta">6.0 FTE</span>', html=True)


def test_an_empty_value_stream_explains_what_to_map(member_client, initiative):
    response = member_client.get(initiative.get_phase_url(3))

    assertContains(response, "Map today's process step by step")
    assertNotContains(response, "Lead time per case")
