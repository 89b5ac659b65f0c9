from django.urls import path

from accounts import access, views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor, name="second_factor"),
    path("session/", views.session_status, name="session_status"),
    path("no-access/", access.no_access, name="no_access"),
    path("access-requests/", access.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/decide/", access.decide, name="access_decide"),
]
