from django.urls import path

from funding import views

app_name = "funding"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("initiatives/<int:pk>/", views.initiative_applications, name="initiative"),
    path("initiatives/<int:pk>/apply/", views.application_create, name="create"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="edit"),
    path("applications/<int:pk>/review/", views.application_review, name="review"),
    path("applications/<int:pk>/report.pdf", views.application_pdf, name="pdf"),
    path("applications/<int:pk>/<slug:move>/", views.application_move, name="move"),
]
