from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from reports.models import STOPPED, ReportJob
from reports.render import render_portfolio_job

# A portfolio report renders in seconds; a job with no sign of life for this long lost its worker.
DEFAULT_STALE_AFTER_SECONDS = 15 * 60
MAX_RECOVERIES = 1


@shared_task
def render_portfolio_report(job_id: int) -> None:
    """Thin: the domain function claims the job, so a duplicated task does no harm, and records
    a failure on the job, where the person waiting sees it."""
    render_portfolio_job(job_id)


def stale_jobs(queryset=None):
    """Queued or running jobs whose last sign of life (requested, started or queued again) is
    older than REPORT_JOB_STALE_AFTER_SECONDS of the real clock."""
    seconds = int(getattr(settings, "REPORT_JOB_STALE_AFTER_SECONDS", DEFAULT_STALE_AFTER_SECONDS))
    limit = timezone.now() - timedelta(seconds=seconds)
    queryset = ReportJob.objects.all() if queryset is None else queryset
    return queryset.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=limit),
        Q(requeued_at__isnull=True) | Q(requeued_at__lt=limit),
        state__in=[ReportJob.State.QUEUED, ReportJob.State.RUNNING],
        created_at__lt=limit,
    )


def recover(queryset=None) -> int:
    """Stale jobs are queued again once (rendering claims a queued job, so a late first worker
    and the new one cannot both store a file), then failed as stopped. The number recovered."""
    count = 0
    for job in stale_jobs(queryset).order_by("pk"):
        seen = ReportJob.objects.filter(pk=job.pk, state=job.state, started_at=job.started_at)
        seen = seen.filter(requeued_at=job.requeued_at)
        now = timezone.now()
        if job.recoveries < MAX_RECOVERIES:
            moved = seen.update(
                state=ReportJob.State.QUEUED,
                progress=0,
                started_at=None,
                requeued_at=now,
                recoveries=F("recoveries") + 1,
            )
            if moved:
                render_portfolio_report.delay(job.pk)
        else:
            moved = seen.update(state=ReportJob.State.FAILED, error=STOPPED, finished_at=now)
        count += moved
    return count


@shared_task(name="reports.recover_stale_jobs")
def recover_stale_jobs() -> int:
    """Periodic (beat): report jobs whose worker died are queued again or failed."""
    return recover()
