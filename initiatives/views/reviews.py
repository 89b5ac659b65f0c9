"""Phase 4 reviews and Phase 5 acceleration."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from initiatives import services
from initiatives.models import GateError, Initiative, Phase, Review, ReviewAction
from initiatives.phase_forms import ActionDoneForm, ReviewActionForm, ReviewForm, ScaleForm
from organisations.models import Organisation, people_in
from renewal import policy
from renewal.forms import submitted_once
from renewal.policy import Action

ACTION_ROWS = 3


def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    # An action's owner must be able to mark it done: a member or leader over the initiative.
    people = people_in(
        Organisation.objects.filter(pk__in=initiative.organisation.ancestor_ids()),
        roles=policy.OWNER_ROLES,
    )
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
        {
            "form": form,
            "action_forms": action_forms,
            "initiative": initiative,
            "still_open": open_actions_before(initiative),
            "today": timezone.localdate(),
        },
    )


def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk)
    review = (
        Review.objects.filter(initiative=initiative, pk=review_pk)
        .select_related("recorded_by")
        .prefetch_related("snapshots", "actions__owner", "actions__done_by")
        .first()
    )
    if review is None:
        raise Http404
    return render(
        request,
        "initiatives/review_detail.html",
        {
            "initiative": initiative,
            "review": review,
            "still_open": open_actions_before(initiative, review),
            "can_edit": policy.can(request.user, Action.EDIT, initiative),
            "today": timezone.localdate(),
        },
    )


def open_actions_before(initiative, review=None) -> list[ReviewAction]:
    """The actions of earlier reviews that nobody has marked done, for the next review to see."""
    actions = ReviewAction.objects.filter(review__initiative=initiative, done=False)
    if review is not None:
        actions = actions.filter(
            Q(review__date__lt=review.date) | Q(review__date=review.date, review__pk__lt=review.pk)
        )
    return list(actions.select_related("owner", "done_by", "review").order_by("due_date", "pk"))


def action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Mark a review action done, with a note on what was done."""
    initiative = Initiative.objects.get_for(request.user, pk, Action.EDIT)
    action = policy.get_or_404(
        ReviewAction.objects.filter(review__initiative=initiative).select_related(
            "review", "owner", "done_by"
        ),
        action_pk,
    )
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or f"{action.review.get_absolute_url()}#action-{action.pk}"
    form = ActionDoneForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if action.mark_done(request.user, form.cleaned_data["note"]):
                messages.success(request, _("Action marked done: %(action)s") % {"action": action})
            else:
                messages.info(request, _("Someone had already marked this action done."))
            return redirect(back)
        status = 400
    else:
        status = 200
    return render(
        request,
        "initiatives/action_done.html",
        {"form": form, "initiative": initiative, "action": action, "next": back},
        status=status,
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
