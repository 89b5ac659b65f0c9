"""Rendering the reports to PDF bytes: shared by the views, the Celery task and the command."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone, translation

from funding.progress import progress_view
from funding.reports import application_report
from reports.contexts import initiative_report, portfolio_report
from reports.models import ReportJob
from reports.pdf import render_pdf

logger = logging.getLogger(__name__)


def application_pdf(application, language=None) -> bytes:
    with translation.override(language):
        return render_pdf(
            "pdf/application.html", {"report": application_report(application)}, language
        )


def progress_pdf(report, reader, language=None) -> bytes:
    with translation.override(language):
        return render_pdf("pdf/progress.html", {"view": progress_view(report, reader)}, language)


def initiative_pdf(initiative, reader, language=None) -> bytes:
    with translation.override(language):
        return render_pdf(
            "pdf/initiative.html", {"report": initiative_report(initiative, reader)}, language
        )


def portfolio_pdf(user, organisation, language=None, progress=None) -> bytes:
    with translation.override(language):
        report = portfolio_report(user, organisation)
        if progress:
            progress(50)
        return render_pdf("pdf/portfolio.html", {"report": report}, language)


def render_portfolio_job(job_id: int) -> None:
    """Claim the queued job (a conditional UPDATE: only one worker wins), render, store the file."""
    claimed = ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
        state=ReportJob.State.RUNNING, started_at=timezone.now(), progress=10
    )
    if not claimed:
        return
    job = ReportJob.objects.select_related("requested_by", "organisation").get(pk=job_id)

    def progress(percent):
        ReportJob.objects.filter(pk=job.pk).update(progress=percent)

    try:
        pdf = portfolio_pdf(job.requested_by, job.organisation, job.language, progress)
    except Exception as error:
        logger.exception("Portfolio report %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return
    name = f"portfolio-{job.organisation_id}-{timezone.localdate():%Y-%m}.pdf"
    job.file.save(name, ContentFile(pdf), save=False)
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJob.State.DONE, progress=100, file=job.file.name, finished_at=timezone.now()
    )
