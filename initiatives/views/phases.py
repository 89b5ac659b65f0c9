"""The workspaces of phases 2–5: listed items, initiative sections, value-stream ordering."""

from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from initiatives import phase_forms
from initiatives.forms import ChangeStatementForm
from initiatives.models import (
    Initiative,
    Phase,
    RealisedBenefit,
    ValueStreamStep,
    ValueStreamVersion,
)
from initiatives.views.core import workspace_context
from renewal.forms import Submission, save_or_show_conflict, submitted_once
from renewal.policy import Action, get_or_404


@dataclass(frozen=True)
class ItemKind:
    """A kind of item listed in a phase workspace, edited through the same three views."""

    slug: str
    form_class: type
    phase: int
    name: str
    region: str

    @property
    def model(self):
        return self.form_class._meta.model

    def queryset(self, initiative):
        if self.model is RealisedBenefit:
            return RealisedBenefit.objects.filter(benefit__initiative=initiative)
        return self.model.objects.filter(initiative=initiative)


ITEM_KINDS = {
    kind.slug: kind
    for kind in [
        ItemKind(
            "responsibilities",
            phase_forms.ResponsibilityForm,
            2,
            gettext_lazy("responsibility"),
            "responsibilities",
        ),
        ItemKind(
            "competences", phase_forms.CompetenceForm, 2, gettext_lazy("competence"), "competences"
        ),
        ItemKind("datasets", phase_forms.DatasetForm, 2, gettext_lazy("dataset"), "datasets"),
        ItemKind(
            "principles",
            phase_forms.CommonPrincipleForm,
            2,
            gettext_lazy("common principle"),
            "principles",
        ),
        ItemKind(
            "steps",
            phase_forms.ValueStreamStepForm,
            3,
            gettext_lazy("value stream step"),
            "value-stream",
        ),
        ItemKind("benefits", phase_forms.BenefitForm, 3, gettext_lazy("benefit"), "benefits"),
        ItemKind(
            "reallocations",
            phase_forms.ReallocationForm,
            3,
            gettext_lazy("reallocation"),
            "reallocations",
        ),
        ItemKind(
            "realisations",
            phase_forms.RealisedBenefitForm,
            5,
            gettext_lazy("realised benefit"),
            "realisations",
        ),
    ]
}

SECTIONS = {
    "change-statement": (ChangeStatementForm, Phase.GOALS, gettext_lazy("Change statement")),
    "ai-checklist": (
        phase_forms.AIChecklistForm,
        Phase.PREREQUISITES,
        gettext_lazy("AI checklist"),
    ),
    "cadence": (phase_forms.CadenceForm, Phase.EXECUTION, gettext_lazy("Review cadence")),
    "lessons": (phase_forms.LessonsForm, Phase.REALISATION, gettext_lazy("Lessons learned")),
}


def _kind(slug) -> ItemKind:
    try:
        return ITEM_KINDS[slug]
    except KeyError:
        raise Http404 from None


def _back(initiative, kind: ItemKind, stream_version=None):
    # A re-measurement is kept in the execution phase's workspace, the other items in their own.
    phase = stream_version.page_phase if stream_version else kind.phase
    return f"{initiative.get_phase_url(phase)}#{kind.region}"


def _region_response(request, initiative, kind: ItemKind) -> HttpResponse:
    """For htmx: the phase workspace region that lists this kind of item, freshly loaded."""
    context = workspace_context(request, initiative, kind.phase)
    return render(request, f"initiatives/phases/phase_{kind.phase}.html#{kind.region}", context)


def item_form(
    request: HttpRequest,
    pk: int,
    kind: str,
    item_pk: int | None = None,
    version_pk: int | None = None,
) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    kind = _kind(kind)
    item = None
    if item_pk is not None:
        item = kind.queryset(initiative).filter(pk=item_pk).first()
        if item is None:
            raise Http404
    extra, stream_version = {}, getattr(item, "stream_version", None)
    if version_pk is not None:  # a step added to a named version of the value stream
        stream_version = get_or_404(initiative.value_stream_versions.all(), version_pk)
        extra["stream_version"] = stream_version
    form = kind.form_class(request.POST or None, instance=item, initiative=initiative, **extra)
    if request.method == "POST" and form.is_valid():
        if isinstance(form.instance, RealisedBenefit) and form.instance.pk is None:
            form.instance.recorded_by = request.user
        if item is not None:
            saved = save_or_show_conflict(form, form.instance)
        else:
            with submitted_once(request, form) as once:
                if not once.replayed:  # a double click or a replay adds one item
                    form.save()
                    once.url = _back(initiative, kind, stream_version)
            saved = True
    else:
        saved = False
    if saved:
        if request.htmx:
            return _region_response(request, initiative, kind)
        messages.success(request, _("Saved."))
        return redirect(_back(initiative, kind, stream_version))
    template = "initiatives/item_form.html#form" if request.htmx else "initiatives/item_form.html"
    context = {
        "form": form,
        "initiative": initiative,
        "kind": kind,
        "item": item,
        "action": request.path,  # the form posts to where it was opened
        "back": _back(initiative, kind, stream_version),
    }
    response = render(request, template, context)
    if request.htmx and request.method == "POST":
        # The form posts into its region; with errors it replaces only itself, so the region stays.
        response = reswap(retarget(response, "#item-form"), "outerHTML")
    return response


@require_POST
def item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    kind = _kind(kind)
    item = kind.queryset(initiative).filter(pk=item_pk).first()
    if item is None:
        raise Http404
    item.delete()
    if request.htmx:
        return _region_response(request, initiative, kind)
    messages.success(request, _("Removed."))
    return redirect(_back(initiative, kind, getattr(item, "stream_version", None)))


@require_POST
def step_move(request: HttpRequest, pk: int, item_pk: int, direction: str) -> HttpResponse:
    """Move a value-stream step one place up or down, renumbering the steps 1..n."""
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    step = ValueStreamStep.objects.filter(initiative=initiative, pk=item_pk).first()
    if step is None or direction not in ValueStreamStep.MOVES:
        raise Http404
    step.move(direction)
    kind = ITEM_KINDS["steps"]
    if request.htmx:
        return _region_response(request, initiative, kind)
    return redirect(_back(initiative, kind, step.stream_version))


START_KINDS = {
    "to-be": ValueStreamVersion.Kind.TO_BE,
    "remeasure": ValueStreamVersion.Kind.REMEASURE,
}


@require_POST
def value_stream_start(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Describe the to-be process, or re-measure the real one: a copy of the steps to edit."""
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    if kind not in START_KINDS:
        raise Http404
    kind = START_KINDS[kind]
    form = phase_forms.RemeasureForm(request.POST)
    back = initiative.get_phase_url(
        ValueStreamVersion.REMEASURE_FROM_PHASE if kind == ValueStreamVersion.Kind.REMEASURE else 3
    )
    if kind == ValueStreamVersion.Kind.REMEASURE and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(f"{back}#value-stream")
    data = form.cleaned_data if kind == ValueStreamVersion.Kind.REMEASURE else {}
    try:
        with submitted_once(request, form) if data else nullcontext(Submission()) as once:
            if once.replayed:  # a double click: the first one started the re-measurement
                return redirect(once.url or f"{back}#value-stream")
            version = ValueStreamVersion.start(
                initiative, kind, measured_on=data.get("measured_on"), note=data.get("note", "")
            )
            once.url = f"{back}#value-stream-{version.pk}"
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{back}#value-stream")
    messages.success(request, _("Copied the steps. Edit them to describe this version."))
    return redirect(f"{back}#value-stream-{version.pk}")


def section_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    if section not in SECTIONS:
        raise Http404
    form_class, phase, title = SECTIONS[section]
    form = form_class(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid() and save_or_show_conflict(form, initiative):
        messages.success(request, _("Saved."))
        return redirect(initiative.get_phase_url(phase))
    return render(
        request,
        "initiatives/section_form.html",
        {"form": form, "initiative": initiative, "title": title, "phase": phase},
    )
