"""Account pages of our own: the second-factor enrolment notice and the session's remaining time."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.policy import has_second_factor, second_factor_required
from accounts.sessions import session_ends_at

SKIPPED = "accounts_enrolment_skipped"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Asks a person who must have a second factor to enrol; offers the demo a way to skip."""
    skippable = settings.MFA_ENROLMENT_SKIPPABLE
    if request.method == "POST" and skippable:
        request.session[SKIPPED] = True
        return redirect(_next(request))
    context = {
        "required": second_factor_required(request.user),
        "enrolled": has_second_factor(request.user),
        "skippable": skippable,
        "next": _next(request),
    }
    return render(request, "account/second_factor_required.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the session ends. GET only reads (it is not activity); POST is the
    "stay signed in" button, which counts as activity like any request of the person's."""
    ends_at = session_ends_at(request.session) if request.user.is_authenticated else None
    remaining = max(0, int(ends_at - timezone.now().timestamp())) if ends_at else 0
    return JsonResponse({"signed_in": request.user.is_authenticated, "remaining": remaining})
