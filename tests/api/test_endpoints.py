"""The JSON API: what each persona's token may read and write, and what bad input gets back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from api.models import APIToken
from metrics.models import Measurement
from renewal.models import AuditEntry
from tests.api.conftest import client_with_token, post_json

API = "/api/v1"
READ = APIToken.Scope.READ


def days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


@pytest.fixture
def foreign_kpi(make_initiative, make_kpi, municipality, outsider):
    """A KPI of the municipality's initiative: outside every persona's organisations but the
    outsider's."""
    initiative = make_initiative(municipality, outsider, title="Lahti school meals")
    return make_kpi(initiative, name="Meals served")


def assert_error_body(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    return body


# Authentication ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/me", "/initiatives", "/initiatives/1", "/kpis", "/kpis/1", "/kpis/1/measurements"]
)
def test_every_read_endpoint_needs_a_token(client, db, url):
    response = client.get(API + url)
    assert_error_body(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_is_not_enough(member_client):
    # The API takes tokens only, so a page cannot be tricked into writing through it (CSRF).
    assert_error_body(member_client.get(f"{API}/me"), 401)


def test_writing_without_a_token_is_refused(client, kpi):
    response = post_json(
        client, f"{API}/kpis/{kpi.pk}/measurements", {"date": days_ago(1), "value": 1}
    )
    assert_error_body(response, 401)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    "header", ["Bearer rnw_not-a-real-token", "Bearer ", "Basic dXNlcjpwdw==", "rnw_x"]
)
def test_a_bad_token_is_refused(member, issue, header):
    issue(member)
    client = Client(HTTP_AUTHORIZATION=header)
    assert_error_body(client.get(f"{API}/me"), 401)


def test_a_revoked_token_is_refused(member, issue, kpi):
    raw = issue(member)
    client = client_with_token(raw)
    assert client.get(f"{API}/me").status_code == 200
    APIToken.objects.get(user=member).revoke()
    assert_error_body(client.get(f"{API}/me"), 401)
    response = post_json(
        client, f"{API}/kpis/{kpi.pk}/measurements", {"date": days_ago(1), "value": 1}
    )
    assert_error_body(response, 401)


def test_a_deactivated_users_token_is_refused(member, bearer):
    client = bearer(member)
    member.is_active = False
    member.save()
    assert_error_body(client.get(f"{API}/me"), 401)


def test_me_tells_who_the_token_acts_for(member, bearer):
    body = bearer(member, READ).get(f"{API}/me").json()
    assert body["username"] == "member"
    assert body["token"]["scope"] == "read"
    assert body["memberships"][0]["role"] == "member"


def test_using_a_token_records_when_it_was_last_used(member, bearer):
    bearer(member).get(f"{API}/me")
    assert APIToken.objects.get(user=member).last_used_at is not None


# Initiatives ------------------------------------------------------------------------------------


def test_initiatives_lists_what_the_user_sees_with_portfolio_figures(
    leader, bearer, initiative, kpi, measurements, foreign_kpi
):
    body = bearer(leader, READ).get(f"{API}/initiatives").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["id"] == initiative.pk
    assert item["organisation"]["name"] == "Permit Agency"
    assert item["kpi_status"] in {"on_track", "at_risk", "off_track"}
    assert sum(item["kpi_status_counts"].values()) == 1
    assert item["url"].endswith(f"/initiatives/{initiative.pk}/")


def test_initiatives_take_the_portfolio_filters(
    leader, bearer, make_initiative, agency_a, agency_b
):
    make_initiative(agency_a, leader, title="Permit portal")
    make_initiative(agency_b, leader, title="Registry renewal", tags="|digital|")
    client = bearer(leader, READ)

    def titles(query):
        results = client.get(f"{API}/initiatives?{query}").json()["results"]
        return [i["title"] for i in results]

    assert titles(f"organisation={agency_b.pk}") == ["Registry renewal"]
    assert titles("tag=digital") == ["Registry renewal"]
    assert titles("q=portal") == ["Permit portal"]
    assert titles("sort=organisation") == ["Permit portal", "Registry renewal"]
    assert titles("phase=2") == []


def test_an_organisation_filter_outside_the_users_tree_is_a_422(
    member, bearer, initiative, municipality
):
    response = bearer(member, READ).get(f"{API}/initiatives?organisation={municipality.pk}")
    body = assert_error_body(response, 422)
    assert body["errors"][0]["loc"] == ["query", "organisation"]


@pytest.mark.parametrize(
    "query",
    [
        "phase=9",
        "state=sleeping",
        "kpi_status=great",
        "benefit_month=0000-01",
        "sort=x",
        "page=0",
        "page_size=1000",
        "organisation=abc",
    ],
)
def test_bad_filters_are_422_not_500(leader, bearer, initiative, query):
    assert_error_body(bearer(leader, READ).get(f"{API}/initiatives?{query}"), 422)


@pytest.mark.parametrize("month", ["0000-01", "2025-13", "2025-00"])
def test_the_portfolio_page_shares_the_filters_and_refuses_impossible_months(
    leader_client, initiative, month
):
    # The page ignores an invalid filter (and says so in its form); it never fails on one.
    response = leader_client.get(f"/initiatives/portfolio/?benefit_month={month}")

    assert response.status_code == 200
    assert "benefit_month" in response.context["form"].errors
    assert [row.initiative for row in response.context["portfolio"].rows] == [initiative]


def test_initiatives_are_paginated(leader, bearer, make_initiative, agency_a):
    for n in range(5):
        make_initiative(agency_a, leader, title=f"Initiative {n}")
    client = bearer(leader, READ)
    first = client.get(f"{API}/initiatives?page_size=2").json()
    assert (first["count"], first["pages"], len(first["results"])) == (5, 3, 2)
    assert first["previous"] is None
    last = client.get(first["next"]).json()
    assert last["page"] == 2
    third = client.get(f"{API}/initiatives?page_size=2&page=3").json()
    assert [i["title"] for i in third["results"]] == ["Initiative 4"]
    assert third["next"] is None
    beyond = client.get(f"{API}/initiatives?page_size=2&page=9").json()
    assert beyond["results"] == []


def test_reading_an_initiative_shows_its_kpis(viewer, bearer, initiative, kpi):
    body = bearer(viewer, READ).get(f"{API}/initiatives/{initiative.pk}").json()
    assert body["title"] == initiative.title
    assert [k["name"] for k in body["kpis"]] == [kpi.name]


def test_another_organisations_initiative_is_a_404(member, bearer, foreign_kpi):
    response = bearer(member, READ).get(f"{API}/initiatives/{foreign_kpi.initiative_id}")
    assert_error_body(response, 404)


def test_a_missing_initiative_is_a_404(member, bearer):
    assert_error_body(bearer(member, READ).get(f"{API}/initiatives/999999"), 404)
    assert_error_body(bearer(member, READ).get(f"{API}/initiatives/99999999999999999999999"), 422)


# KPIs -------------------------------------------------------------------------------------------


def test_kpis_list_only_the_users_kpis_with_status(member, bearer, kpi, measurements, foreign_kpi):
    body = bearer(member, READ).get(f"{API}/kpis").json()
    assert [k["id"] for k in body["results"]] == [kpi.pk]
    assert body["results"][0]["latest_value"] == 101.0
    assert body["results"][0]["status"] == kpi.__class__.objects.get(pk=kpi.pk).status


def test_kpis_filter_by_initiative_and_status(leader, bearer, kpi, measurements, foreign_kpi):
    client = bearer(leader, READ)
    status = kpi.__class__.objects.get(pk=kpi.pk).status
    assert client.get(f"{API}/kpis?status={status}").json()["count"] == 1
    assert client.get(f"{API}/kpis?initiative={foreign_kpi.initiative_id}").json()["count"] == 0


def test_reading_a_kpi_gives_status_plan_and_projection(member, bearer, kpi, measurements):
    body = bearer(member, READ).get(f"{API}/kpis/{kpi.pk}").json()
    assert body["name"] == kpi.name
    assert body["latest_value"] == 101.0
    assert body["planned_value_today"] is not None
    assert body["status"] in {"on_track", "at_risk", "off_track"}
    assert "projected_date" in body


def test_another_organisations_kpi_is_a_404(member, bearer, foreign_kpi):
    client = bearer(member)
    assert_error_body(client.get(f"{API}/kpis/{foreign_kpi.pk}"), 404)
    assert_error_body(client.get(f"{API}/kpis/{foreign_kpi.pk}/measurements"), 404)
    response = post_json(
        client, f"{API}/kpis/{foreign_kpi.pk}/measurements", {"date": days_ago(1), "value": 5}
    )
    assert_error_body(response, 404)
    assert not Measurement.objects.exists()


# Measurements: reading --------------------------------------------------------------------------


def test_measurements_are_listed_newest_first_and_filtered_by_date(
    member, bearer, kpi, measurements
):
    client = bearer(member, READ)
    body = client.get(f"{API}/kpis/{kpi.pk}/measurements").json()
    assert [m["value"] for m in body["results"]] == [101.0, 105.0, 112.0]
    assert body["results"][0]["entered_by"] == "Mikko Mäkinen"
    recent = client.get(f"{API}/kpis/{kpi.pk}/measurements?date_from={days_ago(50)}").json()
    assert [m["value"] for m in recent["results"]] == [101.0, 105.0]


# Measurements: writing one ----------------------------------------------------------------------


def test_a_member_records_a_measurement_audited_in_their_name(member, bearer, kpi):
    url = f"{API}/kpis/{kpi.pk}/measurements"
    response = post_json(
        bearer(member), url, {"date": days_ago(1), "value": "97.5", "note": "feed"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["value"] == 97.5
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.note, measurement.entered_by) == (
        Decimal("97.5"),
        "feed",
        member,
    )
    entry = AuditEntry.objects.get(
        content_type__model="measurement", object_id=str(measurement.pk), action="create"
    )
    assert entry.actor == member
    kpi.refresh_from_db()
    assert kpi.latest_value == Decimal("97.5")


def test_posting_the_same_kpi_and_date_again_replaces_it_never_duplicates(member, bearer, kpi):
    client, url = bearer(member), f"{API}/kpis/{kpi.pk}/measurements"
    assert post_json(client, url, {"date": days_ago(1), "value": 97}).status_code == 201
    again = post_json(client, url, {"date": days_ago(1), "value": 97})
    assert again.status_code == 200
    changed = post_json(client, url, {"date": days_ago(1), "value": 95, "note": "corrected"})
    assert changed.status_code == 200
    assert Measurement.objects.count() == 1
    assert Measurement.objects.get().value == Decimal(95)
    assert (
        AuditEntry.objects.filter(content_type__model="measurement", action="update").count() == 1
    )


def test_a_replaced_value_is_recorded_as_entered_by_whom_and_when(member, leader, bearer, kpi):
    url = f"{API}/kpis/{kpi.pk}/measurements"
    post_json(bearer(member), url, {"date": days_ago(1), "value": 97})
    Measurement.objects.update(created_at=timezone.now() - timedelta(days=3))

    post_json(bearer(leader), url, {"date": days_ago(1), "value": 95})

    replaced = Measurement.objects.get()
    assert replaced.entered_by == leader
    assert replaced.created_at > timezone.now() - timedelta(minutes=1)


def test_a_read_token_cannot_write(member, bearer, kpi):
    response = post_json(
        bearer(member, READ), f"{API}/kpis/{kpi.pk}/measurements", {"date": days_ago(1), "value": 1}
    )
    assert_error_body(response, 403)
    response = post_json(
        bearer(member, READ),
        f"{API}/measurements",
        {"measurements": [{"kpi": kpi.pk, "date": days_ago(1), "value": 1}]},
    )
    assert_error_body(response, 403)
    assert not Measurement.objects.exists()


def test_a_viewer_cannot_write_even_with_a_write_token(viewer, bearer, kpi):
    response = post_json(
        bearer(viewer), f"{API}/kpis/{kpi.pk}/measurements", {"date": days_ago(1), "value": 1}
    )
    assert_error_body(response, 403)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"date": "tomorrow", "value": 1}, "date"),
        ({"date": "2025-02-30", "value": 1}, "date"),
        ({"value": 1}, "date"),
        ({"date": "2025-01-01"}, "value"),
        ({"date": "2025-01-01", "value": "1e6"}, "value"),
        ({"date": "2025-01-01", "value": "Infinity"}, "value"),
        ({"date": "2025-01-01", "value": -5}, "value"),
        ({"date": "1899-12-31", "value": 1}, "date"),
        ({"date": "2025-01-01", "value": "NaN"}, "value"),
        ({"date": "2025-01-01", "value": 1e20}, "value"),
        ({"date": "2025-01-01", "value": "1.123456"}, "value"),
        ({"date": "2025-01-01", "value": 1, "note": "x" * 501}, "note"),
        ({"date": "2025-01-01", "value": 1, "note": "a\x00b"}, "note"),
    ],
)
def test_bad_measurements_are_422_with_the_field_named(member, bearer, kpi, payload, field):
    response = post_json(bearer(member), f"{API}/kpis/{kpi.pk}/measurements", payload)
    body = assert_error_body(response, 422)
    assert any(e["loc"][-1] == field for e in body["errors"]), body
    assert not Measurement.objects.exists()


def test_a_future_date_is_refused(member, bearer, kpi):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post_json(
        bearer(member), f"{API}/kpis/{kpi.pk}/measurements", {"date": tomorrow, "value": 1}
    )
    body = assert_error_body(response, 422)
    assert body["errors"][0]["code"] == "future_date"


@pytest.mark.parametrize("body", ["{not json", "[]", '"text"', ""])
def test_a_body_that_is_not_the_expected_json_is_a_4xx(member, bearer, kpi, body):
    response = bearer(member).post(
        f"{API}/kpis/{kpi.pk}/measurements", data=body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


# Measurements: batches --------------------------------------------------------------------------


def test_a_batch_is_stored_whole(member, bearer, kpi, make_kpi, initiative, measurements):
    other = make_kpi(initiative, name="Handling cost", unit="EUR")
    items = [{"kpi": kpi.pk, "date": days_ago(n), "value": 100 - n} for n in (1, 2, 3)] + [
        {"kpi": other.pk, "date": days_ago(1), "value": "250.5"},
        {"kpi": kpi.pk, "date": days_ago(10), "value": 99},
    ]  # replaces an existing one
    response = post_json(bearer(member), f"{API}/measurements", {"measurements": items})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"]) == (4, 1)
    assert [m["value"] for m in body["measurements"]] == [99, 98, 97, 250.5, 99]
    assert Measurement.objects.count() == 3 + 4
    assert Measurement.objects.get(kpi=kpi, date=days_ago(10)).value == 99


def test_one_bad_item_stores_nothing_and_every_problem_is_reported(
    member, bearer, kpi, foreign_kpi, viewer
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    items = [
        {"kpi": kpi.pk, "date": days_ago(1), "value": 1},
        {"kpi": foreign_kpi.pk, "date": days_ago(1), "value": 1},
        {"kpi": kpi.pk, "date": tomorrow, "value": 1},
        {"kpi": kpi.pk, "date": days_ago(1), "value": 2},
        {"kpi": 999999, "date": days_ago(2), "value": 1},
    ]
    response = post_json(bearer(member), f"{API}/measurements", {"measurements": items})
    body = assert_error_body(response, 422)
    problems = {(e["loc"][2], e["code"]) for e in body["errors"]}
    assert problems == {
        (1, "not_found"),
        (2, "future_date"),
        (3, "duplicate"),
        (4, "not_found"),
    }
    assert not Measurement.objects.exists()


def test_a_batch_item_for_a_kpi_the_user_may_only_view_is_refused(leader, viewer, bearer, kpi):
    items = [{"kpi": kpi.pk, "date": days_ago(1), "value": 1}]
    body = assert_error_body(
        post_json(bearer(viewer), f"{API}/measurements", {"measurements": items}), 422
    )
    assert body["errors"][0]["code"] == "permission_denied"


def test_a_batch_with_an_invalid_value_reports_its_index(member, bearer, kpi):
    items = [
        {"kpi": kpi.pk, "date": days_ago(1), "value": 1},
        {"kpi": kpi.pk, "date": days_ago(2), "value": "lots"},
    ]
    body = assert_error_body(
        post_json(bearer(member), f"{API}/measurements", {"measurements": items}), 422
    )
    assert body["errors"][0]["loc"] == ["body", "measurements", 1, "value"]
    assert not Measurement.objects.exists()


def test_a_batch_of_1000_is_accepted(member, bearer, kpi):
    items = [{"kpi": kpi.pk, "date": days_ago(n + 1), "value": n} for n in range(1000)]
    response = post_json(bearer(member), f"{API}/measurements", {"measurements": items})
    assert response.status_code == 200, response.content[:500]
    assert Measurement.objects.count() == 1000


def test_more_than_1000_items_are_refused(member, bearer, kpi):
    items = [{"kpi": kpi.pk, "date": days_ago(n + 1), "value": n} for n in range(1001)]
    response = post_json(bearer(member), f"{API}/measurements", {"measurements": items})
    assert_error_body(response, 422)
    assert not Measurement.objects.exists()


def test_an_empty_batch_is_refused(member, bearer):
    assert_error_body(post_json(bearer(member), f"{API}/measurements", {"measurements": []}), 422)


# The schema and the documentation ---------------------------------------------------------------


def test_an_unknown_api_address_is_a_json_404(client, db):
    assert_error_body(client.get(f"{API}/nothing/here"), 404)


def test_a_method_an_endpoint_lacks_is_a_json_405_naming_the_allowed_ones(member, bearer):
    response = bearer(member).delete(f"{API}/initiatives")

    body = assert_error_body(response, 405)
    assert response["Allow"] == "GET"
    assert "DELETE" in body["detail"]
    assert "GET" in body["detail"]


def test_the_openapi_schema_is_public_and_documents_bearer_tokens(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["info"]["title"] == "Renewal API"
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
    assert f"{API}/measurements" in schema["paths"]


def test_the_docs_page_asks_a_visitor_to_sign_in(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={API}/docs"


def test_the_docs_page_loads_swagger_from_our_own_static_files(member_client):
    response = member_client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp


def test_lists_take_a_fixed_number_of_queries(
    leader, bearer, make_initiative, make_kpi, agency_a, django_assert_max_num_queries
):
    for n in range(12):
        make_kpi(make_initiative(agency_a, leader, title=f"Initiative {n}"), name=f"KPI {n}")
    client = bearer(leader, READ)
    # The portfolio's queries, the paradox radar's eight among them.
    with django_assert_max_num_queries(20):
        assert client.get(f"{API}/initiatives").json()["count"] == 12
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}/kpis").json()["count"] == 12


def test_a_batch_takes_measurements_as_the_api_returns_them(member, bearer, kpi):
    item = {"kpi_id": kpi.pk, "date": days_ago(2), "value": 96, "note": ""}

    response = post_json(bearer(member), f"{API}/measurements", {"measurements": [item]})

    assert response.status_code in (200, 201), response.content
    assert Measurement.objects.filter(kpi=kpi, date=days_ago(2)).exists()
