from django import forms
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from funding.models import FundingApplication, ProgressReport
from initiatives.models import Initiative
from renewal import policy
from renewal.policy import Action
from reports import render as renderers
from reports.models import ReportJob
from reports.pdf import pdf_response
from reports.tasks import recover, render_portfolio_report


def initiative_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One initiative's report is quick enough to return directly."""
    initiative = Initiative.objects.get_for(request.user, pk)
    pdf = renderers.initiative_pdf(initiative, request.user, request.LANGUAGE_CODE)
    return pdf_response(pdf, f"initiative-{initiative.pk}.pdf")


def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = FundingApplication.objects.get_for(request.user, pk)
    pdf = renderers.application_pdf(application, request.LANGUAGE_CODE)
    return pdf_response(pdf, f"funding-application-{application.pk}.pdf")


def progress_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = ProgressReport.objects.get_for(request.user, pk)
    pdf = renderers.progress_pdf(report, request.user, request.LANGUAGE_CODE)
    return pdf_response(pdf, f"progress-report-{report.pk}.pdf")


class PortfolioReportForm(forms.Form):
    # No empty choice: the leader's top organisation comes first and is ready to go.
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The monthly report is for leadership: the organisations where the user decides.
        organisations = policy.organisations_for(user, Action.DECIDE).order_by("path")
        self.fields["organisation"].queryset = organisations


def portfolio_report(request: HttpRequest) -> HttpResponse:
    """Ask for the monthly portfolio report; it renders in the background."""
    form = PortfolioReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = ReportJob.objects.create(
            requested_by=request.user,
            organisation=form.cleaned_data["organisation"],
            language=request.LANGUAGE_CODE,
        )
        transaction.on_commit(lambda: render_portfolio_report.delay(job.pk))
        return redirect(job)
    jobs = ReportJob.objects.visible_to(request.user).select_related("organisation")[:10]
    return render(request, "reports/portfolio.html", {"form": form, "jobs": jobs})


def _own_job(request, pk) -> ReportJob:
    # A report is its requester's, and only while they may still see the organisation it covers:
    # others get 404, as for anything outside their organisations.
    return get_object_or_404(
        ReportJob.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )


def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; htmx polls the status region until the file is ready."""
    report_job = _own_job(request, pk)
    if not report_job.finished and recover(ReportJob.objects.filter(pk=report_job.pk)):
        # Its worker died: it was queued again or failed, and the page says which.
        report_job = _own_job(request, pk)
    template = "reports/job.html#status" if request.htmx else "reports/job.html"
    return render(request, template, {"job": report_job})


def download(request: HttpRequest, pk: int) -> HttpResponse:
    report_job = _own_job(request, pk)
    if report_job.state != ReportJob.State.DONE or not report_job.file:
        raise Http404
    return FileResponse(
        default_storage.open(report_job.file.name, "rb"),
        content_type="application/pdf",
        # The stored name may carry the storage's suffix for a second report in a month.
        filename=f"portfolio-{report_job.organisation_id}-{report_job.created_at:%Y-%m}.pdf",
    )
