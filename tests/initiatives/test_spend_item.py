"""One row of spend as the import and the API check it: every problem named by its field."""

from datetime import date
from decimal import Decimal

from initiatives.spend import SpendItem, spend_item

TODAY = date(2026, 3, 14)


def test_a_good_row_is_one_item_with_the_month_s_first_day():
    item, errors = spend_item(
        {"month": "3/2026", "amount_eur": "1 200,50", "person_months": "", "note": " March "},
        TODAY,
    )

    assert errors == {}
    assert item == SpendItem(date(2026, 3, 1), Decimal("1200.50"), None, "March")


def test_every_bad_field_is_reported_at_once_and_nothing_is_written():
    item, errors = spend_item(
        {"month": "March", "amount_eur": "-5", "person_months": "1e3", "note": "x" * 501},
        TODAY,
    )

    assert item is None
    assert {name: e.code for name, e in errors.items()} == {
        "month": "bad_month",
        "amount_eur": "negative",
        "person_months": "exponent",
        "note": "note_too_long",
    }


def test_a_future_month_is_refused_under_the_month():
    item, errors = spend_item({"month": "2026-04", "amount_eur": "10"}, TODAY)

    assert item is None
    assert list(errors) == ["month"]
    assert errors["month"].message == "Spend cannot be recorded for a future month."
