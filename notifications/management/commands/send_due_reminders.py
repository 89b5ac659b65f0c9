"""Run the reminder sweep once, as the beat does every 15 minutes.

    python manage.py send_due_reminders [--now ISO-DATETIME] [--dry-run]

Prints how many reminders of each kind were sent (or would be, with --dry-run) and ends with one
JSON line: {"sent": {KIND: COUNT, ...}, "total": N, "dry_run": BOOL}.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import services
from notifications.models import Kind


class Command(BaseCommand):
    help = "Send the reminders that are due now (or at --now), once each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="The moment to sweep at, ISO 8601 (e.g. 2026-11-23T09:00+02:00); "
            "without an offset it is read in TIME_ZONE. Default: the current time.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what is due without recording or sending anything.",
        )

    def handle(self, *args, now=None, dry_run=False, **options):
        try:
            moment = services.parse_moment(now) if now else timezone.now()
        except ValueError as exc:
            raise CommandError(f"--now must be an ISO 8601 date-time: {exc}") from exc
        result = services.sweep(moment, dry_run=dry_run)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(f"Reminders due at {moment.isoformat()}:")
        for kind in Kind:
            self.stdout.write(f"  {kind.value}: {result.created[kind.value]} {verb}")
        if not dry_run:
            self.stdout.write(
                f"E-mails delivered: {result.emails_sent}, failed (retried later): "
                f"{result.emails_failed}, too late to send: {result.emails_outdated}"
            )
        self.stdout.write(json.dumps(result.as_json()))
