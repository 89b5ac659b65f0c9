from django.contrib import admin

from accounts import security
from accounts.models import SecurityEvent
from api.models import APIToken


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    """Administrators can see and revoke tokens; the secrets themselves are never stored."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "expires_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = [
        "user",
        "name",
        "scope",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "revoked_at" in form.changed_data and obj.revoked_at is not None:
            security.record(
                SecurityEvent.Kind.TOKEN_REVOKED,
                obj.user,
                actor=request.user,
                details={"token": obj.prefix, "name": obj.name},
            )

    def has_add_permission(self, request):
        return False
