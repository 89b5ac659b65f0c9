from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import SecurityEvent
from accounts.stages import ENROLMENT_PENDING


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log for administrators: read only, kept like the audit trail."""

    list_display = ["at", "kind", "username", "actor_name", "ip_address"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "actor_name", "ip_address"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


_has_permission = admin.site.has_permission


def _has_permission_with_second_factor(request):
    """Staff who signed in without a second factor must enrol before the admin opens
    (accounts.middleware clears the mark once they have one)."""
    return _has_permission(request) and not request.session.get(ENROLMENT_PENDING)


admin.site.has_permission = _has_permission_with_second_factor


def admin_login(view):
    """The admin's sign-in is the site's (throttled, with the second factor); staff still to enrol
    are sent to do so rather than shown the admin's own form."""
    secured = secure_admin_login(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and request.session.get(ENROLMENT_PENDING):
            return redirect(f"{reverse('accounts:second_factor')}?next={request.get_full_path()}")
        return secured(request, *args, **kwargs)

    return wrapped
