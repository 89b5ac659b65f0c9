from allauth.account import views as allauth_views
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.admin import admin_login
from api.api import urls as api_urls
from renewal import views

# The admin signs in through the same throttled sign-in, second factor included.
admin.site.login = admin_login(admin.site.login)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="initiatives:my_work", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Sign-in is django-allauth's (README "Accounts"); "login" and "logout" stay the names used.
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
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
