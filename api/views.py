"""The API tokens page: a person creates and revokes their own tokens."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import security
from accounts.models import SecurityEvent
from api.forms import TokenForm
from api.models import APIToken

# Between the POST that creates a token and the page that shows it, this once.
NEW_SECRET = "api_new_token_secret"


@never_cache
@reauthentication_required(allow_get=True)
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens. Creating one asks for the password (or second factor) again unless
    the person signed in moments ago, then redirects back here, where its secret shows once, so
    reloading the page never creates a second token."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = APIToken.issue(
            request.user,
            form.cleaned_data["name"],
            form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
        security.record(
            SecurityEvent.Kind.TOKEN_CREATED,
            request.user,
            details={
                "token": token.prefix,
                "name": token.name,
                "scope": token.scope,
                "expires_at": token.expires_at.isoformat(),
            },
        )
        request.session[NEW_SECRET] = secret
        return redirect("api:tokens")
    context = {
        "form": form,
        "secret": request.session.pop(NEW_SECRET, None) if request.method == "GET" else None,
        "tokens": APIToken.objects.for_user(request.user),
    }
    return render(request, "api/tokens.html", context)


@never_cache
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (a revoked token cannot be brought back), then revoke on POST."""
    token = get_object_or_404(
        APIToken.objects.for_user(request.user), pk=pk, revoked_at__isnull=True
    )
    if request.method != "POST":
        return render(request, "api/token_revoke.html", {"token": token})
    token.revoke()
    security.record(
        SecurityEvent.Kind.TOKEN_REVOKED,
        request.user,
        details={"token": token.prefix, "name": token.name},
    )
    messages.success(
        request, _("Token “%(name)s” revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("api:tokens")
