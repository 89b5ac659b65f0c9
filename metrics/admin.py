from django.contrib import admin

from metrics.models import KPI, Measurement, refresh_kpi_statuses


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    """A KPI saved here refreshes its cached status, as the KPI form does."""

    list_display = ["name", "initiative", "value_area", "unit", "cadence", "owner"]
    list_filter = ["value_area", "cadence", "direction"]
    search_fields = ["name", "initiative__title"]
    autocomplete_fields = ["initiative", "owner"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_kpi_statuses(KPI.objects.filter(pk=obj.pk))


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    """The admin writes measurements around metrics.measurements, so it refreshes the KPIs'
    cached status itself after every change."""

    list_display = ["kpi", "date", "value", "entered_by"]
    list_filter = ["date"]
    search_fields = ["kpi__name"]
    autocomplete_fields = ["kpi"]
    raw_id_fields = ["entered_by"]

    def save_model(self, request, obj, form, change):
        previous = Measurement.objects.filter(pk=obj.pk).values_list("kpi_id", flat=True)
        kpi_ids = {obj.kpi_id, *previous} if change else {obj.kpi_id}
        super().save_model(request, obj, form, change)
        refresh_kpi_statuses(KPI.objects.filter(pk__in=kpi_ids))

    def delete_model(self, request, obj):
        kpi_id = obj.kpi_id
        super().delete_model(request, obj)
        refresh_kpi_statuses(KPI.objects.filter(pk=kpi_id))

    def delete_queryset(self, request, queryset):
        kpi_ids = set(queryset.values_list("kpi_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_kpi_statuses(KPI.objects.filter(pk__in=kpi_ids))
