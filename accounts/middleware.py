"""Bounded sessions and the second factor some roles must have (README "Accounts")."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import security
from accounts.models import SecurityEvent
from accounts.policy import has_second_factor, second_factor_required
from accounts.sessions import LAST_SEEN, STARTED, session_ends_at, start_session
from accounts.stages import ENROLMENT_PENDING

# Requests the page makes by itself do not keep a session alive (the unread count polls).
NOT_ACTIVITY = {"notifications:count", "accounts:session_status"}
# Activity is stored at most this often, so most requests do not write the session.
SEEN_PRECISION_SECONDS = 30
# What a person who still has to enrol may open.
ENROLMENT_OPEN = {
    "accounts:second_factor",
    "accounts:session_status",
    "notifications:count",
    "set_language",
    "healthz",
}
ENROLMENT_OPEN_PREFIXES = ("mfa_", "account_logout", "account_reauthenticate", "logout")


def _url_name(request) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name or ""


class SessionBoundsMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request of the
    person's, or SESSION_ABSOLUTE_TIMEOUT after it began, whichever comes first. Also gives the
    security log the request's address and browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with security.from_request(request):
            expired = self._check(request)
            if expired is not None:
                return expired
            return self.get_response(request)

    def _check(self, request):
        if not request.user.is_authenticated:
            return None
        now = timezone.now().timestamp()
        session = request.session
        ends_at = session_ends_at(session)
        if ends_at is not None and now >= ends_at:
            user = request.user
            reason = (
                "absolute"
                if now >= session[STARTED] + settings.SESSION_ABSOLUTE_TIMEOUT
                else "idle"
            )
            logout(request)
            security.record(
                SecurityEvent.Kind.SESSION_EXPIRED, user, actor=None, details={"limit": reason}
            )
            messages.info(request, _("Your session ended. Please sign in again."))
            if request.path.startswith("/api/"):
                return None  # the API signs in with tokens; its own 401 answers
            if request.headers.get("HX-Request"):
                response = redirect(settings.LOGIN_URL)
                response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                return response
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
        if STARTED not in session:  # a session from before these limits
            start_session(session, now)
        else:
            name = _url_name(request)
            staying = name == "accounts:session_status" and request.method == "POST"
            due = now - session.get(LAST_SEEN, 0) >= SEEN_PRECISION_SECONDS
            if staying or (due and name not in NOT_ACTIVITY):
                session[LAST_SEEN] = now
        return None


class SecondFactorMiddleware:
    """After a sign-in without a second factor, those who must have one (accounts.policy) are sent
    to enrol before anything else; with MFA_ENROLMENT_SKIPPABLE (the demo) they may skip it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(ENROLMENT_PENDING):
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        if has_second_factor(request.user):
            del request.session[ENROLMENT_PENDING]
            return None
        if not second_factor_required(request.user) or request.session.get(
            "accounts_enrolment_skipped"
        ):
            return None
        name = _url_name(request)
        if name in ENROLMENT_OPEN or name.startswith(ENROLMENT_OPEN_PREFIXES):
            return None
        if request.path.startswith((settings.STATIC_URL, "/" + settings.STATIC_URL)):
            return None
        target = f"{reverse('accounts:second_factor')}?next={request.get_full_path()}"
        if request.headers.get("HX-Request"):
            # A fragment request: send the whole page there, not the notice into the fragment.
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
