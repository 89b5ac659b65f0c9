from datetime import timedelta

from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renewal import audit
from renewal.models import ACCESSIBILITY_ANSWER_DAYS, AccessibilityFeedback, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "content_type", "object_repr", "initiative_id"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerStateFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("overdue (no answer in 14 days)")),
            ("open", _("not answered yet")),
            ("answered", _("answered")),
        ]

    def queryset(self, request, queryset):
        due_before = timezone.now() - timedelta(days=ACCESSIBILITY_ANSWER_DAYS)
        if self.value() == "overdue":
            return queryset.filter(answered_at__isnull=True, received_at__lt=due_before)
        if self.value() == "open":
            return queryset.filter(answered_at__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_at__isnull=False)
        return queryset


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["received_at", "name", "email", "page_url", "answer_due", "answered_at"]
    list_filter = [AnswerStateFilter, "received_at"]
    search_fields = ["name", "email", "page_url", "message"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "received_at",
        "answer_due",
        "name",
        "email",
        "page_url",
        "message",
        "language",
        "sender",
    ]
    fields = [*readonly_fields, "answered_at"]

    @admin.display(description=_("answer due"))
    def answer_due(self, obj):
        return obj.answer_due

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Only the answer date can change here; it is recorded like every important change.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if form.changed_data:
                audit.record(
                    obj,
                    "update",
                    {
                        name: [form.initial.get(name), form.cleaned_data[name]]
                        for name in form.changed_data
                    },
                )
