from django.urls import path
from django.views.generic import RedirectView

from funding import progress_views, views

app_name = "funding"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/export.<str:fmt>", views.workspace_export, name="workspace_export"),
    path("initiatives/<int:pk>/", views.initiative_applications, name="initiative"),
    path("initiatives/<int:pk>/apply/", views.application_create, name="create"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="edit"),
    path("applications/<int:pk>/review/", views.application_review, name="review"),
    # The PDF is served by the reports app, which sits above funding; old links still work.
    path(
        "applications/<int:pk>/report.pdf",
        RedirectView.as_view(pattern_name="reports:application", permanent=True),
        name="pdf",
    ),
    path(
        "applications/<int:pk>/progress/",
        progress_views.progress_request,
        name="progress_request",
    ),
    path("progress/<int:pk>/", progress_views.progress_detail, name="progress"),
    path("progress/<int:pk>/edit/", progress_views.progress_edit, name="progress_edit"),
    path("progress/<int:pk>/review/", progress_views.progress_review, name="progress_review"),
    path("applications/<int:pk>/<slug:move>/", views.application_move, name="move"),
]
