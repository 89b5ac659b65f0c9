"""Store this month's portfolio snapshots, as the beat does every night.

    python manage.py snapshot_portfolio [--now ISO-DATETIME]

Stores one snapshot per initiative that has none for the month of --now (default: now) and
prints how many. Safe to run again: a second run in the same month stores nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from initiatives import snapshots


class Command(BaseCommand):
    help = "Store this month's portfolio snapshot of every initiative that has none yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="The moment whose month to snapshot, ISO 8601 (e.g. 2027-01-04T02:30+02:00); "
            "without an offset it is read in TIME_ZONE. The figures are always those in the "
            "database now. Default: the current time.",
        )

    def handle(self, *args, now=None, **options):
        try:
            moment = snapshots.parse_moment(now) if now else timezone.now()
        except ValueError as exc:
            raise CommandError(f"--now must be an ISO 8601 date-time: {exc}") from exc
        stored = snapshots.snapshot_portfolio(moment)
        month = timezone.localdate(moment).strftime("%Y-%m")
        self.stdout.write(f"Portfolio snapshots stored for {month}: {stored}")
