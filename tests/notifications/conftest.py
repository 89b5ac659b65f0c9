"""Reminder fixtures: an initiative in phase 4 with a review rhythm, and moments in Helsinki.

`reviewed` is the persona initiative (agency A, owned by `leader`, `member` on the team) moved to
phase 4 with weekly reviews on Tuesdays and monthly reviews on the 15th. `at("2026-11-23 09:00")`
is that wall-clock time in Europe/Helsinki as an aware datetime, the `now` every sweep takes.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from initiatives.models import Phase
from metrics.models import KPI, Cadence, Direction, ValueArea

HELSINKI = ZoneInfo("Europe/Helsinki")
TUESDAY, MONDAY = 1, 0


def at(text: str, zone: str = "Europe/Helsinki") -> datetime:
    """A wall-clock time in a time zone (Helsinki unless told), DST included, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


@pytest.fixture
def reviewed(initiative):
    initiative.phase = Phase.EXECUTION
    initiative.weekly_review_weekday = TUESDAY
    initiative.monthly_review_day = 15
    initiative.save()
    return initiative


@pytest.fixture
def make_monthly_kpi():
    """`make_monthly_kpi(initiative, owner, baseline_date, **fields)`: a KPI measured monthly."""

    def make(initiative, owner, baseline_date, **fields) -> KPI:
        values = {
            "name": "Share of applications filed digitally",
            "unit": "%",
            "direction": Direction.HIGHER,
            "value_area": ValueArea.CURRENT_VALUE,
            "baseline_value": Decimal(45),
            "baseline_date": baseline_date,
            "target_value": Decimal(85),
            "target_date": baseline_date.replace(year=baseline_date.year + 2),
            "cadence": Cadence.MONTHLY,
            "owner": owner,
        }
        values.update(fields)
        return KPI.objects.create(initiative=initiative, **values)

    return make


@pytest.fixture
def outbox(settings):
    """The memory outbox, emptied; `outbox.to(user)` lists the messages one person received."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []

    class Outbox:
        @staticmethod
        def all():
            return mail.outbox

        @staticmethod
        def to(user):
            return [m for m in mail.outbox if user.email in m.to]

    return Outbox()
