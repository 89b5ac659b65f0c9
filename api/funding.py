"""Funding in the API: applications, their frozen commitments beside the initiative now, and
progress reports, with one write: submitting a progress report.

The same rules as the pages: `FundingApplication.objects.visible_to` and `get_for` (the applicant
organisation's members read their own, the funder's officers what was sent to them), and
`funding.progress` for who submits. Outside them 404, a role that does not allow it 403.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import HttpError

from api.auth import require_write
from api.funding_schemas import (
    ApplicationDetailOut,
    ApplicationFilters,
    ApplicationPage,
    ProgressReportOut,
    ProgressReportPage,
    ProgressSubmitIn,
)
from api.paging import page as _page
from api.schemas import ERRORS, Id, PageParams
from funding.compare import compare_commitment
from funding.models import FundingApplication, ProgressReport, TransitionError
from funding.progress import may_submit, progress_figures, progress_view
from renewal.audit import acting_as

router = Router(tags=["funding"])


def _number(value):
    return float(value) if value is not None else None


def _application(request, a) -> dict:
    return {
        "id": a.pk,
        "initiative_id": a.initiative_id,
        "initiative": a.initiative.title,
        "organisation": a.initiative.organisation.name,
        "call": {"id": a.call_id, "name": a.call.name, "funder": a.call.funder.name},
        "state": a.state,
        "state_label": str(a.get_state_display()),
        "amount_requested_eur": float(a.amount_requested),
        "period_start": a.period_start,
        "period_end": a.period_end,
        "submitted_at": a.submitted_at,
        "decided_at": a.decided_at,
        "url": request.build_absolute_uri(a.get_absolute_url()),
    }


def _commitment(c) -> dict:
    return {
        "frozen_at": c.frozen_at,
        "initiative_title": c.initiative_title,
        "phase": c.phase,
        "problem": c.problem,
        "change_for_citizens": c.change_for_citizens,
        "change_in_cost_efficiency": c.change_in_cost_efficiency,
        "amount_requested_eur": float(c.amount_requested),
        "period_start": c.period_start,
        "period_end": c.period_end,
        "kpis": [
            {
                "kpi_id": k.kpi_id,
                "name": k.name,
                "unit": k.unit,
                "direction": k.direction,
                "baseline_value": _number(k.baseline_value),
                "baseline_date": k.baseline_date,
                "target_value": _number(k.target_value),
                "target_date": k.target_date,
            }
            for k in c.kpis.all()
        ],
        "benefits": [
            {
                "benefit_id": b.benefit_id,
                "description": b.description,
                "kind": b.kind,
                "is_disbenefit": b.is_disbenefit,
                "quantity": _number(b.quantity),
                "unit": b.unit,
                "expected_date": b.expected_date,
            }
            for b in c.benefits.all()
        ],
    }


def _comparison(commitment, today) -> dict:
    """The live comparison of the application page (funding.compare, with measurements)."""
    comparison = compare_commitment(commitment, today, live=True)
    kpis = []
    for k in comparison.kpis:
        current, status = k.current, k.status
        kpis.append(
            {
                "kpi_id": k.committed.kpi_id,
                "name": k.committed.name,
                "committed_target_value": _number(k.committed.target_value),
                "committed_target_date": k.committed.target_date,
                "current_target_value": _number(current.target_value) if current else None,
                "current_target_date": current.target_date if current else None,
                "latest_value": _number(status.latest_value) if status else None,
                "latest_date": status.latest_date if status else None,
                "status": status.status if status else None,
                "trend": str(k.trend) if k.trend else None,
                "projected_date": k.projected_committed,
                "flags": k.flags,
            }
        )
    benefits = [
        {
            "benefit_id": b.committed.benefit_id,
            "description": b.committed.description,
            "committed_quantity": _number(b.committed.quantity),
            "expected_date": b.committed.expected_date,
            "realised": float(b.realised),
            "realised_by_expected_date": _number(b.realised_by_expected_date),
            "overdue": b.overdue,
            "flags": b.flags,
        }
        for b in comparison.benefits
    ]
    return {"as_of": today, "kpis": kpis, "benefits": benefits}


def _progress_summary(request, r) -> dict:
    return {
        "id": r.pk,
        "application_id": r.application_id,
        "due_on": r.due_on,
        "state": r.state,
        "requested_at": r.requested_at,
        "submitted_at": r.submitted_at,
        "url": request.build_absolute_uri(r.get_absolute_url()),
    }


def _progress(request, report) -> dict:
    view = progress_view(report, request.user)
    snapshot = view.snapshot
    return {
        **_progress_summary(request, report),
        "request_note": report.request_note,
        "narrative": view.narrative,
        "figures": view.figures,
        "submitted_by": str(snapshot.submitted_by) if snapshot and snapshot.submitted_by else None,
        "comments": [
            {
                "author": str(c.author) if c.author else None,
                "body": c.body,
                "created_at": c.created_at,
            }
            for c in view.comments
        ],
    }


@router.get(
    "/applications",
    response={200: ApplicationPage, **ERRORS},
    summary="List the funding applications you can see",
    description=(
        "An organisation's members see its initiatives' applications, drafts too; a funding "
        "officer sees those sent to their funder."
    ),
)
def application_list(request, filters: Query[ApplicationFilters]):
    applications = (
        FundingApplication.objects.visible_to(request.user)
        .select_related("initiative__organisation", "call__funder")
        .order_by("-created_at", "-id")
    )
    if filters.state:
        applications = applications.filter(state=filters.state)
    page = _page(request, applications, filters)
    page["results"] = [_application(request, a) for a in page["results"]]
    return page


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Read an application with its frozen commitments and the live comparison",
)
def application_detail(request, application_id: Path[Id]):
    application = FundingApplication.objects.get_for(request.user, application_id)
    commitment = getattr(application, "commitment", None) if not application.is_draft else None
    today = timezone.localdate()
    return {
        **_application(request, application),
        "summary": application.summary,
        "commitment": _commitment(commitment) if commitment else None,
        "comparison": _comparison(commitment, today) if commitment else None,
        "progress_reports": [
            _progress_summary(request, r) for r in application.progress_reports.all()
        ],
    }


@router.get(
    "/applications/{application_id}/progress-reports",
    response={200: ProgressReportPage, **ERRORS},
    summary="List an application's progress reports",
)
def progress_list(request, application_id: Path[Id], params: Query[PageParams]):
    application = FundingApplication.objects.get_for(request.user, application_id)
    page = _page(request, application.progress_reports.all(), params)
    page["results"] = [_progress_summary(request, r) for r in page["results"]]
    return page


@router.get(
    "/progress-reports/{report_id}",
    response={200: ProgressReportOut, **ERRORS},
    summary="Read a progress report: frozen once submitted",
)
def progress_detail(request, report_id: Path[Id]):
    return _progress(request, ProgressReport.objects.get_for(request.user, report_id))


@router.post(
    "/progress-reports/{report_id}/submit",
    response={200: ProgressReportOut, **ERRORS},
    summary="Submit a progress report with its narrative",
    description=(
        "Stores the narrative and freezes it with the initiative's figures as they are now; "
        "the report cannot change afterwards (409). The initiative's owner or a leader over it; "
        "needs a read and write token."
    ),
)
def progress_submit(request, report_id: Path[Id], payload: ProgressSubmitIn):
    require_write(request)
    report = ProgressReport.objects.get_for(request.user, report_id)
    if not report.is_open:
        raise HttpError(409, _("A submitted progress report cannot be changed."))
    if not may_submit(request.user, report):
        raise HttpError(403, _("Your role does not allow this."))
    if not payload.narrative.strip():
        raise HttpError(422, _("Write the narrative before submitting the report."))
    with transaction.atomic(), acting_as(request.user):
        locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if not locked.is_open:
            raise HttpError(409, _("A submitted progress report cannot be changed."))
        report.narrative = payload.narrative.strip()
        report.version = locked.version + 1
        report.save()
        try:
            report.submit(request.user, progress_figures(report.application, timezone.localdate()))
        except TransitionError as error:
            raise HttpError(409, str(error)) from None
    return _progress(request, ProgressReport.objects.get_for(request.user, report.pk))
