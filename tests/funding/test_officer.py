"""A funding officer reads, across organisations, exactly the initiatives that applied, and writes
nothing but reviews."""

import pytest
from django.urls import reverse

from funding.models import ApplicationState, ReviewComment, TransitionError
from initiatives.models import Initiative
from organisations.models import Membership, Organisation
from tests.conftest import client_for, make_user


@pytest.fixture
def city_submitted(make_application, city_initiative, outsider):
    application = make_application(city_initiative)
    application.submit(outsider)
    return application


def test_officer_sees_applied_initiatives_of_every_organisation(
    officer_client, officer, submitted, city_submitted
):
    assert set(Initiative.objects.visible_to(officer)) == {
        submitted.initiative,
        city_submitted.initiative,
    }
    for application in (submitted, city_submitted):
        assert officer_client.get(application.initiative.get_absolute_url()).status_code == 200
        assert officer_client.get(application.get_absolute_url()).status_code == 200


def test_officer_sees_no_draft_only_or_never_applied_initiative(
    officer_client, officer, draft, city_initiative
):
    assert not Initiative.objects.visible_to(officer).exists()
    assert officer_client.get(draft.initiative.get_absolute_url()).status_code == 404
    assert officer_client.get(draft.get_absolute_url()).status_code == 404
    assert officer_client.get(city_initiative.get_absolute_url()).status_code == 404
    assert (
        officer_client.get(reverse("reports:initiative", args=[city_initiative.pk])).status_code
        == 404
    )


def test_an_officer_of_another_funder_sees_nothing(submitted, funder):
    other = Organisation.objects.create(name="Other Fund", kind=Organisation.Kind.FUNDER)
    stranger = make_user("stranger", "S", "T", other, Membership.Role.FUNDING_OFFICER)
    assert not Initiative.objects.visible_to(stranger).exists()
    assert client_for(stranger).get(submitted.get_absolute_url()).status_code == 404


def test_officer_can_write_nothing_of_the_organisations_data(officer_client, submitted, kpi):
    initiative = submitted.initiative
    posts = [
        reverse("initiatives:edit", args=[initiative.pk]),
        reverse("initiatives:section", args=[initiative.pk, "change-statement"]),
        reverse("initiatives:item_create", args=[initiative.pk, "benefits"]),
        reverse("initiatives:gate", args=[initiative.pk]),
        reverse("initiatives:stop", args=[initiative.pk]),
        reverse("metrics:kpi_create", args=[initiative.pk]),
        reverse("metrics:kpi_edit", args=[kpi.pk]),
        reverse("metrics:measurement_add", args=[kpi.pk]),
        reverse("funding:create", args=[initiative.pk]),
        reverse("funding:move", args=[submitted.pk, "withdraw"]),
    ]
    for url in posts:
        assert officer_client.post(url, {"title": "x", "value": "1"}).status_code == 403, url


def test_officer_reviews_comments_and_grants(officer_client, officer, submitted):
    url = reverse("funding:review", args=[submitted.pk])
    officer_client.post(url, {"action": "start_review", "body": "We are reading it."})
    officer_client.post(url, {"action": "grant", "body": "Granted."})

    submitted.refresh_from_db()
    assert submitted.state == ApplicationState.GRANTED
    assert list(ReviewComment.objects.values_list("body", flat=True)) == [
        "We are reading it.",
        "Granted.",
    ]


def test_a_comment_needs_text(officer_client, submitted):
    response = officer_client.post(
        reverse("funding:review", args=[submitted.pk]), {"action": "comment", "body": ""}
    )
    assert response.status_code == 400
    assert not ReviewComment.objects.exists()


def test_the_application_refuses_an_empty_comment_whoever_calls_it(officer, submitted):
    with pytest.raises(TransitionError, match="Write the comment the applicant will read"):
        submitted.comment(officer, "   ")

    assert not ReviewComment.objects.exists()


def test_a_comment_is_stored_without_changing_the_state(officer, submitted):
    comment = submitted.comment(officer, "  Please add the monthly volumes.  ")

    assert (comment.author, comment.body, comment.decision) == (
        officer,
        "Please add the monthly volumes.",
        "",
    )
    submitted.refresh_from_db()
    assert submitted.state == ApplicationState.SUBMITTED


def test_taking_into_review_stores_its_comment_only_when_there_is_one(officer, submitted):
    submitted.start_review(officer, "We are reading it.")

    assert submitted.state == ApplicationState.IN_REVIEW
    assert list(submitted.comments.values_list("body", flat=True)) == ["We are reading it."]


def test_a_refused_move_stores_no_comment(officer, submitted):
    submitted.start_review(officer)

    with pytest.raises(TransitionError):
        submitted.start_review(officer, "Again.")

    assert not submitted.comments.exists()


def test_applicants_cannot_review_their_own_application(leader_client, member_client, submitted):
    for client in (leader_client, member_client):
        response = client.post(
            reverse("funding:review", args=[submitted.pk]), {"action": "start_review"}
        )
        assert response.status_code == 403
    assert submitted.__class__.objects.get(pk=submitted.pk).state == ApplicationState.SUBMITTED


def test_officer_list_puts_overdue_commitments_first(
    officer_client, make_application, city_initiative, outsider, submitted, benefit
):
    from datetime import timedelta

    from django.utils import timezone

    from initiatives.models import Benefit

    Benefit.objects.create(
        initiative=city_initiative,
        description="Fewer kilometres driven",
        kind="cashable",
        unit="eur_per_year",
        quantity=50000,
        expected_date=timezone.localdate() - timedelta(days=30),
    )
    late = make_application(city_initiative)
    late.submit(outsider)

    response = officer_client.get(reverse("funding:list"))

    assert [a.pk for a in response.context["applications"]] == [late.pk, submitted.pk]
    assert response.context["applications"][0].overdue_count == 1
    assert "Funding applications" in response.content.decode()


def test_officer_has_a_navigation_entry_and_others_do_not(officer_client, leader_client):
    link = f'href="{reverse("funding:list")}"'
    assert link in officer_client.get(reverse("initiatives:list")).content.decode()
    assert link not in leader_client.get(reverse("initiatives:list")).content.decode()


def test_the_officers_list_costs_the_same_queries_for_many_applications(
    officer_client,
    make_application,
    make_initiative,
    agency_b,
    leader,
    django_assert_max_num_queries,
):
    for number in range(8):
        initiative = make_initiative(agency_b, leader, title=f"Initiative {number}")
        make_application(initiative).submit(leader)
    with django_assert_max_num_queries(14):
        response = officer_client.get(reverse("funding:list"))
    assert len(response.context["applications"]) == 8
