"""The API tokens page: a person creates and revokes their own tokens."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import APIToken


@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; a POST creates one and shows its secret, this once only."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = APIToken.issue(
            request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
        )
        form = TokenForm()
    context = {
        "form": form,
        "secret": secret,
        "tokens": APIToken.objects.filter(user=request.user),
    }
    return render(request, "api/tokens.html", context)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(
        request, _("Token “%(name)s” revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("api:tokens")
