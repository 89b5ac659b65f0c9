from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor, name="second_factor"),
    path("session/", views.session_status, name="session_status"),
]
