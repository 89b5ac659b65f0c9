from django.contrib import admin

from initiatives.models import GateDecision, Initiative


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "phase", "state", "owner"]
    list_filter = ["phase", "state", "organisation"]
    search_fields = ["title", "problem", "tags"]
    autocomplete_fields = ["organisation", "owner"]
    filter_horizontal = ["team"]


@admin.register(GateDecision)
class GateDecisionAdmin(admin.ModelAdmin):
    list_display = ["initiative", "outcome", "from_phase", "to_phase", "decided_by", "decided_at"]
    list_filter = ["outcome"]

    def has_change_permission(self, request, obj=None):
        return False  # A decision is a record of what was decided; it is never rewritten.
