from django.contrib import admin

from api.models import APIToken


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    """Administrators can see and revoke tokens; the secrets themselves are never stored."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "scope", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
