"""Dates as Finns read them in all three languages (issue 13, item 3): day-month-year, the 24-hour
clock, short dates in tables, long ones in headings and sentences, never 12/08/2026 or "5:35 p.m."
and never an ISO date inside Finnish or Swedish text."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from metrics.charts import date_axis
from renewal.formatting import (
    d3_date_format,
    date_time,
    long_date,
    month_year,
    short_date,
    weekday_date,
)

DAY = date(2026, 8, 12)
# 14:35 UTC is 17:35 in Helsinki in summer: the afternoon, where a.m./p.m. would show.
MOMENT = datetime(2026, 8, 12, 14, 35, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "short", "long", "moment"),
    [
        ("en", "12 Aug 2026", "12 August 2026", "12 Aug 2026 17:35"),
        ("fi", "12.8.2026", "12. elokuuta 2026", "12.8.2026 17.35"),
        ("sv", "12.8.2026", "12 augusti 2026", "12.8.2026 17:35"),
    ],
)
def test_dates_read_day_month_year_on_the_24_hour_clock(language, short, long, moment):
    with translation.override(language):
        assert short_date(DAY) == short
        assert long_date(DAY) == long
        assert date_time(MOMENT) == moment


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "August 2026"), ("fi", "elokuu 2026"), ("sv", "augusti 2026")],
)
def test_a_month_is_written_out_not_as_an_iso_month(language, expected):
    with translation.override(language):
        assert month_year(date(2026, 8, 1)) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Wednesday 12 August 2026"),
        ("fi", "keskiviikko 12. elokuuta 2026"),
        ("sv", "onsdag 12 augusti 2026"),
    ],
)
def test_a_date_with_its_weekday_for_reminders(language, expected):
    with translation.override(language):
        assert weekday_date(DAY) == expected


def test_helpers_take_iso_text_and_show_an_empty_value_as_a_dash():
    with translation.override("en"):
        assert short_date("2026-08-12") == "12 Aug 2026"
        assert long_date("2026-08-12") == "12 August 2026"
        assert [short_date(None), long_date(""), date_time(None), month_year(None)] == ["—"] * 4
        # A plain date where a moment was expected reads as a short date, not midnight.
        assert date_time(DAY) == "12 Aug 2026"


@pytest.mark.parametrize("language", ["en", "fi", "sv"])
def test_no_language_writes_an_american_or_iso_date(language):
    with translation.override(language):
        for text in (short_date(DAY), long_date(DAY), date_time(MOMENT)):
            assert "08/12" not in text and "12/08" not in text
            assert "2026-08-12" not in text
            assert "a.m." not in text and "p.m." not in text and "PM" not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "12 Aug 2026 · 12 August 2026 · 12 Aug 2026 17:35 · August 2026"),
        ("fi", "12.8.2026 · 12. elokuuta 2026 · 12.8.2026 17.35 · elokuu 2026"),
        ("sv", "12.8.2026 · 12 augusti 2026 · 12.8.2026 17:35 · augusti 2026"),
    ],
)
def test_templates_use_the_same_helpers_as_filters(language, expected):
    template = Template(
        "{% load renewal %}{{ day|short_date }} · {{ day|long_date }} · "
        "{{ moment|date_time }} · {{ day|month_year }}"
    )
    with translation.override(language):
        assert template.render(Context({"day": DAY, "moment": MOMENT})) == expected


@pytest.mark.parametrize(
    ("language", "day", "months"),
    [("en", "%-d %b %Y", "%B %Y"), ("fi", "%-d.%-m.%Y", "%B %Y"), ("sv", "%-d.%-m.%Y", "%B %Y")],
)
def test_chart_axes_write_dates_as_the_tables_do(language, day, months):
    with translation.override(language):
        assert d3_date_format() == day
        assert date_axis() == {"type": "date", "tickformat": day, "hoverformat": day}
        assert date_axis(months=True)["hoverformat"] == months
        # Plotly's own default would start with the month ("Aug 12"): never on our axes.
        assert not date_axis(months=True)["tickformat"].startswith("%b %-d")


def test_swedish_date_fields_read_day_first_as_finland_swedes_type():
    from django import forms

    field = forms.DateField()
    with translation.override("sv"):
        assert field.clean("12.8.2026") == DAY
        assert field.clean("2026-08-12") == DAY
        with pytest.raises(forms.ValidationError):
            field.clean("08/12/2026")  # Django's Swedish would read it as 12 August


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Lead time 12 Aug 2026: 119"), ("fi", "Lead time 12.8.2026: 119")],
)
def test_the_history_names_a_measurement_with_a_readable_date(language, expected):
    from renewal.history import readable_dates

    with translation.override(language):
        assert readable_dates("Lead time 2026-08-12: 119") == expected
        assert readable_dates("Version 2026-13-45") == "Version 2026-13-45"  # not a date
