from django.urls import path

from initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("my-work/", views.my_work, name="my_work"),
    path("new/", views.initiative_create, name="create"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/present/", views.portfolio_presentation, name="portfolio_presentation"),
    path(
        "portfolio/export.<str:fmt>",
        views.portfolio_export,
        name="portfolio_export",
    ),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/phase/<int:phase>/", views.initiative_detail, name="phase"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    path("<int:pk>/section/<slug:section>/", views.section_edit, name="section"),
    path("<int:pk>/items/<slug:kind>/new/", views.item_form, name="item_create"),
    path("<int:pk>/items/<slug:kind>/<int:item_pk>/", views.item_form, name="item_edit"),
    path("<int:pk>/items/<slug:kind>/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/steps/<int:item_pk>/move/<str:direction>/", views.step_move, name="step_move"),
    path(
        "<int:pk>/value-stream/<int:version_pk>/steps/new/",
        views.item_form,
        {"kind": "steps"},
        name="version_step_create",
    ),
    path(
        "<int:pk>/value-stream/start/<slug:kind>/",
        views.value_stream_start,
        name="value_stream_start",
    ),
    path("<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("<int:pk>/reviews/<int:review_pk>/", views.review_detail, name="review"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/scale/", views.scale, name="scale"),
    path("<int:pk>/gate/", views.gate_decide, name="gate"),
    path("<int:pk>/gate/request/", views.gate_request, name="gate_request"),
    path(
        "<int:pk>/gate/request/withdraw/",
        views.gate_request_withdraw,
        name="gate_request_withdraw",
    ),
    path("<int:pk>/move-back/", views.move_back, name="move_back"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/decisions/", views.decisions, name="decisions"),
    path("<int:pk>/spend/", views.spend, name="spend"),
    path("<int:pk>/spend/import/", views.spend_import, name="spend_import"),
    path("<int:pk>/spend/import/confirm/", views.spend_import_confirm, name="spend_import_confirm"),
    path("<int:pk>/spend/<str:kind>/<int:item_pk>/", views.spend_edit, name="spend_edit"),
    path(
        "<int:pk>/spend/<str:kind>/<int:item_pk>/remove/", views.spend_remove, name="spend_remove"
    ),
]
