"""Bearer-token authentication for the API: the token's user is the request's user.

Who may do what is still answered by renewal.policy, exactly as for the pages; the token only adds
one limit of its own: a read token cannot write.
"""

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from api.models import APIToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> APIToken | None:
        api_token = APIToken.authenticate(token.strip())
        if api_token is None:
            return None
        # Policy, audit and the views all read request.user.
        request.user = api_token.user
        request.api_token = api_token
        return api_token


def require_write(request) -> None:
    """403 for a read-only token, before any other check: the request cannot succeed."""
    if not request.auth.can_write:
        raise HttpError(403, _("This token may only read. Create a read and write token to write."))
