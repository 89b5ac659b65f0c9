"""The funding officer's workspace: the funded portfolio they land on (issue 12, item 1).

The fixtures, all on one fixed day, and what the officer of Sitra should read from them:

* Permit service (agency A) applied to the renewal call and was granted. It committed 180,000
  EUR/year (due in 200 days), 2 FTE (due 30 days ago) and a 50,000 EUR dis-benefit; realised
  45,000 EUR and 0.5 FTE so far (and 1,000 EUR dated next week, not counted yet).
  → rates 25 % and 25 %; the FTE benefit is overdue.
* Case platform (agency B) applied to the data call and was granted. It committed 100,000
  EUR/year due in 10 days and realised 20,000 EUR → 20 %, due soon. Since then its KPI target
  was lowered from 50 to 40 (weakened) and the initiative put on hold.
* Self-service (the ministry) applied to the renewal call: submitted, waiting for review.
* Not listed: the City of Lahti's initiative (never applied), a draft, and an application to
  another funder.
Totals over the two granted: 280,000 EUR/year committed, 65,000 realised (23.2 %); 2 FTE and 0.5.
"""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import FundingApplication, FundingCall
from funding.workspace import build_workspace
from initiatives.models import Benefit, BenefitKind, BenefitUnit, Initiative, RealisedBenefit
from initiatives.models import State as InitiativeState
from initiatives.models.planning import ShowsIn
from metrics.models import KPI, Direction
from organisations.models import Membership, Organisation
from tests.conftest import make_user

DAY = date(2026, 6, 15)
URL = reverse("funding:workspace")


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(f"{DAY.isoformat()} 12:00 +03:00", tick=False):
        yield


def _benefit(initiative, description, quantity, unit, days, **extra):
    return Benefit.objects.create(
        initiative=initiative,
        description=description,
        kind=BenefitKind.CASHABLE,
        quantity=Decimal(quantity),
        unit=unit,
        expected_date=DAY + timedelta(days=days),
        **extra,
    )


def _realise(benefit, amount, days_ago, **figures):
    return RealisedBenefit.objects.create(
        benefit=benefit,
        date=DAY - timedelta(days=days_ago),
        amount=Decimal(amount),
        evidence="Budget follow-up",
        shows_in=ShowsIn.BUDGET,
        **{k: Decimal(v) for k, v in figures.items()},
    )


def _apply(initiative, call):
    return FundingApplication.objects.create(
        initiative=initiative,
        call=call,
        amount_requested=Decimal(250000),
        period_start=DAY,
        period_end=DAY + timedelta(days=365),
        created_by=initiative.owner,
    )


def _grant(application, leader, officer):
    application.submit(leader)
    application.start_review(officer)
    application.grant(officer, "Granted.")
    return application


@pytest.fixture
def data_call(funder):
    return FundingCall.objects.create(
        funder=funder,
        name="Sitra data call",
        opens_on=DAY - timedelta(days=60),
        closes_on=DAY + timedelta(days=10),
    )


@pytest.fixture
def portfolio(
    make_application,
    make_initiative,
    make_kpi,
    initiative,
    kpi,
    benefit,
    data_call,
    agency_b,
    ministry,
    leader,
    officer,
    city_initiative,
):
    permit = initiative
    fte = _benefit(permit, "Permit desk staff freed", 2, BenefitUnit.FTE, -30)
    _benefit(permit, "Licence fees", 50000, BenefitUnit.EUR_PER_YEAR, 100, is_disbenefit=True)
    app1 = _grant(make_application(permit), leader, officer)
    _realise(benefit, 45000, 5, eur=45000)
    _realise(benefit, 1000, -7, eur=1000)  # next week: not realised yet
    _realise(fte, "0.5", 40, fte="0.5")

    case = make_initiative(agency_b, leader, title="Shared case-management platform")
    case_kpi = make_kpi(
        case,
        name="Cases closed online",
        unit="%",
        direction=Direction.HIGHER,
        baseline_value=Decimal(10),
        target_value=Decimal(50),
    )
    saving = _benefit(case, "Fewer paper cases", 100000, BenefitUnit.EUR_PER_YEAR, 10)
    app2 = _grant(_apply(case, data_call), leader, officer)
    _realise(saving, 20000, 3, eur=20000)
    KPI.objects.filter(pk=case_kpi.pk).update(target_value=Decimal(40))
    Initiative.objects.filter(pk=case.pk).update(state=InitiativeState.ON_HOLD)

    service = make_initiative(ministry, leader, title="Self-service for company changes")
    _benefit(service, "Fewer phone calls", 10000, BenefitUnit.EUR_PER_YEAR, 300)
    app3 = make_application(service)
    app3.submit(leader)

    # Never on the officer's page: a draft, and an application to another funder.
    make_application(make_initiative(ministry, leader, title="Drafted archive renewal"))
    other = Organisation.objects.create(name="Business Finland", kind=Organisation.Kind.FUNDER)
    other_call = FundingCall.objects.create(
        funder=other, name="Growth call", opens_on=DAY, closes_on=DAY + timedelta(days=9)
    )
    elsewhere = make_initiative(ministry, leader, title="Export advice chatbot")
    _apply(elsewhere, other_call).submit(leader)
    return {"permit": app1, "case": app2, "service": app3}


HIDDEN = ("Home care route optimisation", "Drafted archive renewal", "Export advice chatbot")


def test_totals_and_rates_by_call_and_year_are_the_hand_computed_ones(officer, portfolio):
    workspace = build_workspace(officer, {})
    assert {r.application for r in workspace.rows} == set(portfolio.values())
    totals = workspace.totals
    assert (totals.count, totals.committed_eur, totals.realised_eur) == (2, 280000, 65000)
    assert totals.eur_rate.quantize(Decimal("0.001")) == Decimal("0.232")
    assert (totals.committed_fte, totals.realised_fte, totals.fte_rate) == (
        2,
        Decimal("0.5"),
        Decimal("0.25"),
    )
    groups = {(g.call.name, g.year): g for g in workspace.by_call_and_year()}
    renewal, data = groups[("Sitra renewal call", 2026)], groups[("Sitra data call", 2026)]
    assert (renewal.count, renewal.committed_eur, renewal.realised_eur, renewal.eur_rate) == (
        1,
        180000,
        45000,
        Decimal("0.25"),
    )
    assert (data.committed_eur, data.realised_eur, data.eur_rate) == (100000, 20000, Decimal("0.2"))
    assert len(groups) == 2  # the submitted application is not granted: in no group


def test_signals_name_due_weakened_stopped_and_waiting(officer, portfolio):
    rows = {r.application: r for r in build_workspace(officer, {}).rows}
    permit, case, service = (rows[portfolio[k]] for k in ("permit", "case", "service"))
    assert [b.committed.description for b in permit.due] == ["Permit desk staff freed"]
    assert permit.overdue == 1
    assert [b.committed.description for b in case.due] == ["Fewer paper cases"]
    assert case.overdue == 0  # due in ten days, within the reminder lead time
    assert [c.committed.name for c, _labels in case.weakened] == ["Cases closed online"]
    assert case.stopped and not permit.stopped
    assert service.waiting and not case.waiting
    assert {"due"} <= permit.signals and not {"weakened", "stopped", "waiting"} & permit.signals
    assert {"due", "weakened", "stopped"} <= case.signals and "waiting" not in case.signals


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"signal": "weakened"}, {"case"}),
        ({"signal": "stopped"}, {"case"}),
        ({"signal": "waiting"}, {"service"}),
        ({"signal": "due"}, {"permit", "case"}),
        ({"state": "submitted"}, {"service"}),
        ({"state": "granted"}, {"permit", "case"}),
    ],
)
def test_filters_by_signal_and_state(officer_client, portfolio, params, expected):
    response = officer_client.get(URL, params)
    listed = {r.application for r in response.context["workspace"].rows}
    assert listed == {portfolio[k] for k in expected}


def test_filters_by_one_paradox_signal(officer_client, portfolio, leader):
    # The permit service names an owner for every KPI and benefit: the others still do not.
    permit = portfolio["permit"].initiative
    KPI.objects.filter(initiative=permit).update(owner=leader)
    Benefit.objects.filter(initiative=permit).update(owner=leader)
    response = officer_client.get(URL, {"signal": "nobody_owns_it"})
    listed = {r.application for r in response.context["workspace"].rows}
    assert listed == {portfolio["case"], portfolio["service"]}


def test_filters_by_call_and_organisation_with_its_suborganisations(
    officer_client, portfolio, data_call, agency_a, ministry
):
    def listed(params):
        rows = officer_client.get(URL, params).context["workspace"].rows
        return {r.initiative.title for r in rows}

    assert listed({"call": data_call.pk}) == {"Shared case-management platform"}
    assert listed({"organisation": agency_a.pk}) == {"Digital environmental permit service"}
    assert len(listed({"organisation": ministry.pk})) == 3  # the ministry and both agencies


def test_a_bad_filter_is_a_400_with_the_message_by_the_field(officer_client, portfolio):
    response = officer_client.get(URL, {"call": "999999", "state": "draft"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_call_error"' in page and 'id="id_state_error"' in page


def test_the_page_lists_and_drills_down(officer_client, portfolio, data_call):
    response = officer_client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert portfolio["case"].get_absolute_url() in page
    assert "figure-benefit" in page and "figure-signals" in page
    figure = response.context["figures"]["benefit"]
    assert f"call={data_call.pk}" in " ".join(figure["data"][0]["customdata"])
    assert "23\u00a0%" in page  # the realisation rate over both grants


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_exports_hold_exactly_the_filtered_rows(officer_client, portfolio, data_call):
    export = reverse("funding:workspace_export", args=["csv"])
    everything = _csv_rows(officer_client.get(export))
    assert len(everything) == 1 + 3
    filtered = _csv_rows(officer_client.get(export, {"signal": "waiting"}))
    assert [row[0] for row in filtered[1:]] == ["Self-service for company changes"]
    xlsx = officer_client.get(
        reverse("funding:workspace_export", args=["xlsx"]), {"call": data_call.pk}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Shared case-management platform"]
    header = list(rows[0])
    assert rows[1][header.index("Realised benefit (EUR)")] == 20000
    assert rows[1][header.index("Realisation rate (EUR)")] == 0.2


def test_an_officer_never_sees_what_did_not_apply_to_their_funder(officer_client, portfolio):
    page = officer_client.get(URL).content.decode()
    for fmt in ("csv", "xlsx"):
        response = officer_client.get(reverse("funding:workspace_export", args=[fmt]))
        if fmt == "csv":
            text = response.content.decode("utf-8-sig")
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
        for title in HIDDEN:
            assert title not in text
    for title in HIDDEN:
        assert title not in page
    # Not even by name in the filters: the organisation that never applied, the other funder's call.
    assert "City of Lahti" not in page and "Growth call" not in page


def test_another_funders_officer_sees_none_of_it(portfolio):
    other = Organisation.objects.get(name="Business Finland")
    bea = make_user("bea", "Bea", "Berg", other, Membership.Role.FUNDING_OFFICER)
    titles = {r.initiative.title for r in build_workspace(bea, {}).rows}
    assert titles == {"Export advice chatbot"}


@pytest.mark.parametrize("name", ["funding:workspace", "funding:workspace_export"])
def test_only_funding_officers_open_the_workspace(leader_client, outsider_client, portfolio, name):
    url = reverse(name) if name == "funding:workspace" else reverse(name, args=["csv"])
    assert leader_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 403


def test_the_workspace_writes_nothing(officer_client, portfolio):
    assert officer_client.post(URL).status_code == 405


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_page_reads_the_same_number_of_queries_for_three_or_nine_applications(
    officer_client,
    portfolio,
    make_application,
    make_initiative,
    make_kpi,
    agency_b,
    leader,
    officer,
):
    few = _queries(officer_client)
    for n in range(6):
        more = make_initiative(agency_b, leader, title=f"Renewal {n}")
        make_kpi(more)
        saving = _benefit(more, f"Saving {n}", 1000 * (n + 1), BenefitUnit.EUR_PER_YEAR, -5)
        _grant(make_application(more), leader, officer)
        _realise(saving, 100, 1, eur=100)
    assert FundingApplication.objects.reviewable_by(officer).count() == 9
    assert _queries(officer_client) == few
