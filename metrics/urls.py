from django.urls import path

from metrics import import_views, views

app_name = "metrics"
urlpatterns = [
    path("initiatives/<int:initiative_pk>/kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/<int:pk>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("measurements/<int:pk>/edit/", views.measurement_edit, name="measurement_edit"),
    path(
        "measurements/<int:pk>/withdraw/",
        views.measurement_withdraw_view,
        name="measurement_withdraw",
    ),
    path("kpis/<int:kpi_pk>/measurements/", views.measurement_add, name="measurement_add"),
    path(
        "initiatives/<int:initiative_pk>/measurements/import/",
        import_views.import_upload,
        name="import_upload",
    ),
    path(
        "initiatives/<int:initiative_pk>/measurements/import/template.<str:fmt>",
        import_views.import_template,
        name="import_template",
    ),
    path(
        "initiatives/<int:initiative_pk>/export/<slug:what>.<str:fmt>",
        import_views.initiative_export,
        name="initiative_export",
    ),
    path("measurement-imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path(
        "measurement-imports/<int:pk>/confirm/",
        import_views.import_confirm,
        name="import_confirm",
    ),
]
