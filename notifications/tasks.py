"""Celery tasks: thin wrappers around notifications.services."""

from celery import shared_task
from django.utils import timezone

from notifications import services


@shared_task(name="notifications.send_due_reminders")
def send_due_reminders(now: str | None = None) -> dict:
    """The beat's sweep, every 15 minutes. Safe to run twice or at once: see services.sweep.

    `now` (ISO 8601) is for operators and tests replaying a moment; beat sends none.
    """
    moment = services.parse_moment(now) if now else timezone.now()
    return services.sweep(moment).as_json()
