from celery import shared_task

from reports.render import render_portfolio_job


@shared_task
def render_portfolio_report(job_id: int) -> None:
    """Thin: the domain function claims the job, so a duplicated task does no harm, and records
    a failure on the job, where the person waiting sees it."""
    render_portfolio_job(job_id)
