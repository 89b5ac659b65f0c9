"""Progress reports: the officer requests one of a granted application, the applicant writes the
narrative and submits it with the initiative's figures frozen, the officer reviews it.

The clock stands on 1 March 2027 (Helsinki). `granted` is the persona initiative's application:
its owner is `leader` (a leader over the agency), `member` is on its team, `viewer` reads the
ministry, `officer` reviews for Sitra.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from funding.models import ImmutableError, ProgressReport, ProgressSnapshot
from notifications.models import Kind, Notification
from notifications.services import sweep
from organisations.models import Membership, Organisation
from renewal.models import AuditEntry
from tests.conftest import client_for, make_user
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db

DUE = date(2027, 4, 30)
NARRATIVE = "The digital service is live in two regions; processing time is down to 101 days."


@pytest.fixture(autouse=True)
def first_of_march(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    with time_machine.travel(at("2027-03-01 10:00"), tick=False):
        yield


@pytest.fixture
def report(granted, officer):
    return ProgressReport.request(granted, officer, DUE, "Tell us about the regional roll-out.")


@pytest.fixture
def submitted_report(report, leader, measurements):
    report.narrative = NARRATIVE
    report.save()
    client_for(leader).post(
        reverse("funding:progress_edit", args=[report.pk]),
        {"narrative": NARRATIVE, "version": report.version, "action": "submit"},
    )
    report.refresh_from_db()
    return report


def request_data(client, application, **changes):
    page = client.get(application.get_absolute_url())
    form = page.context["progress_request_form"]
    return {"submission": form["submission"].value(), **changes}


# Requesting ---------------------------------------------------------------------------------


def test_officer_requests_a_report_on_the_application_page_once_per_submission(
    officer_client, granted
):
    data = request_data(officer_client, granted, due_on="2027-04-30", request_note="Roll-out?")
    url = reverse("funding:progress_request", args=[granted.pk])

    first = officer_client.post(url, data)
    second = officer_client.post(url, data)  # a double click

    [report] = ProgressReport.objects.all()
    assert first.url == second.url == report.get_absolute_url()
    assert (report.due_on, report.request_note, report.state) == (DUE, "Roll-out?", "requested")
    assert AuditEntry.objects.filter(object_id=str(report.pk), action="create").exists()
    page = officer_client.get(granted.get_absolute_url()).content.decode()
    assert "Progress report due" in page


def test_a_due_date_in_the_past_is_refused_next_to_the_field(officer_client, granted):
    data = request_data(officer_client, granted, due_on="2027-02-01")

    response = officer_client.post(reverse("funding:progress_request", args=[granted.pk]), data)

    assert response.status_code == 400
    assert "The due date cannot be in the past." in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_no_report_is_requested_of_an_application_not_granted(officer_client, in_review):
    page = officer_client.get(in_review.get_absolute_url())
    assert page.context["progress_request_form"] is None

    response = officer_client.post(
        reverse("funding:progress_request", args=[in_review.pk]), {"due_on": "2027-04-30"}
    )

    assert response.status_code == 302
    assert not ProgressReport.objects.exists()


def test_only_the_funders_officer_requests(leader_client, member_client, granted):
    url = reverse("funding:progress_request", args=[granted.pk])
    for client in (leader_client, member_client):
        assert client.post(url, {"due_on": "2027-04-30"}).status_code == 403
    assert not ProgressReport.objects.exists()


def test_the_owner_and_the_leaders_are_told_of_the_request_then_before_and_after_the_due_date(
    report, leader, member, agency_a, officer
):
    agency_leader = make_user("agencylead", "Anna", "Aalto", agency_a, Membership.Role.LEADER)

    sweep(at("2027-03-01 12:00"))
    sweep(at("2027-03-01 12:15"))
    sweep(at("2027-04-25 12:00"))  # five days before
    sweep(at("2027-05-02 12:00"))  # two days late
    sweep(at("2027-05-09 12:00"))

    def periods(user):
        return sorted(
            Notification.objects.filter(kind=Kind.PROGRESS_REPORT, recipient=user).values_list(
                "period", flat=True
            )
        )

    for person in (leader, agency_leader):
        assert periods(person) == ["overdue", "requested", "upcoming"]
    assert periods(member) == []  # on the team, but not the owner nor a leader
    assert periods(officer) == ["overdue"]
    subjects = [m.subject for m in mail.outbox if leader.email in m.to and "report" in m.subject]
    assert subjects == [
        "Progress report requested: Digital environmental permit service",
        "Progress report due on 30 April 2027: Digital environmental permit service",
        "Progress report overdue: Digital environmental permit service",
    ]


def test_a_submitted_report_is_reminded_of_no_more(submitted_report, leader):
    sweep(at("2027-05-02 12:00"))

    assert not Notification.objects.filter(kind=Kind.PROGRESS_REPORT).exists()


# Filling in and submitting ------------------------------------------------------------------


def test_a_team_member_writes_the_draft_but_the_owner_submits(report, member, leader):
    member_client = client_for(member)
    url = reverse("funding:progress_edit", args=[report.pk])
    saved = member_client.post(url, {"narrative": "Draft by Mikko", "version": 1, "action": "save"})
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "Draft by Mikko"

    refused = member_client.post(url, {"narrative": "x", "version": 2, "action": "submit"})

    assert refused.status_code == 403
    report.refresh_from_db()
    assert report.state == "requested"


def test_submitting_freezes_the_narrative_and_the_initiatives_figures(
    submitted_report, kpi, leader
):
    snapshot = submitted_report.snapshot
    assert submitted_report.state == "submitted"
    assert snapshot.narrative == NARRATIVE and snapshot.submitted_by == leader
    [kpi_row] = snapshot.figures["kpis"]
    assert (kpi_row["name"], kpi_row["latest_value"], kpi_row["committed_target_value"]) == (
        "Permit processing time",
        "101",
        "60",
    )
    [benefit_row] = snapshot.figures["benefits"]
    assert (benefit_row["committed"], benefit_row["realised"]) == ("180000", "0")
    assert snapshot.figures["amount_granted"] == "250000"

    kpi.name = "Renamed since"
    kpi.save()
    page = client_for(leader).get(submitted_report.get_absolute_url()).content.decode()
    assert "Permit processing time" in page and "Renamed since" not in page


def test_submitting_without_a_narrative_is_refused_next_to_the_field(report, leader):
    response = client_for(leader).post(
        reverse("funding:progress_edit", args=[report.pk]),
        {"narrative": "  ", "version": 1, "action": "submit"},
    )

    assert response.status_code == 400
    assert "Write the narrative before submitting the report." in response.content.decode()
    assert not ProgressSnapshot.objects.exists()


def test_a_submitted_report_cannot_change_through_the_form(submitted_report, leader):
    response = client_for(leader).post(
        reverse("funding:progress_edit", args=[submitted_report.pk]),
        {"narrative": "Rewritten", "version": submitted_report.version, "action": "save"},
        follow=True,
    )

    assert "A submitted progress report cannot be changed." in response.content.decode()
    submitted_report.refresh_from_db()
    assert submitted_report.narrative == NARRATIVE
    assert response.context["narrative_form"] is None


def test_a_submitted_report_cannot_change_in_the_model(submitted_report):
    submitted_report.narrative = "Rewritten"
    with pytest.raises(ImmutableError):
        submitted_report.save()
    with pytest.raises(ImmutableError):
        ProgressReport.objects.filter(pk=submitted_report.pk).update(narrative="Rewritten")
    snapshot = submitted_report.snapshot
    snapshot.narrative = "Rewritten"
    with pytest.raises(ImmutableError):
        snapshot.save()
    with pytest.raises(ImmutableError):
        ProgressSnapshot.objects.filter(pk=snapshot.pk).update(narrative="Rewritten")
    with pytest.raises(ImmutableError):
        snapshot.delete()
    assert ProgressSnapshot.objects.get().narrative == NARRATIVE


def test_two_tabs_on_one_draft_keep_the_first_save(report, leader, member):
    url = reverse("funding:progress_edit", args=[report.pk])
    client_for(member).post(url, {"narrative": "First", "version": 1, "action": "save"})

    second = client_for(leader).post(url, {"narrative": "Second", "version": 1, "action": "save"})

    assert second.status_code == 400
    report.refresh_from_db()
    assert report.narrative == "First"


# Reading and reviewing ----------------------------------------------------------------------


def test_the_officer_sees_the_figures_but_no_draft_narrative_before_submission(
    report, officer_client
):
    report.narrative = "Half-written thoughts"
    report.save()

    page = officer_client.get(report.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert "Half-written thoughts" not in html
    assert "Permit processing time" in html
    assert page.context["narrative_form"] is None and page.context["review_form"] is None


def test_the_officer_reviews_a_submitted_report_with_a_comment(submitted_report, officer):
    client = client_for(officer)
    url = reverse("funding:progress_review", args=[submitted_report.pk])
    empty = client.post(url, {"body": "  "})
    assert empty.status_code == 400
    assert "Write the comment the applicant will read." in empty.content.decode()

    client.post(url, {"body": "Thank you; report the regional figures next time."})

    submitted_report.refresh_from_db()
    assert submitted_report.state == "reviewed"
    [comment] = submitted_report.comments.all()
    assert comment.author == officer
    page = client_for(submitted_report.application.initiative.owner).get(
        submitted_report.get_absolute_url()
    )
    assert "report the regional figures next time" in page.content.decode()


def test_applicants_cannot_review(submitted_report, leader_client):
    response = leader_client.post(
        reverse("funding:progress_review", args=[submitted_report.pk]), {"body": "Self-praise"}
    )

    assert response.status_code == 403


def test_the_viewer_reads_but_does_not_write(report, viewer_client):
    assert viewer_client.get(report.get_absolute_url()).status_code == 200
    response = viewer_client.post(
        reverse("funding:progress_edit", args=[report.pk]),
        {"narrative": "x", "version": 1, "action": "save"},
    )
    assert response.status_code == 403


def test_the_officer_does_not_write_the_narrative(report, officer_client):
    response = officer_client.post(
        reverse("funding:progress_edit", args=[report.pk]),
        {"narrative": "x", "version": 1, "action": "save"},
    )
    assert response.status_code == 403


def test_outsiders_and_other_funders_officers_find_no_report(report, outsider_client):
    other = Organisation.objects.create(name="Other Fund", kind=Organisation.Kind.FUNDER)
    stranger = make_user("stranger", "Sam", "Toivonen", other, Membership.Role.FUNDING_OFFICER)
    for client in (outsider_client, client_for(stranger)):
        assert client.get(report.get_absolute_url()).status_code == 404
        assert client.get(reverse("reports:progress", args=[report.pk])).status_code == 404
        review = client.post(reverse("funding:progress_review", args=[report.pk]), {"body": "x"})
        assert review.status_code == 404


def test_the_officer_never_sees_a_report_of_an_initiative_that_did_not_apply(
    make_application, city_initiative, officer_client, outsider
):
    draft = make_application(city_initiative)
    # Only a granted application is asked for a report; one on a draft is made here by hand.
    hidden = ProgressReport.objects.create(application=draft, due_on=DUE, requested_by=outsider)

    assert officer_client.get(hidden.get_absolute_url()).status_code == 404
    assert officer_client.get(reverse("reports:progress", args=[hidden.pk])).status_code == 404


def test_the_report_pdf_carries_the_frozen_narrative(submitted_report, officer_client):
    response = officer_client.get(reverse("reports:progress", args=[submitted_report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_figures_show_spend_and_benefits_live_before_submission(report, leader_client):
    page = leader_client.get(report.get_absolute_url())

    view = page.context["view"]
    assert view.benefit_rows[0]["committed"] == Decimal(180000)
    assert "Lower handling cost per permit" in page.content.decode()
