"""My work: each person lands on what is theirs to do after signing in.

The clock stands at 10 November 2026, noon in Helsinki. The persona `initiative` (agency A, owned
by `leader`, `member` on its team) had a monthly review on 1 October that gave actions to
`member`; its KPI is measured monthly and owned by `member`.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import GateRequest, Phase, Review, ReviewAction, State
from metrics.models import KPI, Cadence, refresh_kpi_statuses
from organisations.models import Membership
from tests.conftest import client_for, make_user

TODAY = date(2026, 11, 10)
MY_WORK = reverse("initiatives:my_work")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 10, 12, 0, tzinfo=ZoneInfo("Europe/Helsinki"))):
        yield


def make_review(initiative, on=date(2026, 10, 1), kind=Review.Kind.MONTHLY):
    return Review.objects.create(
        initiative=initiative,
        date=on,
        kind=kind,
        participants="Liisa Laaksonen, Mikko Mäkinen",
        decision=Review.Decision.CONTINUE,
        rationale="On plan.",
    )


def make_action(review, owner, due, description="Simplify the application form", **fields):
    return ReviewAction.objects.create(
        review=review, owner=owner, due_date=due, description=description, **fields
    )


@pytest.fixture
def review(initiative):
    initiative.phase = Phase.EXECUTION
    initiative.save()
    return make_review(initiative)


def test_signing_in_lands_on_my_work(client, member):
    response = client.post(
        reverse("login"),
        {"login": "member", "username": "member", "password": "secret"},
        follow=True,
    )

    assert response.redirect_chain, response.content.decode()[-3000:]
    assert response.redirect_chain[-1][0] == MY_WORK
    assertContains(response, "<h1>My work</h1>", html=True)


def test_the_front_page_is_my_work(member_client):
    response = member_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == MY_WORK


def test_a_member_sees_their_actions_overdue_first_and_marked(
    member_client, member, leader, review
):
    later = make_action(review, member, TODAY + timedelta(days=5), "Ask finance for the budget")
    overdue = make_action(review, member, TODAY - timedelta(days=3), "Report the digital share")
    make_action(review, leader, TODAY - timedelta(days=3), "Brief the minister")
    make_action(review, member, TODAY - timedelta(days=9), "Already finished", done=True)

    response = member_client.get(MY_WORK)

    actions = [due.action for due in response.context["work"].actions]
    assert actions == [overdue, later]
    assert [due.overdue for due in response.context["work"].actions] == [True, False]
    assertContains(response, "1 overdue")
    assertContains(response, "Report the digital share")
    assertNotContains(response, "Brief the minister")
    assertNotContains(response, "Already finished")
    assertContains(
        response, reverse("initiatives:action_done", args=[review.initiative_id, overdue.pk])
    )


def test_a_member_sees_the_initiatives_they_are_on_and_not_the_others(
    member_client, make_initiative, agency_a, leader, initiative
):
    make_initiative(agency_a, leader, title="Someone else's initiative")

    response = member_client.get(MY_WORK)

    assert [r.initiative for r in response.context["work"].rows] == [initiative]
    assertContains(response, initiative.title)
    assertNotContains(response, "Someone else&#x27;s initiative")


def test_a_member_sees_their_kpis_due_and_overdue(member_client, member, make_kpi, initiative):
    # Monthly: overdue after 38 days without a value. 40 days: overdue; 33: due within a week.
    overdue = make_kpi(initiative, name="Processing time", owner=member)
    KPI.objects.filter(pk=overdue.pk).update(latest_date=TODAY - timedelta(days=40))
    due = make_kpi(initiative, name="Digital share", owner=member)
    KPI.objects.filter(pk=due.pk).update(latest_date=TODAY - timedelta(days=33))
    fresh = make_kpi(initiative, name="Satisfaction", owner=member)
    KPI.objects.filter(pk=fresh.pk).update(latest_date=TODAY - timedelta(days=2))
    weekly = make_kpi(initiative, name="Queue length", cadence=Cadence.WEEKLY)  # no owner: leader's
    KPI.objects.filter(pk=weekly.pk).update(latest_date=TODAY - timedelta(days=20))

    response = member_client.get(MY_WORK)

    kpis = response.context["work"].kpis
    assert [(d.kpi.name, d.overdue) for d in kpis] == [
        ("Processing time", True),
        ("Digital share", False),
    ]
    assert kpis[1].due_on == TODAY + timedelta(days=5)
    assertNotContains(response, "Satisfaction")


def test_the_initiative_owner_answers_for_kpis_without_an_owner(
    leader_client, make_kpi, initiative
):
    kpi = make_kpi(initiative, name="Queue length", cadence=Cadence.WEEKLY)
    KPI.objects.filter(pk=kpi.pk).update(latest_date=TODAY - timedelta(days=20))

    response = leader_client.get(MY_WORK)

    assert [(d.kpi.name, d.overdue) for d in response.context["work"].kpis] == [
        ("Queue length", True)
    ]


def test_a_leader_sees_gate_requests_waiting_but_not_their_own(
    leader_client, leader, member, initiative, make_initiative, agency_b
):
    GateRequest.objects.create(initiative=initiative, from_phase=1, requested_by=member, note="")
    own = make_initiative(agency_b, leader, title="Registry clean-up")
    GateRequest.objects.create(initiative=own, from_phase=1, requested_by=leader, note="")

    response = leader_client.get(MY_WORK)

    waiting = response.context["work"].gate_requests
    assert [r.initiative for r in waiting] == [initiative]
    assertContains(response, "Decisions waiting for you")
    assertContains(response, "Asked by Mikko Mäkinen")
    assertContains(response, reverse("initiatives:portfolio"))
    assertContains(response, "Open the portfolio")


def test_a_leader_sees_an_overdue_monthly_review_as_a_decision_waiting(leader_client, initiative):
    initiative.phase = Phase.EXECUTION
    initiative.save()
    make_review(initiative, on=TODAY - timedelta(days=50))

    response = leader_client.get(MY_WORK)

    assert response.context["work"].reviews_overdue == [initiative]
    assertContains(response, f"Monthly review of {initiative.title}")
    assertContains(response, reverse("initiatives:review_create", args=[initiative.pk]))


def test_a_leader_with_nothing_waiting_is_told_so(leader_client):
    response = leader_client.get(MY_WORK)

    assertContains(response, "No decision waits for you.")


def test_a_member_sees_no_decisions_panel_and_no_portfolio_button(member_client, initiative):
    GateRequest.objects.create(
        initiative=initiative, from_phase=1, requested_by=initiative.owner, note=""
    )

    response = member_client.get(MY_WORK)

    assert not response.context["work"].is_leader
    assertNotContains(response, "Decisions waiting for you")
    assertNotContains(response, "Open the portfolio")


def test_a_viewer_gets_empty_states_that_say_what_to_do(viewer_client, initiative):
    response = viewer_client.get(MY_WORK)

    assert response.status_code == 200
    assertContains(response, "No open review actions are assigned to you.")
    assertContains(response, "No measurement is due from you in the coming week.")
    assertContains(response, "You do not own an initiative and are not on the team of one.")
    assertContains(response, "All initiatives of your organisations")
    assertNotContains(response, "Start a new initiative")


def test_a_funding_officer_lands_on_the_funding_workspace(officer_client):
    response = officer_client.get(MY_WORK)

    assert response.status_code == 302
    assert response["Location"] == reverse("funding:workspace")


def test_an_officer_who_also_works_in_an_organisation_lands_on_my_work(officer, agency_a):
    Membership.objects.create(user=officer, organisation=agency_a, role=Membership.Role.MEMBER)

    response = client_for(officer).get(MY_WORK)

    assert response.status_code == 200
    assertContains(response, "<h1>My work</h1>", html=True)


def test_someone_with_no_membership_is_told_whom_to_ask(db):
    response = client_for(make_user("newcomer", "Nea", "Uusi")).get(MY_WORK)

    assert response.status_code == 200
    assertContains(response, "You are not a member of any organisation yet")
    assert response.context["work"].rows == []


def test_actions_of_an_initiative_the_owner_no_longer_sees_are_not_shown(
    member_client, member, review
):
    make_action(review, member, TODAY, "Report the digital share")
    Membership.objects.filter(user=member).delete()

    response = member_client.get(MY_WORK)

    assert response.context["work"].actions == []


def test_actions_of_a_stopped_initiative_are_not_shown(member_client, member, review):
    make_action(review, member, TODAY, "Report the digital share")
    review.initiative.state = State.STOPPED
    review.initiative.save()

    response = member_client.get(MY_WORK)

    assert response.context["work"].actions == []


def page_of(member, leader, make_initiative, make_kpi, agency_a, count):
    for n in range(count):
        initiative = make_initiative(agency_a, leader, team=[member], title=f"Initiative {n}")
        initiative.phase = Phase.EXECUTION
        initiative.save()
        review = make_review(initiative, on=TODAY - timedelta(days=60))
        make_action(review, member, TODAY - timedelta(days=n), f"Action {n}")
        kpi = make_kpi(initiative, name=f"KPI {n}", owner=member)
        refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))
        GateRequest.objects.create(initiative=initiative, from_phase=4, requested_by=member)


@pytest.mark.parametrize("count", [2, 12])
def test_my_work_reads_a_fixed_number_of_queries(
    django_assert_max_num_queries,
    leader_client,
    member,
    leader,
    make_initiative,
    make_kpi,
    agency_a,
    count,
):
    page_of(member, leader, make_initiative, make_kpi, agency_a, count)
    member.review_actions.update(owner=leader)

    with django_assert_max_num_queries(40):
        response = leader_client.get(MY_WORK)

    work = response.context["work"]
    assert len(work.rows) == len(work.actions) == len(work.gate_requests) == count
    assert len(work.reviews_overdue) == count
