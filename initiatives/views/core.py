from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from initiatives.charts import value_stream_chart
from initiatives.forms import (
    GateDecisionForm,
    GateRequestForm,
    InitiativeForm,
    MoveBackForm,
    StopForm,
)
from initiatives.models import (
    GateError,
    Initiative,
    Phase,
    State,
    ValueStreamVersion,
)
from initiatives.my_work import gate_requests_for
from initiatives.phase_forms import RemeasureForm
from initiatives.workspace import build_workspace
from metrics.views import kpi_card_context
from renewal import policy
from renewal.forms import earlier_result, save_or_show_conflict, submitted_once
from renewal.history import history_page
from renewal.policy import Action


def initiative_list(request: HttpRequest) -> HttpResponse:
    initiatives = (
        Initiative.objects.visible_to(request.user)
        .select_related("organisation", "owner")
        .annotate(kpi_count=Count("kpis"))
        .order_by("organisation__path", "title")
    )
    return render(
        request,
        "initiatives/list.html",
        {
            "initiatives": initiatives,
            "decisions_waiting": gate_requests_for(request.user),
            "can_create": policy.organisations_for(request.user, Action.CREATE).exists(),
        },
    )


def initiative_create(request: HttpRequest) -> HttpResponse:
    if not policy.organisations_for(request.user, Action.CREATE).exists():
        raise PermissionDenied
    form = InitiativeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with submitted_once(request, form) as once:
            if not once.replayed:  # a double click or a replay creates one initiative
                once.url = form.save().get_absolute_url()
                messages.success(request, _("Initiative created. Start with its goals and KPIs."))
        return redirect(once.url or reverse("initiatives:list"))
    return render(request, "initiatives/form.html", {"form": form})


def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    form = InitiativeForm(request.POST or None, instance=initiative, user=request.user)
    if request.method == "POST" and form.is_valid() and save_or_show_conflict(form, initiative):
        messages.success(request, _("Changes saved."))
        return redirect(initiative)
    return render(request, "initiatives/form.html", {"form": form, "initiative": initiative})


def initiative_detail(request: HttpRequest, pk: int, phase: int | None = None) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk)
    shown = phase or initiative.phase
    if shown not in Phase.values:
        return redirect(initiative)
    context = workspace_context(request, initiative, shown)
    gate_request = initiative.open_gate_request()
    context.update(
        {
            "phases": _progress(initiative, shown),
            "gate": initiative.gate(),
            "gate_request": gate_request,
            "may_decide_request": gate_request is None
            or policy.may_decide_request(request.user, gate_request),
            "can_request": policy.can(request.user, Action.REQUEST, initiative),
            "request_form": GateRequestForm(prefix="gate"),
            "decisions": initiative.decisions.select_related("decided_by")[:5],
            "move_back_form": MoveBackForm(initiative=initiative) if initiative.phase > 1 else None,
            "can_decide_state": policy.can(request.user, Action.DECIDE, initiative),
        }
    )
    return render(request, "initiatives/detail.html", context)


def workspace_context(request, initiative, shown: int) -> dict:
    """What a phase workspace shows: the initiative's workspace (`build_workspace`, which the PDF
    reads too) and what this user may do in it."""
    workspace = build_workspace(initiative)
    can_edit = policy.can(request.user, Action.EDIT, initiative) and initiative.is_open
    return {
        "initiative": initiative,
        "workspace": workspace,
        "shown_phase": shown,
        "workspace_template": f"initiatives/phases/phase_{shown}.html",
        "can_edit": can_edit,
        "can_decide": policy.can(request.user, Action.DECIDE, initiative) and initiative.is_open,
        "kpi_cards": [
            kpi_card_context(k.kpi, can_edit, today=workspace.today) for k in workspace.kpis
        ]
        if shown == Phase.GOALS
        else [],
        "kpi_statuses": workspace.kpis if shown == Phase.EXECUTION else [],
        "value_stream": workspace.value_stream,
        **_value_stream_context(workspace, can_edit, shown),
        "benefit_totals": workspace.totals,
        "benefit_rows": workspace.planned_benefits,
        "benefits": [row.benefit for row in workspace.planned_benefits],
        "disbenefits": [row.benefit for row in workspace.disbenefits],
        "next_reviews": workspace.next_reviews,
        "follow_ups": initiative.follow_ups.all() if shown == Phase.REALISATION else [],
    }


def _value_stream_context(workspace, can_edit: bool, shown: int) -> dict:
    """The value stream's versions and their comparison, shown in phases 3 and 4."""
    if shown not in (Phase.PLANNING, Phase.EXECUTION):
        return {}
    points = workspace.value_streams
    initiative = workspace.initiative
    return {
        "as_is": workspace.value_stream_of(ValueStreamVersion.Kind.AS_IS),
        "to_be": workspace.value_stream_of(ValueStreamVersion.Kind.TO_BE),
        "remeasurements": workspace.remeasurements,
        "value_stream_points": points,
        "versions_after_baseline": [p for p in points if p.kind != ValueStreamVersion.Kind.AS_IS],
        "value_stream_chart": value_stream_chart(points),
        "can_remeasure": can_edit and initiative.phase >= ValueStreamVersion.REMEASURE_FROM_PHASE,
        "remeasure_form": RemeasureForm(initial={"measured_on": workspace.today}),
    }


def _progress(initiative, shown):
    steps = []
    for p in Phase:
        if initiative.phase > p.value or initiative.state == State.COMPLETED:
            status = "done"
        elif initiative.phase == p.value:
            status = "current"
        else:
            status = "upcoming"
        steps.append(
            {"number": p.value, "label": p.label, "status": status, "shown": p.value == shown}
        )
    return steps


@require_POST
def gate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.DECIDE)
    form = GateDecisionForm(request.POST, initiative=initiative)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(initiative)
    rationale, at_phase = form.cleaned_data["rationale"], form.cleaned_data["phase"]
    try:
        if form.cleaned_data["decision"] == GateDecisionForm.APPROVE:
            initiative.pass_gate(request.user, rationale, at_phase=at_phase)
            if initiative.state == State.COMPLETED:
                messages.success(request, _("The initiative is completed. Its record stays here."))
            else:
                messages.success(
                    request,
                    _("Gate approved. The initiative is now in phase %(phase)s.")
                    % {"phase": f"{initiative.phase}. {initiative.get_phase_display()}"},
                )
        else:
            initiative.return_at_gate(request.user, rationale, at_phase=at_phase)
            messages.success(request, _("Returned to the team with your reason."))
    except GateError as error:
        messages.error(request, str(error))
    return redirect(initiative)


def gate_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A team member (or a leader who wants another's eyes) asks for the gate decision."""
    initiative = Initiative.objects.get_for(request.user, pk, Action.REQUEST)
    form = GateRequestForm(request.POST or None, prefix="gate")
    if request.method == "POST" and earlier_result(request, form):
        return redirect(initiative)  # a double click: the first one asked for the decision
    if request.method == "POST" and form.is_valid():
        try:
            with submitted_once(request, form) as once:
                if not once.replayed:
                    initiative.request_gate(request.user, form.cleaned_data["note"])
                    once.url = initiative.get_absolute_url()
        except GateError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Decision requested. The leaders are notified; one of them decides."),
            )
        return redirect(initiative)
    return render(
        request, "initiatives/gate_request.html", {"form": form, "initiative": initiative}
    )


@require_POST
def gate_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.REQUEST)
    try:
        initiative.withdraw_gate_request(request.user)
        messages.success(request, _("Your request for a gate decision is withdrawn."))
    except GateError as error:
        messages.error(request, str(error))
    return redirect(initiative)


@require_POST
def move_back(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.DECIDE)
    form = MoveBackForm(request.POST, initiative=initiative)
    if form.is_valid():
        try:
            initiative.move_back(
                request.user,
                form.cleaned_data["to_phase"],
                form.cleaned_data["reason"],
                at_phase=form.cleaned_data["phase"],
            )
            messages.success(request, _("The initiative moved back."))
        except GateError as error:
            messages.error(request, str(error))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(initiative)


def stop(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.DECIDE)
    form = StopForm(request.POST or None, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            initiative.stop(
                request.user, form.cleaned_data["rationale"], at_phase=form.cleaned_data["phase"]
            )
            messages.success(request, _("The initiative is stopped. The decision is recorded."))
            return redirect(initiative)
        except GateError as error:
            form.add_error(None, str(error))
    return render(request, "initiatives/stop.html", {"form": form, "initiative": initiative})


@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.DECIDE)
    try:
        initiative.resume(request.user, request.POST.get("rationale", ""))
        messages.success(request, _("The initiative is active again."))
    except GateError as error:
        messages.error(request, str(error))
    return redirect(initiative)


def history(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk)
    page = history_page(initiative, request.user, request.GET.get("page"))
    return render(request, "initiatives/history.html", {"initiative": initiative, "page": page})


def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk)
    rows = initiative.decisions.select_related("decided_by")
    return render(
        request, "initiatives/decisions.html", {"initiative": initiative, "decisions": rows}
    )
