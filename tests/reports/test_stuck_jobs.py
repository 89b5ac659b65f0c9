"""No stuck report jobs (issue 15, item 7): a job whose worker died while it was queued or
rendering is queued again once on the next visit or by the sweep, then failed as stopped, and the
page says so. A killed worker is reproduced by setting its state and moving the clock."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from reports import tasks
from reports.models import ReportJob

STALE = timedelta(minutes=16)


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def killed_while_rendering(user, organisation, recoveries=0) -> ReportJob:
    return ReportJob.objects.create(
        requested_by=user,
        organisation=organisation,
        state=ReportJob.State.RUNNING,
        started_at=timezone.now(),
        progress=40,
        recoveries=recoveries,
    )


def test_a_job_whose_worker_died_is_rendered_again_on_the_next_visit(
    leader_client, leader, ministry, clock, settings, tmp_path, celery_runs_tasks
):
    settings.MEDIA_ROOT = tmp_path
    job = killed_while_rendering(leader, ministry)
    clock.shift(timedelta(minutes=5))
    assertContains(leader_client.get(job.get_absolute_url()), "<progress")
    assert ReportJob.objects.get(pk=job.pk).state == ReportJob.State.RUNNING

    clock.shift(STALE)
    response = leader_client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert (job.state, job.recoveries) == (ReportJob.State.DONE, 1)
    assertContains(response, "The report is ready.")


def test_a_job_stopped_twice_fails_and_the_page_says_why(leader_client, leader, ministry, clock):
    job = killed_while_rendering(leader, ministry, recoveries=1)
    clock.shift(STALE)
    response = leader_client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.stopped
    assertContains(response, "The report stopped before it was finished")
    assertNotContains(response, 'hx-trigger="load delay:1s"')


def test_the_sweep_requeues_a_queued_job_no_worker_took(leader, ministry, clock, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.render_portfolio_report, "delay", queued.append)
    job = ReportJob.objects.create(requested_by=leader, organisation=ministry)
    clock.shift(timedelta(minutes=10))
    assert tasks.recover_stale_jobs() == 0
    clock.shift(timedelta(minutes=10))
    assert tasks.recover_stale_jobs() == 1
    assert queued == [job.pk]
    assert ReportJob.objects.get(pk=job.pk).state == ReportJob.State.QUEUED
    clock.shift(timedelta(minutes=5))
    assert tasks.recover_stale_jobs() == 0, "queued again just now: not stale yet"
    clock.shift(STALE)
    assert tasks.recover_stale_jobs() == 1
    job.refresh_from_db()
    assert (job.state, job.error) == (ReportJob.State.FAILED, "stopped")
    assert queued == [job.pk], "queued again only once"
