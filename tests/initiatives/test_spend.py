"""Budget and spend: the rules at their edges, the page per persona, the import all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from initiatives.models import BudgetYear, Initiative, MonthlySpend, State
from initiatives.spend import (
    DuplicateSpend,
    SpendError,
    SpendItem,
    check_month,
    parse_amount,
    parse_month,
    parse_person_months,
    spend_summary,
    write_spend,
)
from renewal.models import AuditEntry

TODAY = date(2026, 6, 15)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel("2026-06-15 12:00 +03:00", tick=False):
        yield


def _code(call, *args):
    with pytest.raises(SpendError) as caught:
        call(*args)
    return caught.value.code


# The rules -------------------------------------------------------------------------------------


def test_amounts_are_read_as_people_write_them():
    assert parse_amount("1 200,50") == Decimal("1200.50")
    assert parse_amount(1200.5) == Decimal("1200.50")
    assert parse_amount("0") == Decimal("0.00")


def test_an_amount_is_never_negative_exponent_nan_or_over_two_decimals():
    assert _code(parse_amount, "-1") == "negative"
    assert _code(parse_amount, "1e6") == "exponent"
    assert _code(parse_amount, "NaN") == "not_finite"
    assert _code(parse_amount, float("inf")) == "not_finite"
    assert _code(parse_amount, "12.345") == "too_many_digits"
    assert _code(parse_amount, "") == "missing_value"
    assert _code(parse_amount, "lots") == "bad_number"


def test_person_months_are_optional():
    assert parse_person_months("") is None
    assert parse_person_months("2,5") == Decimal("2.50")
    assert _code(parse_person_months, "-0.5") == "negative"


def test_months_are_read_in_the_usual_ways():
    march = date(2026, 3, 1)
    assert parse_month("2026-03") == march
    assert parse_month("3/2026") == march
    assert parse_month("3.2026") == march
    assert parse_month("03/2026") == march
    assert parse_month("2026-03-01") == march
    assert parse_month(date(2026, 3, 17)) == march  # an Excel date cell
    for text in ("2026-13", "13/2026", "March", "2026/03", "１/2026", "2026-03-15"):
        assert _code(parse_month, text) == "bad_month", text
    assert _code(parse_month, "  ") == "missing_month"


def test_this_month_may_be_recorded_but_not_the_next():
    check_month(date(2026, 6, 1), TODAY)
    assert _code(check_month, date(2026, 7, 1), TODAY) == "future_month"


def test_a_month_already_recorded_is_replaced_only_when_asked(initiative, member):
    item = SpendItem(date(2026, 3, 1), Decimal(1000))
    assert write_spend(member, initiative, [item], replace=False) == (1, 0)
    with pytest.raises(DuplicateSpend):
        write_spend(member, initiative, [SpendItem(date(2026, 3, 1), Decimal(5))], replace=False)
    assert MonthlySpend.objects.get().amount_eur == Decimal(1000)
    assert write_spend(
        member, initiative, [SpendItem(date(2026, 3, 1), Decimal(1500))], replace=True
    ) == (0, 1)
    row = MonthlySpend.objects.get()
    assert row.amount_eur == Decimal(1500)
    assert AuditEntry.objects.filter(object_id=str(row.pk), actor=member).count() == 2


def test_planned_is_the_yearly_budgets_or_else_the_investment_budget(initiative, member):
    initiative.investment_budget = Decimal(300000)
    initiative.save()
    summary = spend_summary(initiative, TODAY)
    assert summary.planned == Decimal(300000)
    BudgetYear.objects.create(initiative=initiative, year=2025, amount_eur=Decimal(100000))
    BudgetYear.objects.create(initiative=initiative, year=2026, amount_eur=Decimal(150000))
    write_spend(
        member,
        initiative,
        [
            SpendItem(date(2025, 12, 1), Decimal(40000)),
            SpendItem(date(2026, 1, 1), Decimal(10000), Decimal("1.5")),
        ],
        replace=False,
    )
    summary = spend_summary(initiative, TODAY)
    assert summary.planned == Decimal(250000)
    assert summary.spent == Decimal(50000)
    assert summary.spent_this_year == Decimal(10000)
    assert summary.budget_this_year == Decimal(150000)
    assert [p["planned"] for p in summary.cumulative] == [Decimal(100000), Decimal(250000)]
    assert [p["spent"] for p in summary.cumulative] == [Decimal(40000), Decimal(50000)]


# The page --------------------------------------------------------------------------------------


def _url(initiative):
    return reverse("initiatives:spend", args=[initiative.pk])


def test_member_records_a_month_and_sees_the_total(member_client, initiative):
    response = member_client.post(
        _url(initiative),
        {"form": "month", "month": "2026-05", "amount_eur": "12 500,00", "person_months": "2"},
        follow=True,
    )
    assert response.status_code == 200
    row = MonthlySpend.objects.get(initiative=initiative)
    assert (row.month, row.amount_eur, row.person_months) == (
        date(2026, 5, 1),
        Decimal("12500.00"),
        Decimal("2.00"),
    )
    assert "12,500" in response.content.decode() or "12 500" in response.content.decode()


def test_member_is_told_next_to_the_field_about_a_future_month(member_client, initiative):
    response = member_client.post(
        _url(initiative), {"form": "month", "month": "2026-07", "amount_eur": "-5"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Spend cannot be recorded for a future month." in page
    assert "An amount cannot be negative." in page
    assert 'value="2026-07"' in page  # what was typed stays
    assert not MonthlySpend.objects.exists()


def test_a_second_entry_for_a_month_points_to_the_edit(member_client, member, initiative):
    write_spend(member, initiative, [SpendItem(date(2026, 5, 1), Decimal(1))], replace=False)
    response = member_client.post(
        _url(initiative), {"form": "month", "month": "5/2026", "amount_eur": "9"}
    )
    assert response.status_code == 400
    assert "already recorded. Edit that month instead." in response.content.decode()
    assert MonthlySpend.objects.get().amount_eur == Decimal(1)


def test_member_edits_and_removes_a_month(member_client, member, initiative):
    write_spend(member, initiative, [SpendItem(date(2026, 5, 1), Decimal(1))], replace=False)
    row = MonthlySpend.objects.get()
    edit = reverse("initiatives:spend_edit", args=[initiative.pk, "months", row.pk])
    response = member_client.post(
        edit,
        {"month": "2026-05", "amount_eur": "2", "person_months": "", "note": "fixed", "version": 1},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.amount_eur, row.note, row.version) == (Decimal(2), "fixed", 2)
    stale = member_client.post(
        edit, {"month": "2026-05", "amount_eur": "3", "note": "", "version": 1}
    )
    assert stale.status_code == 400
    assert "saved a change while you were editing" in stale.content.decode()
    remove = reverse("initiatives:spend_remove", args=[initiative.pk, "months", row.pk])
    assert member_client.post(remove).status_code == 302
    assert not MonthlySpend.objects.exists()


def test_member_adds_a_yearly_budget_once(member_client, initiative):
    data = {"form": "year", "year": "2026", "amount_eur": "150000"}
    assert member_client.post(_url(initiative), data).status_code == 302
    again = member_client.post(_url(initiative), {**data, "amount_eur": "1"})
    assert again.status_code == 400
    assert BudgetYear.objects.get().amount_eur == Decimal(150000)
    bad = member_client.post(_url(initiative), {"form": "year", "year": "1800", "amount_eur": "1"})
    assert "Enter a year between 1900 and 2100." in bad.content.decode()


def test_viewer_reads_and_cannot_write(viewer_client, member, initiative):
    write_spend(member, initiative, [SpendItem(date(2026, 5, 1), Decimal(700))], replace=False)
    row = MonthlySpend.objects.get()
    page = viewer_client.get(_url(initiative))
    assert page.status_code == 200
    assert "Record a month&#x27;s spend" not in page.content.decode()
    assert (
        viewer_client.post(
            _url(initiative), {"form": "month", "month": "2026-04", "amount_eur": "1"}
        ).status_code
        == 403
    )
    remove = reverse("initiatives:spend_remove", args=[initiative.pk, "months", row.pk])
    assert viewer_client.post(remove).status_code == 403
    assert (
        viewer_client.get(reverse("initiatives:spend_import", args=[initiative.pk])).status_code
        == 403
    )
    assert MonthlySpend.objects.count() == 1


def test_outsider_does_not_find_the_page(outsider_client, initiative):
    assert outsider_client.get(_url(initiative)).status_code == 404
    assert (
        outsider_client.post(
            _url(initiative), {"form": "month", "month": "2026-04", "amount_eur": "1"}
        ).status_code
        == 404
    )


def test_officer_of_the_funder_applied_to_reads(officer_client, submitted):
    initiative = submitted.initiative
    assert officer_client.get(_url(initiative)).status_code == 200
    response = officer_client.post(
        _url(initiative), {"form": "month", "month": "2026-04", "amount_eur": "1"}
    )
    assert response.status_code == 403


def test_a_stopped_initiative_is_read_only(member_client, initiative):
    initiative.state = State.STOPPED
    initiative.save()
    page = member_client.get(_url(initiative))
    assert page.status_code == 200
    assert "can be read, not changed" in page.content.decode()
    response = member_client.post(
        _url(initiative), {"form": "month", "month": "2026-04", "amount_eur": "1"}
    )
    assert response.status_code == 403


def test_another_initiatives_row_is_not_found(
    member_client, member, initiative, make_initiative, agency_a
):
    other = make_initiative(agency_a, member, title="Other")
    write_spend(member, other, [SpendItem(date(2026, 5, 1), Decimal(1))], replace=False)
    row = MonthlySpend.objects.get()
    edit = reverse("initiatives:spend_edit", args=[initiative.pk, "months", row.pk])
    assert member_client.get(edit).status_code == 404
    bad_kind = reverse("initiatives:spend_edit", args=[initiative.pk, "kpis", row.pk])
    assert member_client.get(bad_kind).status_code == 404


# The import ------------------------------------------------------------------------------------


def _upload(client, initiative, text, name="spend.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("initiatives:spend_import", args=[initiative.pk]), {"file": file})


def _confirm(client, initiative, preview, **extra):
    payload = preview.context["payload"]
    url = reverse("initiatives:spend_import_confirm", args=[initiative.pk])
    return client.post(url, {"payload": payload, **extra})


def test_import_previews_then_stores_every_row(member_client, initiative):
    preview = _upload(
        member_client,
        initiative,
        "month;amount_eur;person_months;note\n2026-01;10 000,00;2;January\n2/2026;12000;;\n",
    )
    assert preview.status_code == 200
    assert not MonthlySpend.objects.exists()  # nothing stored by the preview
    assert _confirm(member_client, initiative, preview).status_code == 302
    assert list(MonthlySpend.objects.order_by("month").values_list("amount_eur", flat=True)) == [
        Decimal(10000),
        Decimal(12000),
    ]


def test_import_with_a_bad_row_stores_nothing_and_says_why_beside_it(member_client, initiative):
    preview = _upload(
        member_client,
        initiative,
        "month,amount_eur\n2026-01,100\n2026-01,200\n2026-02,1e5\n2026-09,5\n",
    )
    page = preview.content.decode()
    assert "The same month as row 2." in page
    assert "exponent notation" in page
    assert "future month" in page
    assert preview.context["payload"] is None
    assert not MonthlySpend.objects.exists()


def test_import_asks_to_replace_or_keep_a_recorded_month(member_client, member, initiative):
    write_spend(member, initiative, [SpendItem(date(2026, 1, 1), Decimal(1))], replace=False)
    text = "month,amount_eur\n2026-01,100\n2026-02,200\n"
    preview = _upload(member_client, initiative, text)
    assert "Replaces the stored amount" in preview.content.decode()
    _confirm(member_client, initiative, preview)  # no choice: nothing stored
    assert MonthlySpend.objects.count() == 1
    _confirm(member_client, initiative, preview, existing="keep")
    assert MonthlySpend.objects.get(month=date(2026, 1, 1)).amount_eur == Decimal(1)
    assert MonthlySpend.objects.get(month=date(2026, 2, 1)).amount_eur == Decimal(200)
    preview = _upload(member_client, initiative, text)
    _confirm(member_client, initiative, preview, existing="replace")
    assert MonthlySpend.objects.get(month=date(2026, 1, 1)).amount_eur == Decimal(100)


def test_import_refuses_a_file_without_the_columns(member_client, initiative):
    response = _upload(member_client, initiative, "kpi,value\n1,2\n")
    assert "The first row must name the columns: month, amount_eur" in response.content.decode()


def test_a_forged_preview_stores_nothing(member_client, initiative):
    url = reverse("initiatives:spend_import_confirm", args=[initiative.pk])
    assert member_client.post(url, {"payload": "x"}).status_code == 302
    assert not MonthlySpend.objects.exists()


# Planned vs spent everywhere -------------------------------------------------------------------


def test_portfolio_shows_planned_and_spent(
    leader_client, member, initiative, make_initiative, agency_a
):
    BudgetYear.objects.create(initiative=initiative, year=2026, amount_eur=Decimal(200000))
    write_spend(member, initiative, [SpendItem(date(2026, 2, 1), Decimal(30000))], replace=False)
    make_initiative(agency_a, member, title="Only a total", investment_budget=Decimal(90000))
    response = leader_client.get(reverse("initiatives:portfolio"))
    rows = {r.initiative.title: r for r in response.context["portfolio"].rows}
    assert (rows[initiative.title].budget_eur, rows[initiative.title].spent_eur) == (
        Decimal(200000),
        Decimal(30000),
    )
    assert (rows["Only a total"].budget_eur, rows["Only a total"].spent_eur) == (Decimal(90000), 0)
    assert response.context["totals"]["spent"] == Decimal(30000)
    point = response.context["figures"]["investment"]["data"][0]
    assert point["x"] == [30000.0, 0.0] or sorted(point["x"]) == [0.0, 30000.0]
    export = leader_client.get(reverse("initiatives:portfolio_export", args=["csv"]))
    text = export.content.decode("utf-8-sig")
    assert "Planned budget (EUR)" in text and "Spent (EUR)" in text


def test_demo_initiatives_have_their_own_budget_and_spend(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_scale", initiatives=3, kpis_per_initiative=1, measurements_per_kpi=1)
    totals = {}
    for initiative in Initiative.objects.all():
        summary = spend_summary(initiative, TODAY)
        assert summary.years and summary.months, initiative.title
        assert all(m.month <= TODAY.replace(day=1) for m in summary.months)
        totals[initiative.title] = [m.amount_eur for m in summary.months]
    figures = [tuple(v) for v in totals.values()]
    assert len(set(figures)) == len(figures)  # no initiative copies another's spend
