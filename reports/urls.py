from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("initiatives/<int:pk>.pdf", views.initiative_pdf, name="initiative"),
    path("applications/<int:pk>.pdf", views.application_pdf, name="application"),
    path("progress/<int:pk>.pdf", views.progress_pdf, name="progress"),
    path("portfolio/", views.portfolio_report, name="portfolio"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
]
