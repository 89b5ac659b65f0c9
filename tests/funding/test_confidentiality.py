"""A funder sees only its own applications (issue 15, item 3).

Sitra's officer reads the initiative because it applied to Sitra; the same initiative also has a
draft and a submitted application to Business Finland, and that funder's officer commented on the
submitted one. On every surface Sitra's officer sees neither; the applicant's members see all.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import APIToken
from funding.models import FundingApplication, FundingCall
from notifications.kinds import ApplicationInitiativeStopped, People
from organisations.models import Membership, Organisation
from reports.contexts import initiative_report
from tests.conftest import make_user

OTHER_COMMENT = "Business Finland would rather fund the pilot in Tampere"
OTHER_SUBMITTED_CALL = "Business Finland growth call"
OTHER_DRAFT_CALL = "Business Finland pilot call"
# The other funder's amounts in any format (777,000 · 777\u00a0000 · 777000), never a random
# token's digits.
OTHER_AMOUNTS = re.compile(r"(?<!\d)(777|333)[,.\s\u00a0\u202f]?000(?!\d)")


@pytest.fixture
def other_funder(db):
    return Organisation.objects.create(name="Business Finland", kind=Organisation.Kind.FUNDER)


@pytest.fixture
def other_officer(other_funder):
    return make_user("bea", "Bea", "Berg", other_funder, Membership.Role.FUNDING_OFFICER)


def _call(funder, name):
    today = timezone.localdate()
    return FundingCall.objects.create(
        funder=funder,
        name=name,
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
        budget=Decimal(5_000_000),
    )


def _apply(initiative, call, amount):
    today = timezone.localdate()
    return FundingApplication.objects.create(
        initiative=initiative,
        call=call,
        amount_requested=amount,
        period_start=today,
        period_end=today + timedelta(days=365),
        created_by=initiative.owner,
    )


@pytest.fixture
def applications(make_application, initiative, kpi, benefit, leader, other_funder, other_officer):
    """One submitted application to Sitra, one submitted and one draft to Business Finland."""
    own = make_application(initiative)
    own.submit(leader)
    other = _apply(initiative, _call(other_funder, OTHER_SUBMITTED_CALL), Decimal(777_000))
    other.submit(leader)
    other.comment(other_officer, OTHER_COMMENT)
    draft = _apply(initiative, _call(other_funder, OTHER_DRAFT_CALL), Decimal(333_000))
    return own, other, draft


def _sees_no_other_funder(text: str) -> None:
    assert OTHER_SUBMITTED_CALL not in text
    assert OTHER_DRAFT_CALL not in text
    assert OTHER_COMMENT not in text
    assert not OTHER_AMOUNTS.search(text)


def test_officer_sees_no_other_funders_application_in_the_history(
    officer_client, initiative, applications
):
    response = officer_client.get(reverse("initiatives:history", args=[initiative.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Sitra renewal call" in text
    _sees_no_other_funder(text)


def test_members_see_every_application_of_their_initiative_in_the_history(
    member_client, initiative, applications
):
    text = member_client.get(reverse("initiatives:history", args=[initiative.pk])).content.decode()

    assert OTHER_SUBMITTED_CALL in text
    assert OTHER_DRAFT_CALL in text
    assert OTHER_COMMENT in text


def test_officer_sees_no_other_funders_application_in_the_initiative_pdf(
    officer, initiative, applications
):
    html = render_to_string(
        "pdf/initiative.html", {"report": initiative_report(initiative, officer)}
    )

    assert "Sitra renewal call" in html
    _sees_no_other_funder(html)


def test_members_see_every_submitted_application_in_the_initiative_pdf(
    member, initiative, applications
):
    html = render_to_string(
        "pdf/initiative.html", {"report": initiative_report(initiative, member)}
    )

    assert "Sitra renewal call" in html
    assert OTHER_SUBMITTED_CALL in html
    assert OTHER_AMOUNTS.search(html)
    assert OTHER_DRAFT_CALL not in html  # drafts are no part of the report for anyone


@pytest.fixture
def other_granted(applications, other_officer):
    _own, other, _draft = applications
    other.start_review(other_officer)
    other.grant(other_officer, "Granted by Business Finland.")
    return other


def test_officer_cannot_open_another_funders_application_or_its_pdf(officer_client, applications):
    _own, other, draft = applications
    for application in (other, draft):
        assert officer_client.get(application.get_absolute_url()).status_code == 404
        pdf = reverse("reports:application", args=[application.pk])
        assert officer_client.get(pdf).status_code == 404


def test_officer_sees_only_their_funders_applications_on_the_initiative_and_funding_pages(
    officer_client, initiative, applications
):
    page = officer_client.get(initiative.get_absolute_url())
    funding = officer_client.get(reverse("funding:initiative", args=[initiative.pk]))

    assert page.status_code == 200
    assert "Sitra renewal call" in funding.content.decode()
    _sees_no_other_funder(page.content.decode() + funding.content.decode())


def test_officers_portfolio_export_filtered_by_grant_ignores_another_funders_grant(
    officer_client, member_client, initiative, other_granted
):
    url = reverse("initiatives:portfolio_export", args=["csv"]) + "?funding=granted"

    assert initiative.title not in officer_client.get(url).content.decode()
    assert initiative.title in member_client.get(url).content.decode()


def test_officer_reads_no_other_funders_application_through_the_api(
    officer, initiative, other_granted
):
    secret = APIToken.issue(officer, "Radar feed", APIToken.Scope.READ)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    listed = client.get("/api/v1/initiatives")
    detail = client.get(f"/api/v1/initiatives/{initiative.pk}")

    assert detail.status_code == 200
    assert initiative.title in listed.content.decode()
    _sees_no_other_funder(listed.content.decode() + detail.content.decode())


def test_officer_is_never_warned_about_another_funders_application(
    officer, other_officer, initiative, applications, leader
):
    own, other, _draft = applications
    initiative.stop(leader, "The permit reform was cancelled.")

    due = list(ApplicationInitiativeStopped().due(timezone.now(), People()))

    to_officer = {d.subject for d in due if d.recipient.pk == officer.pk}
    to_other_officer = {d.subject for d in due if d.recipient.pk == other_officer.pk}
    assert to_officer == {f"funding_application:{own.pk}"}
    assert to_other_officer == {f"funding_application:{other.pk}"}
