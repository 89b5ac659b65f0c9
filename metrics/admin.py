from django.contrib import admin

from metrics.models import KPI, Measurement


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = ["name", "initiative", "value_area", "unit", "cadence", "owner"]
    list_filter = ["value_area", "cadence", "direction"]
    search_fields = ["name", "initiative__title"]
    autocomplete_fields = ["initiative", "owner"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["kpi", "date", "value", "entered_by"]
    list_filter = ["date"]
    search_fields = ["kpi__name"]
    autocomplete_fields = ["kpi"]
    raw_id_fields = ["entered_by"]
