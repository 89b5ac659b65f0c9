"""Funding in the API: applications with their frozen commitments and the live comparison, and
progress reports, read by the applicant organisation and the funder's officers; submitting a
progress report is the one write. The clock stands on 1 March 2027 (Helsinki)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from api.models import APIToken
from funding.models import ProgressReport
from organisations.models import Membership, Organisation
from renewal.models import AuditEntry
from tests.api.conftest import post_json
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DUE = date(2027, 4, 30)


@pytest.fixture(autouse=True)
def first_of_march():
    with time_machine.travel("2027-03-01 10:00 +02:00", tick=False):
        yield


@pytest.fixture
def report(granted, officer):
    return ProgressReport.request(granted, officer, DUE, "Tell us about the roll-out.")


@pytest.fixture
def stranger():
    other = Organisation.objects.create(name="Other Fund", kind=Organisation.Kind.FUNDER)
    return make_user("stranger", "Sam", "Toivonen", other, Membership.Role.FUNDING_OFFICER)


@pytest.fixture
def city_initiative(make_initiative, municipality, outsider):
    return make_initiative(municipality, outsider, title="Home care route optimisation")


def submit_url(report):
    return f"/api/v1/funding/progress-reports/{report.pk}/submit"


def test_officer_and_applicant_read_the_application_with_commitments_and_comparison(
    bearer, officer, leader, granted, kpi, measurements
):
    kpi.target_value = Decimal(90)
    kpi.save()
    for person in (officer, leader):
        response = bearer(person, APIToken.Scope.READ).get(
            f"/api/v1/funding/applications/{granted.pk}"
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["state"] == "granted" and data["amount_requested_eur"] == 250000
        [committed] = data["commitment"]["kpis"]
        assert (committed["name"], committed["target_value"]) == ("Permit processing time", 60)
        [live] = data["comparison"]["kpis"]
        assert live["current_target_value"] == 90 and live["flags"] == ["weakened"]
        assert (live["latest_value"], live["latest_date"]) == (101, "2027-02-19")
        [benefit] = data["comparison"]["benefits"]
        assert (benefit["committed_quantity"], benefit["realised"]) == (180000, 0)


def test_the_list_holds_what_each_may_see(bearer, officer, leader, stranger, granted, draft):
    assert bearer(officer).get("/api/v1/funding/applications").json()["count"] == 1
    assert bearer(leader).get("/api/v1/funding/applications").json()["count"] == 1
    assert bearer(stranger).get("/api/v1/funding/applications").json()["count"] == 0
    granted_only = bearer(leader).get("/api/v1/funding/applications?state=draft").json()
    assert granted_only["count"] == 0


def test_the_officer_never_reads_an_application_or_report_of_an_initiative_that_did_not_apply(
    bearer, officer, make_application, city_initiative, outsider
):
    draft = make_application(city_initiative)
    hidden = ProgressReport.objects.create(application=draft, due_on=DUE, requested_by=outsider)
    client = bearer(officer)

    assert client.get("/api/v1/funding/applications").json()["count"] == 0
    assert client.get(f"/api/v1/funding/applications/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/funding/progress-reports/{hidden.pk}").status_code == 404


def test_others_find_no_report(bearer, outsider, stranger, report):
    for person in (outsider, stranger):
        client = bearer(person)
        assert client.get(f"/api/v1/funding/progress-reports/{report.pk}").status_code == 404
        assert post_json(client, submit_url(report), {"narrative": "x"}).status_code == 404


def test_the_owner_submits_a_report_and_it_is_frozen(bearer, leader, officer, report):
    response = post_json(bearer(leader), submit_url(report), {"narrative": "Live in two regions."})

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "submitted" and data["narrative"] == "Live in two regions."
    assert data["figures"]["kpis"][0]["name"] == "Permit processing time"
    report.refresh_from_db()
    assert report.snapshot.narrative == "Live in two regions."
    assert AuditEntry.objects.filter(object_id=str(report.pk), actor=leader).exists()
    read = bearer(officer).get(f"/api/v1/funding/progress-reports/{report.pk}").json()
    assert read["narrative"] == "Live in two regions." and read["submitted_by"] == str(leader)

    again = post_json(bearer(leader), submit_url(report), {"narrative": "Rewritten"})

    assert again.status_code == 409
    report.refresh_from_db()
    assert report.snapshot.narrative == "Live in two regions."


def test_the_officer_reads_no_draft_narrative(bearer, officer, report):
    report.narrative = "Half-written thoughts"
    report.save()

    data = bearer(officer).get(f"/api/v1/funding/progress-reports/{report.pk}").json()

    assert data["narrative"] == "" and data["state"] == "requested"


def test_who_may_not_submit(bearer, officer, member, viewer, leader, report):
    assert post_json(bearer(officer), submit_url(report), {"narrative": "x"}).status_code == 403
    assert post_json(bearer(member), submit_url(report), {"narrative": "x"}).status_code == 403
    assert post_json(bearer(viewer), submit_url(report), {"narrative": "x"}).status_code == 403
    read_only = bearer(leader, APIToken.Scope.READ)
    assert post_json(read_only, submit_url(report), {"narrative": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.state == "requested"


def test_an_empty_narrative_is_refused(bearer, leader, report):
    for body in ({"narrative": ""}, {"narrative": "   "}, {}):
        assert post_json(bearer(leader), submit_url(report), body).status_code == 422
    report.refresh_from_db()
    assert report.state == "requested"


def test_an_application_lists_its_progress_reports(bearer, leader, granted, report):
    data = bearer(leader).get(f"/api/v1/funding/applications/{granted.pk}/progress-reports").json()

    assert [r["id"] for r in data["results"]] == [report.pk]
    assert data["results"][0]["due_on"] == "2027-04-30"
