from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from api.api import urls as api_urls
from renewal import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="initiatives:my_work", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("initiatives/", include("initiatives.urls")),
    path("", include("metrics.urls")),
    path("api/v1/", api_urls()),
    path("account/api-tokens/", include("api.urls")),
    path("funding/", include("funding.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("accessibility/", include("renewal.accessibility")),
]
