"""The initiative pages: who gets in, what they can do there, and what they see afterwards."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from initiatives.models import GateDecision, Initiative, Phase, State
from metrics.models import Measurement

Outcome = GateDecision.Outcome


def url(name, initiative, *args):
    if name == "change_statement":
        return reverse("initiatives:section", args=[initiative.pk, "change-statement"])
    return reverse(f"initiatives:{name}", args=[initiative.pk, *args])


@pytest.fixture
def ready(initiative, kpi):
    """An initiative whose phase-1 criteria are all met."""
    return initiative


@pytest.fixture
def in_phase_two(ready, leader):
    ready.pass_gate(leader, "Goals agreed.")
    return ready


@pytest.fixture
def other_agency_initiative(make_initiative, agency_b, leader):
    return make_initiative(agency_b, leader, title="Online trade register notifications")


PAGES = ["detail", "edit", "change_statement", "stop", "history", "decisions"]
ACTIONS = ["edit", "change_statement", "stop", "resume", "gate", "move_back"]


# Who gets in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "create"])
def test_anonymous_visitor_is_sent_to_sign_in_from_lists(client, db, name):
    target = reverse(f"initiatives:{name}")

    response = client.get(target)

    assertRedirects(response, f"{reverse('login')}?next={target}", fetch_redirect_response=False)


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in_from_initiative_pages(client, initiative, name):
    target = url(name, initiative)

    response = client.get(target)

    assertRedirects(response, f"{reverse('login')}?next={target}", fetch_redirect_response=False)


@pytest.mark.parametrize("name", PAGES)
def test_another_organisations_initiative_is_not_found(outsider_client, initiative, name):
    assert outsider_client.get(url(name, initiative)).status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_another_organisation_cannot_post_to_an_initiative(outsider_client, initiative, name):
    response = outsider_client.post(url(name, initiative), {"rationale": "x", "reason": "x"})

    assert response.status_code == 404
    initiative.refresh_from_db()
    assert (initiative.phase, initiative.state, initiative.version) == (1, State.ACTIVE, 1)


def test_member_does_not_see_a_sibling_agencys_initiative(member_client, other_agency_initiative):
    assert member_client.get(url("detail", other_agency_initiative)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_funding_officer_sees_no_initiative_without_funding(officer_client, initiative, name):
    assert officer_client.get(url(name, initiative)).status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_viewer_cannot_change_anything(viewer_client, initiative, name):
    response = viewer_client.post(
        url(name, initiative), {"title": "Hijacked", "rationale": "x", "reason": "x"}
    )

    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == "Digital environmental permit service"
    assert (initiative.phase, initiative.state, initiative.version) == (1, State.ACTIVE, 1)


def test_viewer_cannot_open_the_edit_form(viewer_client, initiative):
    assert viewer_client.get(url("edit", initiative)).status_code == 403


def test_viewer_cannot_create_an_initiative(viewer_client, db):
    assert viewer_client.get(reverse("initiatives:create")).status_code == 403


def test_member_cannot_pass_a_gate(member_client, ready):
    response = member_client.post(url("gate", ready), {"decision": "approve"})

    assert response.status_code == 403
    ready.refresh_from_db()
    assert ready.phase == Phase.GOALS
    assert not ready.decisions.exists()


def test_member_cannot_stop_an_initiative(member_client, initiative):
    response = member_client.post(url("stop", initiative), {"rationale": "I give up"})

    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE


def test_member_cannot_move_an_initiative_back(member_client, in_phase_two):
    response = member_client.post(url("move_back", in_phase_two), {"to_phase": 1, "reason": "x"})

    assert response.status_code == 403
    in_phase_two.refresh_from_db()
    assert in_phase_two.phase == Phase.PREREQUISITES


def test_member_who_owns_the_initiative_cannot_pass_its_gate(
    member_client, member, make_initiative, make_kpi, agency_a
):
    owned = make_initiative(
        agency_a,
        member,
        change_for_citizens="Faster answers.",
        change_in_cost_efficiency="Fewer calls.",
    )
    make_kpi(owned)

    response = member_client.post(url("gate", owned), {"decision": "approve"})

    assert response.status_code == 403
    owned.refresh_from_db()
    assert owned.phase == Phase.GOALS
    assert not owned.decisions.exists()


# List ------------------------------------------------------------------------------------------


def test_leader_lists_the_initiatives_of_the_whole_ministry(
    leader_client, initiative, other_agency_initiative, make_initiative, municipality, outsider
):
    make_initiative(municipality, outsider, title="Home care route optimisation")

    response = leader_client.get(reverse("initiatives:list"))

    assertContains(response, "Digital environmental permit service")
    assertContains(response, "Online trade register notifications")
    assertContains(response, "Permit Agency")
    assertNotContains(response, "Home care route optimisation")
    assertContains(response, "New initiative")


def test_member_lists_only_their_agencys_initiatives(
    member_client, initiative, other_agency_initiative
):
    response = member_client.get(reverse("initiatives:list"))

    assertContains(response, "Digital environmental permit service")
    assertNotContains(response, "Online trade register notifications")


def test_viewer_lists_initiatives_but_is_not_offered_to_create_one(viewer_client, initiative):
    response = viewer_client.get(reverse("initiatives:list"))

    assertContains(response, "Digital environmental permit service")
    assertNotContains(response, "New initiative")


def test_funding_officer_is_told_there_is_nothing_to_see(officer_client, initiative):
    response = officer_client.get(reverse("initiatives:list"))

    assertContains(response, "There are no initiatives in your organisations yet.")
    assertNotContains(response, "Digital environmental permit service")


def test_list_page_query_count_does_not_grow_with_initiatives(
    leader_client,
    make_initiative,
    make_kpi,
    agency_a,
    agency_b,
    leader,
    member,
    django_assert_max_num_queries,
):
    for n in range(8):
        initiative = make_initiative(
            agency_a if n % 2 else agency_b, leader, team=[member], title=f"Initiative {n}"
        )
        make_kpi(initiative)

    with django_assert_max_num_queries(6):
        response = leader_client.get(reverse("initiatives:list"))

    assertContains(response, "Initiative 7")


# Create and edit -------------------------------------------------------------------------------


def test_member_creates_an_initiative_in_their_agency(member_client, member, agency_a, leader):
    response = member_client.post(
        reverse("initiatives:create"),
        {
            "organisation": agency_a.pk,
            "title": "Permit guidance chatbot",
            "problem": "The helpdesk answers the same 20 questions every day.",
            "owner": leader.pk,
            "team": [member.pk, leader.pk],
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "investment_budget": "90 000,50",
            "tags": "AI, guidance, ai",
        },
        follow=True,
    )

    created = Initiative.objects.get(title="Permit guidance chatbot")
    assert created.organisation == agency_a
    assert created.owner == leader
    assert set(created.team.all()) == {member, leader}
    assert str(created.investment_budget) == "90000.50"
    assert created.tag_list == ["AI", "guidance"]
    assert (created.phase, created.state) == (Phase.GOALS, State.ACTIVE)
    assertRedirects(response, url("detail", created))
    assertContains(response, "Initiative created. Start with its goals and KPIs.")
    assertContains(response, "<h1>Permit guidance chatbot</h1>", html=True)


def test_member_cannot_create_an_initiative_in_the_ministry(member_client, member, ministry):
    response = member_client.post(
        reverse("initiatives:create"),
        {
            "organisation": ministry.pk,
            "title": "Ministry-wide benefits tracking",
            "problem": "Nobody knows which projects saved money.",
            "owner": member.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not Initiative.objects.exists()


def test_create_form_explains_a_bad_date_and_keeps_what_was_typed(member_client, member, agency_a):
    response = member_client.post(
        reverse("initiatives:create"),
        {
            "organisation": agency_a.pk,
            "title": "Permit guidance chatbot",
            "problem": "Helpdesk overload.",
            "owner": member.pk,
            "start_date": "2026-06-01",
            "end_date": "2026-01-01",
        },
    )

    assertContains(response, "The planned end date must be on or after the start date.")
    assertContains(response, 'value="Permit guidance chatbot"')
    assertContains(response, "Helpdesk overload.")
    assert not Initiative.objects.exists()


def test_member_edits_an_initiative(member_client, initiative, form_data):
    form = member_client.get(url("edit", initiative)).context["form"]

    response = member_client.post(
        url("edit", initiative),
        form_data(form, title="Digital permits for companies", tags="permits, AI"),
        follow=True,
    )

    initiative.refresh_from_db()
    assert initiative.title == "Digital permits for companies"
    assert initiative.tag_list == ["permits", "AI"]
    assert initiative.version == 2
    assertRedirects(response, url("detail", initiative))
    assertContains(response, "Changes saved.")
    assertContains(response, "<h1>Digital permits for companies</h1>", html=True)


def test_member_can_name_the_ministry_leader_as_owner_but_not_themselves(
    member_client, member, leader, agency_a
):
    form = member_client.get(reverse("initiatives:create")).context["form"]

    assert leader in form.fields["owner"].queryset
    assert member not in form.fields["owner"].queryset


def test_a_member_who_posts_themselves_as_owner_of_a_new_initiative_is_refused(
    member_client, member, agency_a
):
    response = member_client.post(
        reverse("initiatives:create"),
        {"organisation": agency_a.pk, "title": "Self-owned", "problem": "X.", "owner": member.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["owner"]
    assert not Initiative.objects.exists()


def test_a_member_cannot_make_themselves_owner_by_editing(
    member_client, member, leader, initiative, form_data
):
    form = member_client.get(url("edit", initiative)).context["form"]
    assertContains(
        member_client.get(url("edit", initiative)), "Only a leader can change the owner."
    )

    member_client.post(url("edit", initiative), form_data(form, owner=member.pk, title="Taken"))

    initiative.refresh_from_db()
    assert initiative.title == "Taken"  # the rest of the edit is kept
    assert initiative.owner == leader


def test_a_leader_changes_the_owner(leader_client, member, initiative, form_data):
    form = leader_client.get(url("edit", initiative)).context["form"]

    leader_client.post(url("edit", initiative), form_data(form, owner=member.pk))

    initiative.refresh_from_db()
    assert initiative.owner == member


def test_a_viewer_cannot_be_named_owner(leader_client, viewer, initiative, form_data):
    form = leader_client.get(url("edit", initiative)).context["form"]
    assert viewer not in form.fields["owner"].queryset

    response = leader_client.post(url("edit", initiative), form_data(form, owner=viewer.pk))

    assertContains(response, "Select a valid choice.")
    initiative.refresh_from_db()
    assert initiative.owner != viewer


def test_owner_must_be_able_to_write_in_the_initiatives_organisation(leader, member, agency_b):
    from initiatives.forms import InitiativeForm

    # The member works in agency A: the ministry's leader may pick them, but not for agency B.
    form = InitiativeForm(
        {"organisation": agency_b.pk, "title": "Registers", "problem": "Slow.", "owner": member.pk},
        user=leader,
    )

    assert member in form.fields["owner"].queryset
    assert not form.is_valid()
    assert "The owner must be a member or leader of" in form.errors["owner"][0]


def test_edit_form_explains_a_bad_value_and_keeps_what_was_typed(
    member_client, initiative, form_data
):
    form = member_client.get(url("edit", initiative)).context["form"]

    response = member_client.post(
        url("edit", initiative),
        form_data(form, title="Renamed", investment_budget="lots"),
    )

    assertContains(response, "Enter a number, for example 12.5 or 12,5.")
    assertContains(response, 'value="lots"')
    assertContains(response, 'value="Renamed"')
    initiative.refresh_from_db()
    assert initiative.title == "Digital environmental permit service"


def test_leader_edits_the_change_statement(leader_client, initiative):
    response = leader_client.post(
        url("change_statement", initiative),
        {
            "change_for_citizens": "Decisions in 45 days.",
            "change_in_cost_efficiency": "Half the handling cost.",
            "version": initiative.version,
        },
        follow=True,
    )

    initiative.refresh_from_db()
    assert initiative.change_for_citizens == "Decisions in 45 days."
    assertRedirects(response, url("phase", initiative, Phase.GOALS))
    assertContains(response, "Saved.")
    assertContains(response, "Half the handling cost.")


# Editing at the same time -----------------------------------------------------------------------


def test_second_save_from_the_same_version_is_refused_and_nothing_is_overwritten(
    leader_client, member_client, initiative, form_data
):
    leaders_form = leader_client.get(url("edit", initiative)).context["form"]
    members_form = member_client.get(url("edit", initiative)).context["form"]
    member_client.post(url("edit", initiative), form_data(members_form, title="Permits in 60 days"))

    response = leader_client.post(
        url("edit", initiative),
        form_data(leaders_form, title="Environmental permits online", problem="Paper."),
    )

    assert response.status_code == 200
    initiative.refresh_from_db()
    assert initiative.title == "Permits in 60 days"
    assert initiative.problem == "Permit applications take four months and arrive on paper."
    assert initiative.version == 2
    assertContains(response, "Mikko Mäkinen saved a change while you were editing.")
    assertContains(response, "Nothing was overwritten")
    # The other person's values beside the leader's own, which are still in the form.
    assertContains(
        response,
        "<tr><th scope='row'>Title</th><td>Permits in 60 days</td>"
        "<td>Environmental permits online</td></tr>",
        html=True,
    )
    assertContains(response, 'value="Environmental permits online"')
    assertNotContains(response, "Changes saved.")


def test_saving_again_after_a_conflict_keeps_the_second_persons_values(
    leader_client, member_client, initiative, form_data
):
    leaders_form = leader_client.get(url("edit", initiative)).context["form"]
    members_form = member_client.get(url("edit", initiative)).context["form"]
    member_client.post(url("edit", initiative), form_data(members_form, title="Permits in 60 days"))
    conflict = leader_client.post(
        url("edit", initiative), form_data(leaders_form, title="Environmental permits online")
    )

    leader_client.post(url("edit", initiative), form_data(conflict.context["form"]))

    initiative.refresh_from_db()
    assert initiative.title == "Environmental permits online"
    assert initiative.version == 3


def test_change_statement_conflict_is_refused_too(leader_client, member_client, initiative):
    opened_at = initiative.version
    member_client.post(
        url("change_statement", initiative),
        {
            "change_for_citizens": "Member's words.",
            "change_in_cost_efficiency": "",
            "version": opened_at,
        },
    )

    response = leader_client.post(
        url("change_statement", initiative),
        {
            "change_for_citizens": "Leader's words.",
            "change_in_cost_efficiency": "",
            "version": opened_at,
        },
    )

    assertContains(response, "saved a change while you were editing")
    initiative.refresh_from_db()
    assert initiative.change_for_citizens == "Member's words."


# Detail ---------------------------------------------------------------------------------------


def test_detail_shows_the_initiative_its_kpis_and_measurements(
    member_client, initiative, measurements
):
    response = member_client.get(url("detail", initiative))

    assertContains(response, "<h1>Digital environmental permit service</h1>", html=True)
    assertContains(response, "Permit Agency")
    assertContains(response, "Liisa Laaksonen")
    assertContains(response, "Companies get a permit decision in 60 days instead of 120.")
    assertContains(response, "Permit processing time")
    assertContains(response, "Latest measurements (3 of 3)")
    assertContains(response, "Edit details")
    assertContains(response, "Add a measurement")


def test_viewer_sees_the_initiative_without_edit_or_decision_controls(
    viewer_client, ready, measurements
):
    response = viewer_client.get(url("detail", ready))

    assertContains(response, "Permit processing time")
    assertNotContains(response, "Edit details")
    assertNotContains(response, "Add a measurement")
    assertNotContains(response, "Record decision")
    assertNotContains(response, "Stop initiative")


def test_member_is_told_who_decides_at_the_gate(member_client, ready):
    response = member_client.get(url("detail", ready))

    assertContains(response, "Only leaders decide at the gates, and nobody decides a request")
    assertContains(response, "Ask for a decision")
    assertNotContains(response, "Record decision")


def test_leader_sees_the_gate_decision_form(leader_client, ready):
    response = leader_client.get(url("detail", ready))

    assertContains(response, "Record decision")
    assertContains(response, "Approve: move to the next phase")
    assertContains(response, "Stop initiative")


def test_a_phase_that_does_not_exist_leads_back_to_the_initiative(leader_client, initiative):
    response = leader_client.get(url("phase", initiative, 9))

    assertRedirects(response, url("detail", initiative))


@pytest.mark.parametrize("phase", list(Phase))
def test_phase_page_query_count_does_not_grow_with_kpis(
    leader_client, initiative, make_kpi, member, phase, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(5):
        kpi = make_kpi(initiative, name=f"KPI {n}")
        Measurement.objects.bulk_create(
            Measurement(kpi=kpi, date=today - timedelta(days=7 * d), value=Decimal(100 - d))
            for d in range(1, 9)
        )
    for n in range(3):
        initiative.return_at_gate(member, f"Reason {n}")

    # 18 for the workspace, 8 for the paradox check.
    with django_assert_max_num_queries(26):
        response = leader_client.get(url("phase", initiative, phase))

    assert response.status_code == 200


# History and decisions ------------------------------------------------------------------------


def test_history_lists_changes_with_who_made_them(member_client, initiative, form_data):
    form = member_client.get(url("edit", initiative)).context["form"]
    member_client.post(url("edit", initiative), form_data(form, title="Digital permits"))

    response = member_client.get(url("history", initiative))

    assertContains(response, "Mikko Mäkinen")
    assertContains(
        response,
        '<tr><th scope="row">Title</th><td>Digital environmental permit service</td>'
        "<td>Digital permits</td></tr>",
        html=True,
    )


def test_decisions_page_lists_every_decision_with_its_rationale(leader_client, in_phase_two):
    in_phase_two.move_back(in_phase_two.owner, Phase.GOALS, "Baseline was wrong.")

    response = leader_client.get(url("decisions", in_phase_two))

    assertContains(response, "Gate approved")
    assertContains(response, "Goals agreed.")
    assertContains(response, "Moved back")
    assertContains(response, "Baseline was wrong.")
    assertContains(response, "<td>Liisa Laaksonen</td>", count=2, html=True)


# Gate, move back and stop ------------------------------------------------------------------------


def test_leader_approves_the_gate(leader_client, leader, ready):
    response = leader_client.post(
        url("gate", ready),
        {"decision": "approve", "rationale": "Well argued.", "phase": ready.phase},
        follow=True,
    )

    ready.refresh_from_db()
    assert ready.phase == Phase.PREREQUISITES
    decision = ready.decisions.get()
    assert (decision.outcome, decision.decided_by, decision.rationale) == (
        Outcome.APPROVED,
        leader,
        "Well argued.",
    )
    assertRedirects(response, url("detail", ready))
    assertContains(response, "Gate approved. The initiative is now in phase 2. Prerequisites.")
    assertContains(response, "Well argued.")


def test_approving_an_unready_gate_is_refused_with_a_message(leader_client, initiative):
    response = leader_client.post(
        url("gate", initiative), {"decision": "approve", "phase": initiative.phase}, follow=True
    )

    initiative.refresh_from_db()
    assert initiative.phase == Phase.GOALS
    assert not initiative.decisions.exists()
    assertContains(response, "The gate&#x27;s criteria are not met yet.")


def test_returning_without_a_reason_is_refused_with_a_message(leader_client, initiative):
    response = leader_client.post(
        url("gate", initiative), {"decision": "return", "rationale": " "}, follow=True
    )

    assert not initiative.decisions.exists()
    assertContains(response, "Say why the initiative is returned, so the team can act on it.")


def test_returning_with_a_reason_records_it(leader_client, initiative):
    response = leader_client.post(
        url("gate", initiative),
        {
            "decision": "return",
            "rationale": "Add a cost-efficiency KPI.",
            "phase": initiative.phase,
        },
        follow=True,
    )

    decision = initiative.decisions.get()
    assert decision.outcome == Outcome.RETURNED
    assertContains(response, "Returned to the team with your reason.")
    assertContains(response, "Add a cost-efficiency KPI.")


def test_a_gate_decision_must_be_chosen(leader_client, ready):
    response = leader_client.post(url("gate", ready), {"rationale": "Hmm"}, follow=True)

    assert not ready.decisions.exists()
    assertContains(response, "This field is required.")


def test_gate_decision_is_only_accepted_as_a_post(leader_client, ready):
    assert leader_client.get(url("gate", ready)).status_code == 405


def test_leader_moves_an_initiative_back(leader_client, in_phase_two):
    response = leader_client.post(
        url("move_back", in_phase_two),
        {"to_phase": 1, "reason": "The baseline turned out wrong.", "phase": in_phase_two.phase},
        follow=True,
    )

    in_phase_two.refresh_from_db()
    assert in_phase_two.phase == Phase.GOALS
    assert in_phase_two.decisions.first().outcome == Outcome.MOVED_BACK
    assertContains(response, "The initiative moved back.")


def test_moving_back_without_a_reason_is_refused_with_a_message(leader_client, in_phase_two):
    response = leader_client.post(
        url("move_back", in_phase_two), {"to_phase": 1, "reason": ""}, follow=True
    )

    in_phase_two.refresh_from_db()
    assert in_phase_two.phase == Phase.PREREQUISITES
    assertContains(response, "This field is required.")


def test_leader_stops_an_initiative_with_a_rationale(leader_client, leader, initiative):
    assertContains(leader_client.get(url("stop", initiative)), "Why is the initiative stopped?")

    response = leader_client.post(
        url("stop", initiative),
        {
            "rationale": "Permit volumes fell; the money goes to the registry.",
            "phase": initiative.phase,
        },
        follow=True,
    )

    initiative.refresh_from_db()
    assert initiative.state == State.STOPPED
    assert initiative.decisions.get().outcome == Outcome.STOPPED
    assertRedirects(response, url("detail", initiative))
    assertContains(response, "The initiative is stopped. The decision is recorded.")
    assertContains(response, "This initiative is stopped.")
    assertContains(response, "Permit volumes fell; the money goes to the registry.")
    assertNotContains(response, "Edit details")


def test_stopping_without_a_rationale_keeps_the_initiative_running(leader_client, initiative):
    response = leader_client.post(url("stop", initiative), {"rationale": ""})

    assert response.status_code == 200
    assertContains(response, "This field is required.")
    initiative.refresh_from_db()
    assert initiative.state == State.ACTIVE


def test_a_stopped_initiative_cannot_be_stopped_or_edited_again(leader_client, leader, initiative):
    initiative.stop(leader, "First time.")

    response = leader_client.post(url("stop", initiative), {"rationale": "Second time."})

    assert response.status_code == 403
    assertContains(response, "You cannot do that here", status_code=403)
    assert initiative.decisions.count() == 1
    assert leader_client.get(url("edit", initiative)).status_code == 403
    assert leader_client.get(url("detail", initiative)).status_code == 200


def test_approving_a_gate_is_a_deliberate_choice(leader_client, ready):
    page = leader_client.get(url("detail", ready)).content.decode()

    assert "Every criterion is met: the gate can be approved." in page
    assert 'value="approve" required>' in page
    assert 'value="approve" required checked' not in page
