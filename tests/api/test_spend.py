"""The spend endpoints: read through the policy, write a batch of months all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from api.models import APIToken
from initiatives.models import BudgetYear, MonthlySpend
from tests.api.conftest import post_json

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel("2026-06-15 12:00 +03:00", tick=False):
        yield


def _url(initiative):
    return f"/api/v1/initiatives/{initiative.pk}/spend"


def test_member_posts_months_then_replaces_one(bearer, member, initiative):
    client = bearer(member)
    months = [
        {"month": "2026-04", "amount_eur": 1000, "person_months": "1,5"},
        {"month": "5/2026", "amount_eur": "2 000,50", "note": "licences"},
    ]
    created = post_json(client, _url(initiative), {"months": months})
    assert created.status_code == 201, created.content
    assert created.json()["created"] == 2
    assert created.json()["spent_eur"] == 3000.5
    replaced = post_json(
        client, _url(initiative), {"months": [{"month": "2026-04", "amount_eur": 1200}]}
    )
    assert replaced.status_code == 200
    assert replaced.json()["updated"] == 1
    assert MonthlySpend.objects.get(month=date(2026, 4, 1)).amount_eur == Decimal(1200)


def test_a_bad_month_stores_nothing_and_says_where(bearer, member, initiative):
    months = [
        {"month": "2026-04", "amount_eur": 1},
        {"month": "2026-07", "amount_eur": -1},
        {"month": "2026-04", "amount_eur": "1e3"},
    ]
    response = post_json(bearer(member), _url(initiative), {"months": months})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Nothing was stored")
    found = {(tuple(e["loc"]), e["code"]) for e in body["errors"]}
    assert (("body", "months", 1, "month"), "future_month") in found
    assert (("body", "months", 1, "amount_eur"), "negative") in found
    assert (("body", "months", 2, "amount_eur"), "exponent") in found
    assert not MonthlySpend.objects.exists()


def test_a_month_twice_in_one_batch_is_an_error(bearer, member, initiative):
    months = [{"month": "2026-04", "amount_eur": 1}, {"month": "4/2026", "amount_eur": 2}]
    response = post_json(bearer(member), _url(initiative), {"months": months})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "duplicate"


def test_viewer_reads_but_cannot_write_and_outsider_finds_nothing(
    bearer, viewer, outsider, initiative
):
    BudgetYear.objects.create(initiative=initiative, year=2026, amount_eur=Decimal(5000))
    read = bearer(viewer, APIToken.Scope.READ).get(_url(initiative))
    assert read.status_code == 200
    assert read.json()["budget"] == [{"year": 2026, "amount_eur": 5000.0}]
    assert read.json()["planned_eur"] == 5000.0
    data = {"months": [{"month": "2026-04", "amount_eur": 1}]}
    assert post_json(bearer(viewer), _url(initiative), data).status_code == 403
    assert bearer(outsider).get(_url(initiative)).status_code == 404
    assert post_json(bearer(outsider), _url(initiative), data).status_code == 404


def test_initiative_output_has_planned_and_spent(bearer, member, initiative):
    initiative.investment_budget = Decimal(80000)
    initiative.save()
    post_json(
        bearer(member), _url(initiative), {"months": [{"month": "2026-01", "amount_eur": 500}]}
    )
    data = bearer(member).get(f"/api/v1/initiatives/{initiative.pk}").json()
    assert (data["planned_eur"], data["spent_eur"]) == (80000.0, 500.0)
