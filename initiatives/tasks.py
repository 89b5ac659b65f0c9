"""Celery tasks: thin wrappers around the initiatives' services."""

from celery import shared_task
from django.utils import timezone

from initiatives import snapshots


@shared_task(name="initiatives.snapshot_portfolio")
def snapshot_portfolio(now: str | None = None) -> int:
    """The beat's daily run: this month's portfolio snapshots, once per initiative. Safe to run
    twice or at once: see snapshots.snapshot_portfolio.

    `now` (ISO 8601) is for operators and tests replaying a moment; beat sends none.
    """
    moment = snapshots.parse_moment(now) if now else timezone.now()
    return snapshots.snapshot_portfolio(moment)
