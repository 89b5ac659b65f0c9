from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from funding import workspace as workspace_data
from funding.compare import compare_commitments
from funding.forms import ApplicationForm, ReviewForm
from funding.models import ApplicationState, FundingApplication, TransitionError
from funding.progress import progress_panel
from funding.reports import application_report
from funding.workspace import build_workspace
from initiatives.models import Initiative
from initiatives.radar import radar_for
from initiatives.views.portfolio import _url_builder as filtered_url
from renewal import policy
from renewal.exports import table_response
from renewal.forms import save_or_show_conflict, submitted_once
from renewal.policy import Action

# Officers work the queue in this order once overdue commitments are on top.
STATE_ORDER = [
    ApplicationState.SUBMITTED,
    ApplicationState.IN_REVIEW,
    ApplicationState.GRANTED,
    ApplicationState.DRAFT,
    ApplicationState.REJECTED,
    ApplicationState.WITHDRAWN,
]


def application_list(request: HttpRequest) -> HttpResponse:
    """Every application the user may read, across organisations; overdue commitments first."""
    applications = list(
        FundingApplication.objects.visible_to(request.user)
        .select_related("initiative__organisation", "call", "commitment")
        .order_by("-submitted_at", "-created_at")
    )
    comparisons = compare_commitments(
        [a.commitment.pk for a in applications if hasattr(a, "commitment")],
        timezone.localdate(),
    )
    for a in applications:
        a.comparison = comparisons.get(a.commitment.pk) if hasattr(a, "commitment") else None
        a.overdue_count = a.comparison.overdue if a.comparison else 0
    # The paradox radar of the initiatives shown, in one call whatever their number (nothing
    # counts as overdue here: the officer's list does not compute the overdue counts).
    initiatives = {a.initiative_id: a.initiative for a in applications}
    radars = radar_for(list(initiatives.values()), timezone.localdate())
    for a in applications:
        a.radar = radars.get(a.initiative_id)
    with_signal = request.GET.get("signal") == "any"
    if with_signal:
        applications = [a for a in applications if a.radar and a.radar.signals]
    applications.sort(key=lambda a: (a.overdue_count == 0, STATE_ORDER.index(a.state)))
    return render(
        request,
        "funding/list.html",
        {
            "applications": applications,
            "is_officer": policy.is_funding_officer(request.user),
            "with_signal": with_signal,
        },
    )


def _officer_only(request: HttpRequest) -> None:
    if not policy.is_funding_officer(request.user):
        raise PermissionDenied


@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    """The funding officer's landing page: the funded portfolio of what their funder received,
    filtered by the GET query; the charts drill down to the same page, filtered further."""
    _officer_only(request)
    data = build_workspace(request.user, request.GET)
    url = filtered_url(request, "funding:workspace")
    groups = data.by_call_and_year()
    counts = data.counts()
    context = {
        "workspace": data,
        "form": data.filters,
        "groups": [(g, url(call=g.call.pk, state=ApplicationState.GRANTED)) for g in groups],
        "totals": data.totals,
        "signal_counts": [
            (label, counts.get(code, 0), url(signal=code))
            for code, label in workspace_data.SIGNAL_LABELS.items()
        ],
        "figures": {
            "benefit": workspace_data.benefit_by_call_figure(groups, url),
            "signals": workspace_data.signals_figure(counts, url),
        },
        "export_query": request.GET.urlencode(),
    }
    status = 400 if data.filters.errors else 200
    return render(request, "funding/workspace.html", context, status=status)


@require_safe
def workspace_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The workspace's applications as CSV or XLSX: exactly the rows the same filters list."""
    _officer_only(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data = build_workspace(request.user, request.GET)
    if data.filters.errors:
        return workspace(request)
    header, body = workspace_data.export_table(data)
    stamp = timezone.localdate().isoformat()
    return table_response(
        header, body, fmt=fmt, filename=f"funded-portfolio-{stamp}", sheet=_("Funded portfolio")
    )


def initiative_applications(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk)
    applications = FundingApplication.objects.visible_to(request.user).filter(initiative=initiative)
    return render(
        request,
        "funding/initiative.html",
        {
            "initiative": initiative,
            "applications": applications.select_related("call"),
            "can_apply": policy.can(request.user, Action.APPLY, initiative),
        },
    )


def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.APPLY)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.initiative = initiative
        form.instance.created_by = request.user
        with submitted_once(request, form) as once:
            if not once.replayed:  # a double click or a replay lands on the first one's draft
                once.url = form.save().get_absolute_url()
                messages.success(request, _("Draft saved. Check the commitments, then submit."))
        return redirect(once.url or reverse("funding:initiative", args=[initiative.pk]))
    return render(request, "funding/form.html", {"form": form, "initiative": initiative})


def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = FundingApplication.objects.get_for(request.user, pk, Action.APPLY)
    if not application.is_draft:
        messages.error(request, _("A submitted application cannot be changed."))
        return redirect(application)
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid() and save_or_show_conflict(form, application):
        messages.success(request, _("Changes saved."))
        return redirect(application)
    context = {"form": form, "initiative": application.initiative, "application": application}
    return render(request, "funding/form.html", context)


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = FundingApplication.objects.get_for(request.user, pk)
    return render(request, "funding/detail.html", _detail_context(request, application))


def _detail_context(
    request, application, review_form: ReviewForm | None = None, progress_request_form=None
) -> dict:
    """The application page, shown as it is or with the officer's review form and its errors."""
    can_review = policy.can_review(request.user, application)
    if review_form is None and can_review:
        review_form = ReviewForm(application=application)
    return {
        "report": application_report(application),
        "application": application,
        "initiative": application.initiative,
        "can_apply": policy.can(request.user, Action.APPLY, application.initiative),
        "can_review": can_review,
        "review_form": review_form if can_review else None,
        "radar": radar_for([application.initiative], timezone.localdate())[
            application.initiative_id
        ],
        **progress_panel(request.user, application, progress_request_form),
    }


@require_POST
def application_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """The applicant's moves: submit (which freezes the commitments) and withdraw."""
    application = FundingApplication.objects.get_for(request.user, pk, Action.APPLY)
    if move not in ("submit", "withdraw"):
        raise Http404
    try:
        if move == "submit":
            application.submit(request.user)
            messages.success(request, _("Submitted. The commitments are now frozen."))
        else:
            application.withdraw(request.user)
            messages.success(request, _("The application is withdrawn."))
    except TransitionError as error:
        messages.error(request, str(error))
    return redirect(application)


@require_POST
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer's comment or decision; the applicant sees the comment."""
    application = FundingApplication.objects.get_for(request.user, pk, Action.REVIEW)
    form = ReviewForm(request.POST, application=application)
    if not form.is_valid():
        context = _detail_context(request, application, form)
        return render(request, "funding/detail.html", context, status=400)
    action, body = form.cleaned_data["action"], form.cleaned_data["body"].strip()
    try:
        if action == ReviewForm.COMMENT:
            application.comment(request.user, body)
        elif action == ReviewForm.START:
            application.start_review(request.user, body)
        elif action == ReviewForm.GRANT:
            acknowledged = form.cleaned_data.get("stop_acknowledged", False)
            application.grant(request.user, body, stop_acknowledged=acknowledged)
        elif action == ReviewForm.REJECT:
            application.reject(request.user, body)
        messages.success(request, _("Review saved."))
    except TransitionError as error:
        messages.error(request, str(error))
    return redirect(application)
