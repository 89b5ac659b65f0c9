from django.contrib import admin

from notifications.models import EmailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "kind",
        "subject",
        "period",
        "created_at",
        "read_at",
        "email_status",
    ]
    list_filter = ["kind", "email_status"]
    search_fields = ["recipient__username", "recipient__email", "subject"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at", "email_claimed_at", "email_sent_at", "email_error"]


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    raw_id_fields = ["user"]
