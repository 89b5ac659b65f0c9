"""Background housekeeping of the project core."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from renewal.models import SubmissionToken


@shared_task(name="renewal.forget_old_submissions")
def forget_old_submissions() -> int:
    """Delete the one-time keys of create forms once nobody will click twice any more.

    A key only has to outlive a double click or a replayed request; kept for ever, the table
    would grow with every form ever sent. Returns how many were deleted.
    """
    cutoff = timezone.now() - timedelta(days=settings.SUBMISSION_KEYS_KEPT_DAYS)
    deleted, _ = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted
