from django.contrib import admin

from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "organisation", "requested_by", "state", "progress", "created_at"]
    list_filter = ["kind", "state"]
    readonly_fields = ["file", "error", "started_at", "finished_at"]
