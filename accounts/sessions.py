"""The session's own clock: when it began and when the person was last active (accounts.middleware)."""

from django.conf import settings
from django.utils import timezone

STARTED = "accounts_session_started"
LAST_SEEN = "accounts_session_seen"


def session_ends_at(session) -> float | None:
    """When this session's idle or absolute limit ends it (a Unix time), None if not started."""
    started, seen = session.get(STARTED), session.get(LAST_SEEN)
    if started is None or seen is None:
        return None
    return min(seen + settings.SESSION_IDLE_TIMEOUT, started + settings.SESSION_ABSOLUTE_TIMEOUT)


def start_session(session, now: float | None = None) -> None:
    now = timezone.now().timestamp() if now is None else now
    session[STARTED] = now
    session[LAST_SEEN] = now
