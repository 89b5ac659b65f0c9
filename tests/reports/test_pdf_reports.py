"""The PDF reports, read back as text: titles, KPI names, committed figures, å ä ö."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from organisations.models import Membership
from renewal.svg import line_chart
from reports.models import ReportJob


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Table cells wrap: compare with the whitespace (no-break spaces too) made single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def finnish_initiative(initiative):
    initiative.title = "Ympäristölupien sähköinen käsittely ja Åland"
    initiative.save()
    return initiative


def test_application_pdf_shows_the_frozen_commitments(
    leader_client, finnish_initiative, submitted, kpi
):
    response = leader_client.get(reverse("reports:application", args=[submitted.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Ympäristölupien sähköinen käsittely ja Åland" in text
    assert "Permit processing time" in text
    assert "250,000 €" in text
    assert "120 days" in text and "60 days" in text
    assert "Lower handling cost per permit" in text


def test_application_pdf_is_in_the_readers_language(leader, leader_client, submitted):
    leader.language = "fi"
    leader.save()
    text = pdf_text(leader_client.get(reverse("reports:application", args=[submitted.pk])).content)
    assert "Rahoitushakemus" in text
    assert "Sivu 1 / " in text


def test_officer_prints_an_application_they_review(officer_client, granted):
    response = officer_client.get(reverse("reports:application", args=[granted.pk]))
    assert response.status_code == 200
    assert "Granted: report the processing time quarterly." in pdf_text(response.content)


def test_initiative_report_has_phase_kpis_benefits_and_decisions(
    member_client, finnish_initiative, measurements, benefit
):
    response = member_client.get(reverse("reports:initiative", args=[finnish_initiative.pk]))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Ympäristölupien sähköinen käsittely ja Åland" in text
    assert "Goals and metrics" in text
    assert "Permit processing time" in text
    assert "Lower handling cost per permit" in text
    assert "Decisions" in text


def test_initiative_report_is_scoped_by_the_policy(outsider_client, initiative):
    assert (
        outsider_client.get(reverse("reports:initiative", args=[initiative.pk])).status_code == 404
    )


def test_the_chart_is_vector_svg_with_a_title(kpi, measurements):
    svg = line_chart(
        [("Measured", "actual", [(m.date, m.value) for m in measurements])],
        title="Permit processing time",
        unit="days",
        target=60,
    )
    assert svg.startswith("<svg") and "<polyline" in svg
    assert "<title>Permit processing time</title>" in svg


def test_portfolio_report_runs_as_a_task_with_progress_and_a_download(
    leader_client,
    ministry,
    finnish_initiative,
    kpi,
    settings,
    tmp_path,
    celery_runs_tasks,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(reverse("reports:portfolio"), {"organisation": ministry.pk})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()

    status = leader_client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE and job.progress == 100
    assert "Download the report" in status.content.decode()
    assert "<html" not in status.content.decode()

    download = leader_client.get(reverse("reports:download", args=[job.pk]))
    month = f"{job.created_at:%Y-%m}"
    assert f'filename="portfolio-{ministry.pk}-{month}.pdf"' in download["Content-Disposition"]
    text = pdf_text(b"".join(download.streaming_content))
    assert "Monthly portfolio report" in text
    assert "Ympäristölupien sähköinen käsittely ja Åland" in text


def test_the_report_form_starts_at_the_leaders_top_organisation(leader_client, ministry):
    form = leader_client.get(reverse("reports:portfolio")).context["form"]
    field = form["organisation"]

    assert "---------" not in str(field)
    assert field.field.queryset.first() == ministry


def test_only_a_leader_can_ask_for_the_portfolio_report(member_client, agency_a):
    response = member_client.post(reverse("reports:portfolio"), {"organisation": agency_a.pk})
    assert response.status_code == 200
    assert not ReportJob.objects.exists()


def test_a_report_is_its_requesters_only(
    leader_client, viewer_client, ministry, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    leader_client.post(reverse("reports:portfolio"), {"organisation": ministry.pk})
    job = ReportJob.objects.get()
    assert viewer_client.get(job.get_absolute_url()).status_code == 404
    assert viewer_client.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_a_requester_who_lost_their_membership_no_longer_downloads_the_report(
    leader,
    leader_client,
    ministry,
    settings,
    tmp_path,
    celery_runs_tasks,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(reverse("reports:portfolio"), {"organisation": ministry.pk})
    job = ReportJob.objects.get(state=ReportJob.State.DONE)
    download = reverse("reports:download", args=[job.pk])
    assert leader_client.get(download).status_code == 200

    Membership.objects.filter(user=leader, organisation=ministry).delete()

    assert leader_client.get(download).status_code == 404
    assert leader_client.get(job.get_absolute_url()).status_code == 404
    assert job.pk not in [
        j.pk for j in leader_client.get(reverse("reports:portfolio")).context["jobs"]
    ]


def test_a_requester_who_now_only_views_the_organisation_still_downloads_the_report(
    leader,
    leader_client,
    ministry,
    settings,
    tmp_path,
    celery_runs_tasks,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(reverse("reports:portfolio"), {"organisation": ministry.pk})
    job = ReportJob.objects.get(state=ReportJob.State.DONE)

    Membership.objects.filter(user=leader, organisation=ministry).update(
        role=Membership.Role.VIEWER
    )

    assert leader_client.get(reverse("reports:download", args=[job.pk])).status_code == 200


def test_the_old_application_pdf_address_leads_to_the_pdf(leader_client, submitted):
    response = leader_client.get(reverse("funding:pdf", args=[submitted.pk]))

    assert response.status_code == 301
    assert response.url == reverse("reports:application", args=[submitted.pk])


@pytest.mark.parametrize("kind", ["application", "initiative", "portfolio"])
def test_render_report_command_writes_the_same_pdfs(kind, submitted, ministry, tmp_path):
    out = tmp_path / f"{kind}.pdf"
    target = {
        "application": submitted.pk,
        "initiative": submitted.initiative_id,
        "portfolio": ministry.pk,
    }[kind]
    call_command("render_report", kind, str(target), "--out", str(out), stdout=io.StringIO())
    assert "Digital environmental permit service" in pdf_text(out.read_bytes())


def test_a_queued_report_page_polls_for_progress(leader_client, leader, ministry):
    job = ReportJob.objects.create(requested_by=leader, organisation=ministry)

    page = leader_client.get(job.get_absolute_url()).content.decode()
    fragment = leader_client.get(job.get_absolute_url(), headers={"HX-Request": "true"})

    assert "<progress" in page and 'hx-trigger="load delay:1s"' in page
    assert fragment.content.decode().lstrip().startswith('<div id="report-status"')
