from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import session_ends_at

register = template.Library()


@register.inclusion_tag("account/session_warning.html", takes_context=True)
def session_warning(context):
    """The idle-timeout warning's dialog, with what its static script needs as JSON."""
    request = context["request"]
    ends_at = session_ends_at(request.session)
    remaining = (
        int(ends_at - timezone.now().timestamp()) if ends_at else settings.SESSION_IDLE_TIMEOUT
    )
    return {
        "session_timeout": {
            "remaining": max(0, remaining),
            "warning": settings.SESSION_WARNING_SECONDS,
            "status_url": reverse("accounts:session_status"),
            "login_url": reverse(settings.LOGIN_URL),
            "csrf_token": get_token(request),
        }
    }
