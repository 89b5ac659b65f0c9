"""Access requests (issue 16): a person signed in through the identity provider but without a
membership asks to join an organisation; one of its leaders approves with a role or declines."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import security
from accounts.models import SecurityEvent
from organisations.models import AccessRequest, Membership, Organisation
from renewal import audit, policy
from renewal.forms import OncePerSubmission, earlier_result, submitted_once


class AccessRequestForm(OncePerSubmission, forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["organisation", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        pending = AccessRequest.objects.filter(
            user=self.user, organisation=organisation, state=AccessRequest.State.PENDING
        )
        if pending.exists():
            raise forms.ValidationError(
                _("You have already asked to join %(name)s; its leaders have been told.")
                % {"name": organisation}
            )
        return organisation


class DecisionForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.Role.choices)


def has_membership(user) -> bool:
    return Membership.objects.filter(user=user).exists()


@never_cache
def no_access(request: HttpRequest) -> HttpResponse:
    """Where someone without any membership lands: what this means, and a request to join."""
    if has_membership(request.user):
        return redirect("initiatives:list")
    form = AccessRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and (replayed := earlier_result(request, form)):
        return redirect(replayed)  # a double click: the first one sent the request
    if request.method == "POST" and form.is_valid():
        with submitted_once(request, form) as once:
            if not once.replayed:
                access = form.save(commit=False)
                access.user = request.user
                access.save()
                security.record(
                    SecurityEvent.Kind.ACCESS_REQUESTED,
                    request.user,
                    details={"organisation": access.organisation_id},
                )
                messages.success(
                    request,
                    _("Your request was sent to the leaders of %(name)s.")
                    % {"name": access.organisation},
                )
            once.url = request.path
        return redirect(request.path)
    context = {
        "form": form,
        "requests": AccessRequest.objects.filter(user=request.user).select_related("organisation"),
    }
    return render(request, "account/no_access.html", context)


def requests_to_decide(user):
    """Pending requests in organisations where the user may decide them."""
    pending = AccessRequest.objects.filter(state=AccessRequest.State.PENDING).select_related(
        "user", "organisation"
    )
    return [r for r in pending if policy.may_decide_access_request(user, r)]


@never_cache
def access_requests(request: HttpRequest) -> HttpResponse:
    context = {"requests": requests_to_decide(request.user), "form": DecisionForm()}
    return render(request, "account/access_requests.html", context)


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        access = get_object_or_404(
            AccessRequest.objects.select_for_update().select_related("organisation", "user"),
            pk=pk,
        )
        if not policy.may_decide_access_request(request.user, access):
            raise PermissionDenied
        if access.state != AccessRequest.State.PENDING:
            messages.info(request, _("This request was already decided."))
            return redirect("accounts:access_requests")
        approve = request.POST.get("decision") == "approve"
        form = DecisionForm(request.POST)
        if approve and not form.is_valid():
            messages.error(request, _("Choose the role to give."))
            return redirect("accounts:access_requests")
        access.state = AccessRequest.State.APPROVED if approve else AccessRequest.State.DECLINED
        access.decided_by, access.decided_at = request.user, timezone.now()
        if approve:
            access.role = form.cleaned_data["role"]
            with audit.acting_as(request.user):
                Membership.objects.get_or_create(
                    user=access.user,
                    organisation=access.organisation,
                    defaults={"role": access.role},
                )
        access.save()
        security.record(
            SecurityEvent.Kind.ACCESS_DECIDED,
            access.user,
            details={
                "organisation": access.organisation_id,
                "decision": access.state,
                "role": access.role,
            },
        )
    messages.success(
        request,
        _("%(person)s can now use Renewal in %(organisation)s.")
        % {"person": access.user, "organisation": access.organisation}
        if approve
        else _("Request declined."),
    )
    return redirect("accounts:access_requests")
