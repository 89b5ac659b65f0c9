"""Bearer-token authentication for the API: the token's user is the request's user.

Who may do what is still answered by renewal.policy, exactly as for the pages; the token only adds
limits of its own: a read token cannot write, and each token may make API_TOKEN_RATE_PER_MINUTE
requests a minute (then 429 with Retry-After).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from api.models import APIToken


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("rate limited")
        self.retry_after = retry_after


def consume_rate(token: APIToken) -> None:
    """Count one request of this token in the current minute; RateLimited past the limit."""
    now = time.time()
    window = int(now // 60)
    key = f"api-token-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > settings.API_TOKEN_RATE_PER_MINUTE:
        raise RateLimited(retry_after=max(1, int((window + 1) * 60 - now) + 1))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> APIToken | None:
        api_token = APIToken.authenticate(token.strip())
        if api_token is None:
            return None
        consume_rate(api_token)
        # Policy, audit and the views all read request.user.
        request.user = api_token.user
        request.api_token = api_token
        return api_token


def require_write(request) -> None:
    """403 for a read-only token, before any other check: the request cannot succeed."""
    if not request.auth.can_write:
        raise HttpError(403, _("This token may only read. Create a read and write token to write."))
