"""The views of the phase 2–5 workspaces: who may use them, what they save and show, the htmx
value-stream editor and its figures, scaling to a follow-up initiative, the audit trail of every
write, and a query count that does not grow with the number of items."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from initiatives.figures import value_stream_figures
from initiatives.models import (
    Benefit,
    CommonPrinciple,
    Competence,
    Dataset,
    GateDecision,
    Initiative,
    Phase,
    RealisedBenefit,
    Reallocation,
    Responsibility,
    Review,
    ReviewKPISnapshot,
    State,
    ValueStreamStep,
)
from initiatives.views.phases import ITEM_KINDS, SECTIONS
from metrics.models import KPI, Measurement, Milestone
from renewal.models import AuditEntry
from tests.initiatives.conftest import make_benefit, make_realisation, make_step

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def items(initiative, add_item):
    """One item of every workspace kind on the initiative."""
    return {kind: add_item(kind, initiative) for kind in ITEM_KINDS}


@pytest.fixture
def review(initiative, leader):
    return Review.objects.create(
        initiative=initiative,
        date=TODAY(),
        kind="monthly",
        participants="Liisa, Mikko",
        decision="continue",
        rationale="On track.",
        recorded_by=leader,
    )


# Who may use the views ---------------------------------------------------------------------------

WRITES = (
    [f"item_create:{kind}" for kind in ITEM_KINDS]
    + [f"item_edit:{kind}" for kind in ITEM_KINDS]
    + [f"item_delete:{kind}" for kind in ITEM_KINDS]
    + [f"section:{section}" for section in SECTIONS]
    + ["step_move:up", "step_move:down", "review_create", "scale", "resume"]
)
READS = ["review"]


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

    assert outsider_client.get(url).status_code in (404, 405)
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


EDITS = {
    "responsibilities": ("name", "Legal and compliance unit"),
    "competences": ("name", "Content design"),
    "datasets": ("owner", "Data management office"),
    "principles": ("name", "Suomi.fi messages"),
    "steps": ("name", "Substantive review"),
    "benefits": ("description", "Shorter queues at the service desk"),
    "reallocations": ("task", "Advice by phone to small companies"),
    "realisations": ("evidence", "Confirmed in the budget follow-up of May."),
}


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


# Resume ----------------------------------------------------------------------------------------------


def test_a_leader_resumes_an_initiative_on_hold(leader, leader_client, initiative):
    initiative.pause(leader, "Waiting for the budget.")

    response = leader_client.post(
        reverse("initiatives:resume", args=[initiative.pk]),
        {"rationale": "The budget was granted."},
        follow=True,
    )

    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE
    decision = initiative.decisions.first()
    assert (decision.outcome, decision.rationale) == (
        GateDecision.Outcome.RESUMED,
        "The budget was granted.",
    )
    assertContains(response, "The initiative is active again.")


def test_resuming_an_active_initiative_is_explained(leader_client, initiative):
    response = leader_client.post(reverse("initiatives:resume", args=[initiative.pk]), follow=True)

    assertContains(response, "Only an initiative on hold can be resumed.")
    assert not initiative.decisions.exists()


# The value stream -------------------------------------------------------------------------------


def names_in_order(response) -> list[str]:
    text = response.content.decode()
    names = ["First", "Second", "Third"]
    return sorted(names, key=lambda n: text.index(f"<td>{n}</td>"))


@pytest.fixture
def three_steps(initiative):
    return [
        make_step(initiative, i, name) for i, name in enumerate(["First", "Second", "Third"], 1)
    ]


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


@pytest.mark.parametrize("phase", [1, 2, 3, 4, 5])
def test_every_htmx_target_on_a_phase_page_is_on_that_page(
    leader, member, member_client, initiative, phase
):
    fill(initiative, 2, leader, member)

    html = member_client.get(initiative.get_phase_url(phase)).content.decode()

    targets = set(re.findall(r'hx-target="#([\w-]+)"', html))
    missing = {t for t in targets if f'id="{t}"' not in html}
    assert not missing, f"buttons on phase {phase} swap into elements it does not have: {missing}"


def test_an_empty_value_stream_explains_what_to_map(member_client, initiative):
    response = member_client.get(initiative.get_phase_url(3))

    assertContains(response, "Map today's process step by step")
    assertNotContains(response, "Lead time per case")


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
    assertContains(response, "Needed when the benefit shows in the budget.", count=3)
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


# Scaling to other units ---------------------------------------------------------------------------


@pytest.fixture
def scalable(initiative, kpi, make_kpi, member):
    """A phase-5 initiative with two KPIs, one measured, and a benefit linked to one of them."""
    Measurement.objects.create(kpi=kpi, date=TODAY() - timedelta(days=3), value=Decimal(90))
    Milestone.objects.create(kpi=kpi, date=TODAY(), value=Decimal(95))
    satisfaction = make_kpi(
        initiative,
        name="Applicant satisfaction",
        direction="higher",
        baseline_value=Decimal("3.1"),
        target_value=Decimal("4.2"),
        unit="/5",
    )
    make_benefit(initiative, kpi=satisfaction, owner=member, description="Happier applicants")
    initiative.phase = Phase.REALISATION
    initiative.save()
    return initiative


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


# Query ceiling ---------------------------------------------------------------------------------------

# 22: the value stream's versions are one query of their own, their steps still one in all;
# and eight aggregated queries for the paradox check (initiatives/radar.py).
QUERY_CEILING = 30


def fill(initiative, n: int, leader, member):
    """n items of every kind, n KPIs with measurements and milestones, n reviews with snapshots."""
    kpis = [
        KPI.objects.create(
            initiative=initiative,
            name=f"KPI {i}",
            unit="days",
            direction="lower",
            value_area="current_value",
            baseline_value=Decimal(120),
            baseline_date=TODAY() - timedelta(days=100),
            target_value=Decimal(60),
            target_date=TODAY() + timedelta(days=100),
            owner=member,
        )
        for i in range(n)
    ]
    for kpi in kpis:
        Milestone.objects.create(kpi=kpi, date=TODAY(), value=Decimal(90))
        for days in (60, 30, 5):
            Measurement.objects.create(
                kpi=kpi, date=TODAY() - timedelta(days=days), value=Decimal(100 - days / 10)
            )
    for i in range(n):
        Responsibility.objects.create(
            initiative=initiative, role="responsible", name=f"Person {i}", user=member
        )
        Competence.objects.create(
            initiative=initiative,
            name=f"Competence {i}",
            available="partly",
            gap_plan="Training",
            due_date=TODAY(),
        )
        Dataset.objects.create(initiative=initiative, name=f"Dataset {i}", owner="Unit")
        CommonPrinciple.objects.create(initiative=initiative, kind="standard", name=f"Std {i}")
        make_step(initiative, i + 1, f"Step {i}")
        benefit = make_benefit(
            initiative, kpi=kpis[i], owner=member, kind="time_freed", unit="fte", quantity=2
        )
        make_realisation(benefit, shows_in="staffing_plan", fte=1, from_unit="A", to_task="B")
        Reallocation.objects.create(
            initiative=initiative,
            benefit=benefit,
            capacity=1,
            capacity_unit="fte",
            task=f"Task {i}",
            unit="Unit",
            from_date=TODAY(),
        )
        review = Review.objects.create(
            initiative=initiative,
            date=TODAY() - timedelta(days=i),
            kind="monthly",
            participants="All",
            decision="continue",
            rationale="Fine.",
            recorded_by=leader,
        )
        ReviewKPISnapshot.objects.create(
            review=review, kpi=kpis[i], kpi_name=kpis[i].name, unit="days", status="on_track"
        )
    initiative.follow_ups.create(
        organisation=initiative.organisation, owner=leader, title=f"Follow-up {n}", problem="-"
    )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("phase", [2, 3, 4, 5])
def test_a_phase_workspace_takes_the_same_few_queries_however_many_items_it_lists(
    leader, member, leader_client, make_initiative, agency_a, django_assert_max_num_queries, phase
):
    small = make_initiative(agency_a, leader, title="Small", phase=phase)
    large = make_initiative(agency_a, leader, title="Large", phase=phase)
    fill(small, 1, leader, member)
    fill(large, 6, leader, member)
    leader_client.get(small.get_phase_url(phase))  # sessions and content types warmed up

    with django_assert_max_num_queries(QUERY_CEILING):
        few = queries_for(leader_client, small.get_phase_url(phase))
    with django_assert_max_num_queries(QUERY_CEILING):
        many = queries_for(leader_client, large.get_phase_url(phase))

    assert few == many


def test_the_phase_pages_show_every_listed_item(leader, member, leader_client, initiative):
    fill(initiative, 3, leader, member)

    phase_2 = leader_client.get(initiative.get_phase_url(2))
    phase_3 = leader_client.get(initiative.get_phase_url(3))
    phase_4 = leader_client.get(initiative.get_phase_url(4))

    for i in range(3):
        assertContains(phase_2, f"Dataset {i}")
        assertContains(phase_3, f"<td>Step {i}</td>")
        assertContains(phase_3, f"Task {i}")
        assertContains(phase_4, f"KPI {i}")
    assert Benefit.objects.filter(initiative=initiative).count() == 3
    assert ValueStreamStep.objects.filter(initiative=initiative).count() == 3
