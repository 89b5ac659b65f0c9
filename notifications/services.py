"""The reminder sweep: decide from the database what is due at `now`, record it once, e-mail it.

Exactly once, by construction:

* Recording: each reminder is a Notification row under a unique key (recipient, kind, subject,
  period). Two sweeps that find the same reminder both try to insert it; the database lets one.
* E-mail: a sweep claims a row with a conditional UPDATE (pending or failed and due for a retry →
  sending, checked on the attempt count too) and sends only when it changed one row. The row is
  marked sent right after the SMTP server accepts the message. A claim older than STALE_CLAIM (a
  worker killed mid-send) is claimed again by a later sweep; the stable Message-ID lets mail
  systems recognise the rare duplicate that can cause. Claims are stamped and judged by the real
  clock, never by the sweep's `now`: a sweep replaying a past moment (`--now`) must not make a
  live sweep's claim look stale, nor its own claim look stale to a live sweep.
* Too late: an e-mail still unsent when a newer reminder of the same subject exists (newer by
  period, as the kind orders its periods, never by row id: a replayed past month is not newer), or
  when its
  kind says it no longer helps (the review day has passed, the digest's month is over), is not
  sent at all but marked outdated; the in-app notification stays.
* Failures: a failed e-mail waits RETRY_BASE × 2^(attempts−1) before the next sweep tries again,
  and is given up after MAX_ATTEMPTS. One recipient's failure never stops the others, and the
  in-app notification exists whatever happens to the e-mail.

Nothing is scheduled ahead in the broker: every sweep looks again, so a sweep that did not run
(beat down for a day) is caught up by the next one, as long as the reminder is still useful.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.kinds import KINDS, Due, People, local_now, message_for
from notifications.models import EmailPreference, EmailStatus, Kind, Notification

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)
RETRY_BASE = timedelta(minutes=15)
RETRY_MAX_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 6


@dataclass
class SweepResult:
    created: Counter = field(default_factory=Counter)
    emails_sent: int = 0
    emails_failed: int = 0
    emails_outdated: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def as_json(self) -> dict:
        return {
            "sent": {kind: self.created[kind] for kind in Kind.values},
            "total": self.total,
            "dry_run": self.dry_run,
        }


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is read in settings.TIME_ZONE."""
    moment = datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def last_daytime(now: datetime, time_zone: str) -> datetime:
    """`now`, or when that is in the quiet hours, the last noon before it in that time zone."""
    if not in_quiet_hours(now, time_zone):
        return now
    local = local_now(now, time_zone)
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= local else noon - timedelta(days=1)


def in_quiet_hours(now: datetime, time_zone: str) -> bool:
    """Whether it is night where the recipient is (REMINDERS_QUIET_HOURS_START–END, local)."""
    start, end = settings.REMINDERS_QUIET_HOURS_START, settings.REMINDERS_QUIET_HOURS_END
    hour = local_now(now, time_zone).hour
    if start == end:
        return False
    if start > end:  # across midnight, e.g. 20–8
        return hour >= start or hour < end
    return start <= hour < end


def sweep(now: datetime, *, dry_run: bool = False, deliver: bool = True) -> SweepResult:
    """Record every reminder due at `now` that does not exist yet, then deliver pending e-mail.

    With `deliver=False` the e-mail waits, pending, for the next sweep (the demo data does this).
    """
    result = SweepResult(dry_run=dry_run)
    people = People()
    for kind in KINDS.values():
        due = [d for d in kind.due(now, people) if not in_quiet_hours(now, d.time_zone)]
        missing = _not_recorded(kind.code, due)
        if dry_run:
            result.created[kind.code] += len(missing)
            continue
        no_email = set(
            EmailPreference.objects.filter(kind=kind.code, email=False).values_list(
                "user_id", flat=True
            )
        )
        for reminder in missing:
            wants = bool(reminder.recipient.email) and reminder.recipient.pk not in no_email
            if reminder_record(reminder, now, email=wants):
                result.created[kind.code] += 1
    if deliver and not dry_run:
        result.emails_sent, result.emails_failed, result.emails_outdated = emails_deliver(now)
    logger.info(
        "reminder sweep at %s: %s; e-mails sent %s, failed %s, too late %s",
        now.isoformat(),
        result.as_json(),
        result.emails_sent,
        result.emails_failed,
        result.emails_outdated,
    )
    return result


def _not_recorded(kind: str, due: list[Due]) -> list[Due]:
    """The reminders whose key has no row yet, found in one query per kind."""
    if not due:
        return []
    existing = set(
        Notification.objects.filter(
            kind=kind, subject__in={d.subject for d in due}, period__in={d.period for d in due}
        ).values_list("recipient_id", "subject", "period")
    )
    return [d for d in due if (d.recipient.pk, d.subject, d.period) not in existing]


def reminder_record(reminder: Due, now: datetime, *, email: bool) -> bool:
    """Insert the reminder's row; False when a concurrent sweep already did."""
    try:
        with transaction.atomic():
            Notification.objects.create(
                recipient=reminder.recipient,
                kind=reminder.kind,
                subject=reminder.subject,
                period=reminder.period,
                params=reminder.params,
                url=reminder.url,
                time_zone=reminder.time_zone,
                created_at=now,
                email_status=EmailStatus.PENDING if email else EmailStatus.NOT_WANTED,
                email_next_attempt_at=now if email else None,
            )
    except IntegrityError:
        return False
    return True


def _deliverable(now: datetime):
    """Due at the sweep's `now`, or a claim gone stale by the real clock."""
    return Notification.objects.filter(
        Q(
            email_status__in=[EmailStatus.PENDING, EmailStatus.FAILED],
            email_next_attempt_at__lte=now,
        )
        | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=timezone.now() - STALE_CLAIM)
    )


def emails_deliver(now: datetime) -> tuple[int, int, int]:
    """Send every e-mail that is due and not claimed by another sweep: (sent, failed, outdated)."""
    sent = failed = 0
    candidates = list(
        _deliverable(now).select_related("recipient").order_by("email_next_attempt_at", "pk")
    )
    late = emails_outdated(candidates, now)
    candidates = [n for n in candidates if n.pk not in late]
    connection = mail.get_connection()
    try:
        for notification in candidates:
            if in_quiet_hours(now, notification.time_zone):
                continue
            if not email_claim(notification, now):
                continue
            outcome = email_send(notification, now, connection)
            sent += outcome is True
            failed += outcome is False
    finally:
        connection.close()
    return sent, failed, len(late)


def emails_outdated(candidates, now: datetime) -> set[int]:
    """Mark the candidates whose e-mail would come too late, and return their ids.

    Superseded: a newer reminder for the same person, kind and subject exists (the digest of a
    later month, a later review, the next overdue episode), newer by its period as the kind
    orders them (`period_key`), not by row id: a sweep replaying November creates November's
    row after December's, and December's must still go out. Or the kind says so.
    """
    if not candidates:
        return set()
    same_subjects = (
        Notification.objects.filter(
            recipient_id__in={n.recipient_id for n in candidates},
            kind__in={n.kind for n in candidates},
            subject__in={n.subject for n in candidates},
        )
        .values_list("recipient_id", "kind", "subject", "period")
        .distinct()
    )
    newest: dict[tuple, tuple] = {}
    for recipient, kind, subject, period in same_subjects:
        key = KINDS[kind].period_key(period)
        group = (recipient, kind, subject)
        if group not in newest or key > newest[group]:
            newest[group] = key
    late = {
        n.pk
        for n in candidates
        if newest.get((n.recipient_id, n.kind, n.subject), ()) > KINDS[n.kind].period_key(n.period)
        or KINDS[n.kind].outdated(n, now)
    }
    if late:
        # Still deliverable, so not a row another sweep has claimed since and is sending.
        _deliverable(now).filter(pk__in=late).update(
            email_status=EmailStatus.OUTDATED, email_next_attempt_at=None
        )
    return late


def email_claim(notification: Notification, now: datetime) -> bool:
    """Take the row for this sweep: only one conditional UPDATE can match it."""
    claimed = Notification.objects.filter(
        pk=notification.pk,
        email_status=notification.email_status,
        email_attempts=notification.email_attempts,
    ).update(
        email_status=EmailStatus.SENDING,
        # The real clock: staleness is about this process, not the moment it sweeps for.
        email_claimed_at=timezone.now(),
        email_attempts=F("email_attempts") + 1,
    )
    if claimed:
        notification.email_status = EmailStatus.SENDING
        notification.email_attempts += 1
    return claimed == 1


def email_send(notification: Notification, now: datetime, connection) -> bool | None:
    """Send a claimed notification; record sent, or failed with the next attempt's time.

    True when sent, False when it failed, None when the person no longer gets e-mail.
    """
    mine = Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.SENDING)
    if not notification.recipient.is_active or not notification.recipient.email:
        mine.update(email_status=EmailStatus.NOT_WANTED, email_next_attempt_at=None)
        return None
    try:
        email_message(notification, connection).send()
    except Exception as exc:
        attempts = notification.email_attempts
        gave_up = attempts >= MAX_ATTEMPTS
        delay = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_MAX_DELAY)
        mine.update(
            email_status=EmailStatus.GAVE_UP if gave_up else EmailStatus.FAILED,
            email_next_attempt_at=None if gave_up else now + delay,
            email_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        logger.warning(
            "e-mail for notification %s to user %s failed (attempt %s): %s",
            notification.pk,
            notification.recipient_id,
            attempts,
            exc,
        )
        # A broken SMTP session must not fail the next recipient too: reconnect on next send.
        try:
            connection.close()
        except Exception:
            logger.debug("closing the e-mail connection failed", exc_info=True)
        return False
    mine.update(email_status=EmailStatus.SENT, email_sent_at=now, email_error="")
    return True


class RelatedEmail(mail.EmailMultiAlternatives):
    """Plain text and HTML alternatives, the HTML carrying its images as inline related parts:

        multipart/alternative
          text/plain
          multipart/related
            text/html          (<img src="cid:…">)
            image/svg+xml      (Content-ID, Content-Disposition: inline)

    Images shown by `cid:` are what mail clients display most reliably: no remote fetch to block,
    no inline <svg> for the many clients that strip it. Each `related` entry is
    (content id, bytes, mimetype, filename).
    """

    def __init__(self, *args, related=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.related = list(related)

    def _add_bodies(self, msg):
        msg = super()._add_bodies(msg)
        if self.related:
            html = next(p for p in msg.iter_parts() if p.get_content_type() == "text/html")
            for cid, content, mimetype, filename in self.related:
                maintype, subtype = mimetype.split("/", 1)
                html.add_related(
                    content,
                    maintype=maintype,
                    subtype=subtype,
                    cid=f"<{cid}>",
                    disposition="inline",
                    filename=filename,
                )
        return msg


def email_message(notification: Notification, connection=None) -> mail.EmailMultiAlternatives:
    """The e-mail in the recipient's language: plain text, HTML, and a link to act on.

    A kind's charts (the digest's) travel as SVG parts related to the HTML, each shown by its
    `cid:` with alt text and followed by the same figures as a table; the plain text has the
    tables as text.
    """
    recipient = notification.recipient
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        message = message_for(notification)
        kind = KINDS[notification.kind]
        template = kind.email_template
        charts = [
            {"chart": chart, "cid": f"{chart.name}.{notification.pk}@{host}"}
            for chart in kind.charts(notification)
        ]
        context = {
            "charts": charts,
            "notification": notification,
            "message": message,
            "recipient": recipient,
            "site_url": settings.SITE_URL,
            "action_url": f"{settings.SITE_URL}{notification.url}",
            "list_url": f"{settings.SITE_URL}{reverse('notifications:list')}",
            "preferences_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}",
            "language": translation.get_language(),
        }
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    email = RelatedEmail(
        subject=message.title,
        body=text,
        to=[recipient.email],
        connection=connection,
        # Stable per reminder: a re-sent claim is the same message to mail systems.
        headers={"Message-ID": f"<notification.{notification.pk}@{host}>"},
        related=[
            (c["cid"], str(c["chart"].svg).encode(), "image/svg+xml", f"{c['chart'].name}.svg")
            for c in charts
        ],
    )
    email.attach_alternative(html, "text/html")
    return email
