"""Phase 4 reviews and Phase 5 acceleration."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from initiatives import services
from initiatives.models import GateError, Initiative, Phase, Review
from initiatives.phase_forms import ReviewActionForm, ReviewForm, ScaleForm
from organisations.models import Organisation, people_in
from renewal import policy
from renewal.forms import submitted_once
from renewal.policy import Action

ACTION_ROWS = 3


def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    people = people_in(Organisation.objects.filter(pk__in=initiative.organisation.ancestor_ids()))
    data = request.POST or None
    form = ReviewForm(data)
    action_forms = [
        ReviewActionForm(data, people=people, prefix=f"action{i}") for i in range(ACTION_ROWS)
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in action_forms):
        actions = [
            {k: f.cleaned_data[k] for k in ("description", "owner", "due_date")}
            for f in action_forms
            if f.cleaned_data.get("description")
        ]
        try:
            with submitted_once(request, form) as once:
                if not once.replayed:  # a double click or a replay lands on the first review
                    review = services.review_record(
                        initiative, request.user, form.save(commit=False), actions
                    )
                    once.url = reverse("initiatives:review", args=[initiative.pk, review.pk])
                    messages.success(request, _("Review recorded with a snapshot of every KPI."))
        except GateError as error:
            # A member's stop or pause, or a stop of a stopped initiative: nothing is saved.
            form.add_error("decision", str(error))
        else:
            return redirect(once.url or initiative.get_absolute_url())
    return render(
        request,
        "initiatives/review_form.html",
        {"form": form, "action_forms": action_forms, "initiative": initiative},
    )


def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk)
    review = (
        Review.objects.filter(initiative=initiative, pk=review_pk)
        .select_related("recorded_by")
        .prefetch_related("snapshots", "actions__owner")
        .first()
    )
    if review is None:
        raise Http404
    return render(
        request, "initiatives/review_detail.html", {"initiative": initiative, "review": review}
    )


def scale(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a follow-up initiative in another unit with this one's KPIs and benefit plan."""
    initiative = Initiative.objects.get_for(request.user, pk, Action.DECIDE)
    organisations = policy.organisations_for(request.user, Action.CREATE)
    form = ScaleForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        with submitted_once(request, form) as once:
            if once.replayed:  # a double click: the first one created the follow-up
                return redirect(once.url or initiative.get_absolute_url())
            follow_up = services.initiative_scale(
                initiative,
                request.user,
                form.cleaned_data["organisation"],
                form.cleaned_data["title"],
            )
            once.url = follow_up.get_absolute_url()
        messages.success(
            request,
            _("Follow-up initiative created with the KPIs and benefit plan of “%(title)s”.")
            % {"title": initiative.title},
        )
        return redirect(follow_up)
    return render(
        request,
        "initiatives/scale.html",
        {"form": form, "initiative": initiative, "phase": Phase.REALISATION},
    )
