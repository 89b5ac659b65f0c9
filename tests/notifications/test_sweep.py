"""The reminder sweep, at explicit moments: what is due, to whom, once, in daylight, caught up."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings

from initiatives.models import Phase, State
from metrics.measurements import Item, write_measurements
from notifications.kinds import message_for
from notifications.models import EmailPreference, EmailStatus, Kind, Notification
from notifications.services import sweep
from tests.notifications.conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def reminders(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


# Weekly and monthly reviews -------------------------------------------------------------------


def test_weekly_review_reminder_goes_to_owner_and_team_the_day_before(
    reviewed, leader, member, outbox
):
    # Monday 23 November 2026, 09:00 in Helsinki; the review is on Tuesday the 24th.
    result = sweep(at("2026-11-23 09:00"))

    assert result.created[Kind.WEEKLY_REVIEW] == 2
    weekly = reminders(Kind.WEEKLY_REVIEW)
    assert {n.recipient for n in weekly} == {leader, member}
    assert {(n.subject, n.period) for n in weekly} == {(f"initiative:{reviewed.pk}", "2026-11-24")}
    [to_member] = [m for m in outbox.to(member) if reviewed.title in m.subject]
    assert "Weekly team review" in to_member.subject
    link = f"{django_settings.SITE_URL}{reviewed.get_phase_url(Phase.EXECUTION)}"
    assert link in to_member.body
    html, mimetype = to_member.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html


def test_no_review_reminder_earlier_than_the_lead_time(reviewed, outbox):
    assert sweep(at("2026-11-22 12:00")).created[Kind.WEEKLY_REVIEW] == 0


def test_lead_time_is_configurable(reviewed, settings, outbox):
    settings.REMINDERS_REVIEW_LEAD_DAYS = 3
    assert sweep(at("2026-11-21 12:00")).created[Kind.WEEKLY_REVIEW] == 2


def test_a_second_sweep_sends_nothing_again(reviewed, outbox):
    first = sweep(at("2026-11-23 09:00"))
    sent = len(outbox.all())
    second = sweep(at("2026-11-23 09:15"))

    assert first.total > 0
    assert second.total == 0
    assert second.emails_sent == 0
    assert len(outbox.all()) == sent


def test_monthly_review_reminder_before_the_review_day(reviewed, leader, member, outbox):
    result = sweep(at("2026-12-14 10:00"))

    assert result.created[Kind.MONTHLY_REVIEW] == 2
    assert set(reminders(Kind.MONTHLY_REVIEW).values_list("period", flat=True)) == {"2026-12-15"}
    assert any("Monthly leadership review" in m.subject for m in outbox.to(leader))


def test_each_review_has_its_own_reminder(reviewed, outbox):
    sweep(at("2026-11-23 09:00"))
    sweep(at("2026-11-30 09:00"))

    periods = set(reminders(Kind.WEEKLY_REVIEW).values_list("period", flat=True))
    assert periods == {"2026-11-24", "2026-12-01"}


@pytest.mark.parametrize(
    "change",
    [
        {"state": State.STOPPED},
        {"state": State.ON_HOLD},
        {"phase": Phase.PLANNING},
        {"weekly_review_weekday": None},
    ],
)
def test_no_review_reminder_for_an_initiative_not_leading_execution(reviewed, change, outbox):
    for name, value in change.items():
        setattr(reviewed, name, value)
    reviewed.save()
    assert sweep(at("2026-11-23 09:00")).created[Kind.WEEKLY_REVIEW] == 0


def test_a_team_member_without_access_gets_no_reminder(reviewed, outsider, leader, outbox):
    reviewed.team.add(outsider)
    sweep(at("2026-11-23 09:00"))
    assert not reminders(Kind.WEEKLY_REVIEW, recipient=outsider).exists()
    assert reminders(Kind.WEEKLY_REVIEW, recipient=leader).exists()


# Overdue measurements ------------------------------------------------------------------------


def test_overdue_measurement_reminds_the_kpi_owner_once_per_cadence_interval(
    reviewed, member, make_monthly_kpi, outbox
):
    kpi = make_monthly_kpi(reviewed, member, date(2025, 11, 1))
    write_measurements(member, [Item(kpi, date(2026, 10, 1), Decimal(60))], update_existing=False)

    # Monthly KPIs may be 38 days old: overdue from 9 November.
    assert sweep(at("2026-11-08 10:00")).created[Kind.MEASUREMENT_OVERDUE] == 0
    assert sweep(at("2026-11-09 10:00")).created[Kind.MEASUREMENT_OVERDUE] == 1
    assert sweep(at("2026-11-30 10:00")).created[Kind.MEASUREMENT_OVERDUE] == 0
    # Still overdue a cadence interval later: reminded again.
    assert sweep(at("2026-12-09 10:00")).created[Kind.MEASUREMENT_OVERDUE] == 1

    overdue = reminders(Kind.MEASUREMENT_OVERDUE)
    assert {n.recipient for n in overdue} == {member}
    assert list(overdue.order_by("created_at").values_list("period", flat=True)) == [
        "2026-10-01+0",
        "2026-10-01+1",
    ]
    [first, *_] = [m for m in outbox.to(member) if "Measurement overdue" in m.subject]
    assert kpi.name in first.subject
    assert f"#kpi-{kpi.pk}" in first.body

    # A new measurement ends the episode.
    write_measurements(member, [Item(kpi, date(2026, 12, 10), Decimal(62))], update_existing=False)
    assert sweep(at("2026-12-20 10:00")).created[Kind.MEASUREMENT_OVERDUE] == 0


def test_a_kpi_never_measured_is_overdue_from_its_baseline(
    reviewed, member, make_monthly_kpi, outbox
):
    make_monthly_kpi(reviewed, member, date(2026, 10, 1))
    sweep(at("2026-11-23 10:00"))
    [overdue] = reminders(Kind.MEASUREMENT_OVERDUE)
    assert overdue.period == "2026-10-01+0"
    assert "nothing has been recorded since the baseline" in message_for(overdue).lines[0]


def test_a_kpi_without_owner_reminds_the_initiative_owner(
    reviewed, leader, make_monthly_kpi, outbox
):
    make_monthly_kpi(reviewed, None, date(2026, 9, 1))
    sweep(at("2026-11-23 10:00"))
    assert reminders(Kind.MEASUREMENT_OVERDUE).get().recipient == leader


def test_no_overdue_reminder_for_a_stopped_initiative(reviewed, member, make_monthly_kpi, outbox):
    make_monthly_kpi(reviewed, member, date(2026, 9, 1))
    reviewed.state = State.STOPPED
    reviewed.save()
    assert sweep(at("2026-11-23 10:00")).created[Kind.MEASUREMENT_OVERDUE] == 0


# The monthly portfolio digest ----------------------------------------------------------------


def test_monthly_digest_goes_to_each_leader_once_a_month(
    reviewed, leader, member, viewer, make_monthly_kpi, outbox
):
    make_monthly_kpi(reviewed, member, date(2026, 9, 1))

    assert sweep(at("2026-12-01 08:00")).created[Kind.PORTFOLIO_DIGEST] == 1
    assert sweep(at("2026-12-20 08:00")).created[Kind.PORTFOLIO_DIGEST] == 0
    assert sweep(at("2027-01-01 08:00")).created[Kind.PORTFOLIO_DIGEST] == 1

    digests = reminders(Kind.PORTFOLIO_DIGEST)
    assert {n.recipient for n in digests} == {leader}
    assert set(digests.values_list("period", flat=True)) == {"2026-12", "2027-01"}
    december = digests.get(period="2026-12")
    assert december.params["count"] == 1
    assert december.params["attention"][0]["initiative"] == reviewed.title
    [email] = [m for m in outbox.to(leader) if "Portfolio digest, December 2026" in m.subject]
    assert reviewed.title in email.body
    assert f"{django_settings.SITE_URL}/initiatives/portfolio/" in email.body


def test_digest_waits_for_the_configured_day(reviewed, settings, outbox):
    settings.REMINDERS_DIGEST_DAY = 3
    assert sweep(at("2026-12-02 10:00")).created[Kind.PORTFOLIO_DIGEST] == 0
    assert sweep(at("2026-12-03 10:00")).created[Kind.PORTFOLIO_DIGEST] == 1


def test_a_leader_with_an_empty_portfolio_gets_no_digest(leader, outbox):
    assert sweep(at("2026-12-01 10:00")).created[Kind.PORTFOLIO_DIGEST] == 0


def test_email_is_in_the_recipients_language(reviewed, leader, member, outbox):
    leader.language = "fi"
    leader.save()
    member.language = "sv"
    member.save()

    sweep(at("2026-12-01 09:00"))

    [digest] = [m for m in outbox.to(leader) if m.subject.startswith("Salkun kooste")]
    assert "joulukuu 2026" in digest.subject
    assert 'lang="fi"' in digest.alternatives[0][0]
    [weekly] = [m for m in outbox.to(member) if reviewed.title in m.subject]
    assert weekly.subject.startswith("Teamets veckogenomgång tisdag 1 december 2026")


# Time: quiet hours, daylight saving time, missed sweeps, time zones ---------------------------


def test_no_reminder_at_night_it_comes_in_the_morning(reviewed, outbox):
    assert sweep(at("2026-11-23 21:00")).total == 0
    assert sweep(at("2026-11-24 07:59")).total == 0
    morning = sweep(at("2026-11-24 08:00"))
    assert morning.created[Kind.WEEKLY_REVIEW] == 2
    assert all(n.created_at == at("2026-11-24 08:00") for n in Notification.objects.all())


def test_quiet_hours_are_configurable(reviewed, settings, outbox):
    settings.REMINDERS_QUIET_HOURS_START = 22
    settings.REMINDERS_QUIET_HOURS_END = 6
    assert sweep(at("2026-11-23 21:00")).created[Kind.WEEKLY_REVIEW] == 2


def test_a_failed_email_is_not_retried_at_night(reviewed, member, outbox):
    sweep(at("2026-11-23 09:00"))
    Notification.objects.update(email_status=EmailStatus.FAILED, email_attempts=1)
    outbox.all().clear()
    assert sweep(at("2026-11-23 22:00")).emails_sent == 0
    assert sweep(at("2026-11-24 08:15")).emails_sent == Notification.objects.count()


def test_spring_forward_quiet_hours_follow_summer_time(reviewed, outbox):
    """Sunday 28 March 2027: Helsinki moves from UTC+2 to UTC+3 at 03:00."""
    reviewed.weekly_review_weekday = MONDAY
    reviewed.save()
    # 04:45 UTC is 07:45 summer time: still night.
    assert sweep(at("2027-03-28 04:45", "UTC")).created[Kind.WEEKLY_REVIEW] == 0
    # 05:30 UTC is 08:30 summer time (07:30 if the clock had not moved): morning.
    assert sweep(at("2027-03-28 05:30", "UTC")).created[Kind.WEEKLY_REVIEW] == 2
    assert set(reminders(Kind.WEEKLY_REVIEW).values_list("period", flat=True)) == {"2027-03-29"}


def test_fall_back_quiet_hours_follow_winter_time(reviewed, outbox):
    """Sunday 25 October 2026: Helsinki moves from UTC+3 back to UTC+2 at 04:00."""
    reviewed.weekly_review_weekday = MONDAY
    reviewed.save()
    # 05:30 UTC is 07:30 winter time (08:30 if the clock had not moved): still night.
    assert sweep(at("2026-10-25 05:30", "UTC")).created[Kind.WEEKLY_REVIEW] == 0
    assert sweep(at("2026-10-25 06:15", "UTC")).created[Kind.WEEKLY_REVIEW] == 2
    assert set(reminders(Kind.WEEKLY_REVIEW).values_list("period", flat=True)) == {"2026-10-26"}


def test_review_day_follows_the_local_date_across_the_dst_night(reviewed, outbox):
    """Late Sunday evening in UTC is already Monday in Helsinki: the review on Tuesday is due."""
    reviewed.weekly_review_weekday = 2  # Wednesday
    reviewed.save()
    # 2027-03-29 21:30 UTC = Tuesday 00:30 summer time: night, nothing yet.
    assert sweep(at("2027-03-29 21:30", "UTC")).created[Kind.WEEKLY_REVIEW] == 0
    # Tuesday 30 March 08:00 summer time = 05:00 UTC.
    assert sweep(at("2027-03-30 05:00", "UTC")).created[Kind.WEEKLY_REVIEW] == 2
    assert set(reminders(Kind.WEEKLY_REVIEW).values_list("period", flat=True)) == {"2027-03-31"}


def test_a_missed_day_is_caught_up_on_the_next_run(reviewed, member, make_monthly_kpi, outbox):
    """Beat was down from Sunday evening to Tuesday morning: Monday's reminders come Tuesday."""
    # Measured monthly, nothing since 15 October: overdue from Monday 23 November.
    make_monthly_kpi(reviewed, member, date(2026, 10, 15))
    last = sweep(at("2026-11-22 19:45"))
    assert last.created[Kind.WEEKLY_REVIEW] == last.created[Kind.MEASUREMENT_OVERDUE] == 0
    caught_up = sweep(at("2026-11-24 08:00"))
    assert caught_up.created[Kind.WEEKLY_REVIEW] == 2
    assert caught_up.created[Kind.MEASUREMENT_OVERDUE] == 1
    assert set(reminders(Kind.WEEKLY_REVIEW).values_list("period", flat=True)) == {"2026-11-24"}


def test_a_review_already_past_is_not_reminded(reviewed, outbox):
    """Down until Wednesday: Tuesday's review is over, and the reminder would only be noise."""
    result = sweep(at("2026-11-25 09:00"))
    assert not reminders(Kind.WEEKLY_REVIEW, period="2026-11-24").exists()
    assert result.created[Kind.WEEKLY_REVIEW] == 0


def test_missed_digest_day_is_caught_up(reviewed, leader, outbox):
    assert sweep(at("2026-12-04 09:00")).created[Kind.PORTFOLIO_DIGEST] == 1


def test_review_reminders_use_the_initiatives_time_zone(reviewed, outbox):
    reviewed.review_time_zone = "Europe/Stockholm"
    reviewed.save()
    # 08:30 in Helsinki is 07:30 in Stockholm: night there.
    assert sweep(at("2026-11-23 08:30")).created[Kind.WEEKLY_REVIEW] == 0
    assert sweep(at("2026-11-23 09:00")).created[Kind.WEEKLY_REVIEW] == 2
    assert set(reminders(Kind.WEEKLY_REVIEW).values_list("time_zone", flat=True)) == {
        "Europe/Stockholm"
    }


def test_overdue_and_digest_use_the_organisations_time_zone(
    reviewed, agency_a, ministry, member, make_monthly_kpi, outbox
):
    agency_a.time_zone = "America/New_York"
    agency_a.save()
    ministry.time_zone = "America/New_York"
    ministry.save()
    make_monthly_kpi(reviewed, member, date(2026, 9, 1))
    # 10:00 in Helsinki is 03:00 in New York.
    result = sweep(at("2026-12-01 10:00"))
    assert result.created[Kind.MEASUREMENT_OVERDUE] == 0
    assert result.created[Kind.PORTFOLIO_DIGEST] == 0
    # Late afternoon in Helsinki, morning in New York, and still 30 November there.
    result = sweep(at("2026-12-01 15:00"))
    assert result.created[Kind.MEASUREMENT_OVERDUE] == 1
    assert result.created[Kind.PORTFOLIO_DIGEST] == 1
    assert reminders(Kind.PORTFOLIO_DIGEST).get().period == "2026-12"


# Preferences ---------------------------------------------------------------------------------


def test_a_kind_turned_off_for_email_still_shows_in_the_app(reviewed, leader, member, outbox):
    EmailPreference.objects.create(user=member, kind=Kind.WEEKLY_REVIEW, email=False)
    sweep(at("2026-11-23 09:00"))

    mine = reminders(Kind.WEEKLY_REVIEW, recipient=member).get()
    assert mine.email_status == EmailStatus.NOT_WANTED
    assert not outbox.to(member)
    assert reminders(Kind.WEEKLY_REVIEW, recipient=leader).get().email_status == EmailStatus.SENT


def test_a_person_without_an_email_address_gets_the_reminder_in_the_app(reviewed, member, outbox):
    member.email = ""
    member.save()
    sweep(at("2026-11-23 09:00"))
    assert reminders(Kind.WEEKLY_REVIEW, recipient=member).get().email_status == "not_wanted"


def test_dry_run_records_and_sends_nothing(reviewed, outbox):
    result = sweep(at("2026-11-23 09:00"), dry_run=True)
    assert result.created[Kind.WEEKLY_REVIEW] == 2
    assert result.as_json()["dry_run"] is True
    assert not Notification.objects.exists()
    assert not outbox.all()


def test_stale_claims_are_taken_again(reviewed, leader, outbox):
    """A worker killed mid-send leaves a claim; ten minutes later by the real clock, the next
    sweep sends it."""
    now = at("2026-11-23 09:00")
    with time_machine.travel(now, tick=False):
        sweep(now, dry_run=False)
        outbox.all().clear()
        Notification.objects.update(
            email_status=EmailStatus.SENDING, email_claimed_at=now - timedelta(minutes=2)
        )
        assert sweep(now).emails_sent == 0
        Notification.objects.update(email_claimed_at=now - timedelta(minutes=11))
        assert sweep(now).emails_sent == Notification.objects.count()
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
