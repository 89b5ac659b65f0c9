"""A funder sees only its own applications (issue 15, item 3).

Sitra's officer reads the initiative because it applied to Sitra; the same initiative also has a
draft and a submitted application to Business Finland, and that funder's officer commented on the
submitted one. On every surface Sitra's officer sees neither; the applicant's members see all.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from funding.models import FundingApplication, FundingCall
from organisations.models import Membership, Organisation
from reports.contexts import initiative_report
from tests.conftest import make_user

OTHER_COMMENT = "Business Finland would rather fund the pilot in Tampere"
OTHER_SUBMITTED_CALL = "Business Finland growth call"
OTHER_DRAFT_CALL = "Business Finland pilot call"


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
    assert "777" not in text
    assert "333" not in text


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
    assert OTHER_DRAFT_CALL not in html  # drafts are no part of the report for anyone
