"""The demo data command: what `make run` shows a first-time visitor."""

import io
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from initiatives.models import Benefit, Dataset, GateDecision, Initiative
from initiatives.portfolio import portfolio_rows
from initiatives.signals import LABELS, READY_TO_SCALE
from metrics.models import KPI, Measurement
from notifications.models import EmailStatus, Kind, Notification
from notifications.services import last_daytime
from organisations.models import Membership, Organisation, User
from renewal.models import AuditEntry

DEMO_USERS = {"leader", "member", "viewer", "officer", "outsider", "registrar", "cityleader"}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            User,
            Membership,
            Initiative,
            KPI,
            Measurement,
            GateDecision,
            AuditEntry,
        )
    }


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_seed_demo_creates_the_demo_organisations_users_and_initiatives(db, debug):
    output = seed()

    assert "Demo data ready: 5 organisations, 8 users (password 'demo'), 13 new initiatives," in (
        output
    )
    assert Organisation.objects.count() == 5
    ministry = Organisation.objects.get(kind=Organisation.Kind.MINISTRY)
    assert ministry.children.count() == 2
    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERS | {"admin"}
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="leader").check_password("demo")
    assert Initiative.objects.count() == 13
    assert set(Initiative.objects.values_list("phase", flat=True)) == {1, 2, 3, 4, 5}


def test_seeded_personas_see_what_the_demo_promises(db, debug):
    seed()
    users = {user.username: user for user in User.objects.all()}

    assert Initiative.objects.visible_to(users["leader"]).count() == 8
    assert Initiative.objects.visible_to(users["member"]).count() == 4
    assert Initiative.objects.visible_to(users["viewer"]).count() == 8
    assert Initiative.objects.visible_to(users["outsider"]).count() == 5
    # The officer sees the six initiatives that applied to Sitra (not the draft's, not the city's).
    assert Initiative.objects.visible_to(users["officer"]).count() == 6
    assert not Initiative.objects.visible_to(users["officer"]).filter(
        organisation__kind="municipality"
    )


def test_seed_demo_is_safe_to_run_twice(db, debug):
    seed()
    first = counts()

    output = seed()

    assert counts() == first
    assert "0 new initiatives, 0 new reminders." in output


def test_the_demo_leader_finds_reminders_waiting_and_nothing_was_e_mailed(db, debug, mailoutbox):
    seed()
    leader = User.objects.get(username="leader")

    reminders = Notification.objects.for_recipient(leader)
    assert reminders.filter(kind=Kind.PORTFOLIO_DIGEST).count() == 1
    assert reminders.unread().count() >= 1
    assert not mailoutbox
    assert set(Notification.objects.values_list("email_status", flat=True)) <= {
        EmailStatus.PENDING,
        EmailStatus.NOT_WANTED,
    }


def test_the_demo_reminders_are_recorded_at_daytime_even_at_night(db, debug):
    night = datetime(2026, 11, 23, 2, 30, tzinfo=ZoneInfo("Europe/Helsinki"))
    noon_before = datetime(2026, 11, 22, 12, 0, tzinfo=ZoneInfo("Europe/Helsinki"))

    assert last_daytime(night, "Europe/Helsinki") == noon_before
    afternoon = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    assert last_daytime(afternoon, "Europe/Helsinki") == afternoon


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing to create users with the password 'demo'"):
        seed()

    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_the_demo_funding_history_names_the_people_who_acted(db, debug):
    seed()
    officer = User.objects.get(username="officer")
    granted = AuditEntry.objects.filter(changes__state__1="granted")

    assert granted.exists()
    assert {entry.actor for entry in granted} == {officer}


def test_every_paradox_signal_fires_for_a_demo_initiative_and_one_is_ready_to_scale(db, debug):
    seed()
    rows = portfolio_rows(Initiative.objects.all(), timezone.localdate())
    fired = defaultdict(set)
    for row in rows:
        for code in row.radar.codes:
            fired[code].add(row.initiative.title)

    assert set(fired) == set(LABELS), f"never fires: {set(LABELS) - set(fired)}"
    assert "Ministry-wide benefits tracking" in fired["money_no_change"]
    assert "Home care route optimisation" in fired["continuing_despite_failing"]
    ready = [r.initiative for r in rows if r.verdict == READY_TO_SCALE]
    assert [(i.title, i.phase) for i in ready] == [("Purchase invoice automation", 5)]


def test_demo_initiatives_have_their_own_benefits_and_datasets(db, debug):
    seed()

    for model, field in ((Benefit, "description"), (Dataset, "name"), (Dataset, "known_issues")):
        shared = (
            model.objects.values(field)
            .annotate(n=Count("initiative", distinct=True))
            .filter(n__gt=1)
        )
        assert not shared, f"copied between initiatives: {list(shared)}"
