"""Progress report pages: the officer requests, the applicant writes and submits, the officer
reviews. Who may do which is `funding.progress` asking `renewal.policy`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from funding.forms import ProgressNarrativeForm, ProgressRequestForm, ProgressReviewForm
from funding.models import FundingApplication, ProgressReport, TransitionError
from funding.progress import may_fill, may_submit, progress_figures, progress_view
from funding.views import _detail_context
from renewal import policy
from renewal.forms import save_or_show_conflict, submitted_once
from renewal.policy import Action


@require_POST
def progress_request(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer asks a granted application for a progress report."""
    application = FundingApplication.objects.get_for(request.user, pk, Action.REVIEW)
    form = ProgressRequestForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, application, progress_request_form=form)
        return render(request, "funding/detail.html", context, status=400)
    try:
        with submitted_once(request, form) as once:
            if not once.replayed:  # a double click lands on the first request
                report = ProgressReport.request(
                    application,
                    request.user,
                    form.cleaned_data["due_on"],
                    form.cleaned_data["request_note"],
                )
                once.url = report.get_absolute_url()
                messages.success(
                    request, _("Progress report requested. The owner and leaders are told.")
                )
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect(application)
    return redirect(once.url or application.get_absolute_url())


def progress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = ProgressReport.objects.get_for(request.user, pk)
    return render(request, "funding/progress.html", _progress_context(request, report))


def _progress_context(request, report, narrative_form=None, review_form=None) -> dict:
    can_fill = may_fill(request.user, report)
    can_review = not report.is_open and policy.can_review(request.user, report.application)
    if can_fill and narrative_form is None:
        narrative_form = ProgressNarrativeForm(instance=report)
    if can_review and review_form is None:
        review_form = ProgressReviewForm()
    return {
        "view": progress_view(report, request.user),
        "report": report,
        "application": report.application,
        "initiative": report.application.initiative,
        "narrative_form": narrative_form if can_fill else None,
        "can_submit": may_submit(request.user, report),
        "review_form": review_form if can_review else None,
    }


@require_POST
def progress_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the narrative and, with the submit button, send the report to the funder."""
    report = ProgressReport.objects.get_for(request.user, pk)
    submitting = request.POST.get("action") == "submit"
    if not report.is_open:
        messages.error(request, _("A submitted progress report cannot be changed."))
        return redirect(report)
    if not may_fill(request.user, report) or (submitting and not may_submit(request.user, report)):
        raise PermissionDenied
    form = ProgressNarrativeForm(request.POST, instance=report)
    if form.is_valid() and submitting and not form.cleaned_data["narrative"].strip():
        form.add_error("narrative", _("Write the narrative before submitting the report."))
    if not form.is_valid() or not save_or_show_conflict(form, report):
        context = _progress_context(request, report, narrative_form=form)
        return render(request, "funding/progress.html", context, status=400)
    if not submitting:
        messages.success(request, _("Draft saved."))
        return redirect(report)
    try:
        report.submit(request.user, progress_figures(report.application, timezone.localdate()))
        messages.success(request, _("Submitted. The report and its figures are now frozen."))
    except TransitionError as error:
        messages.error(request, str(error))
    return redirect(report)


@require_POST
def progress_review(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer's review comment; the first marks the report reviewed."""
    report = ProgressReport.objects.get_for(request.user, pk, Action.REVIEW)
    form = ProgressReviewForm(request.POST)
    if not form.is_valid():
        context = _progress_context(request, report, review_form=form)
        return render(request, "funding/progress.html", context, status=400)
    try:
        report.review(request.user, form.cleaned_data["body"])
        messages.success(request, _("Review saved."))
    except TransitionError as error:
        messages.error(request, str(error))
    return redirect(report)
