from django.urls import path

from aftersales.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:name>/", views.report_page, name="report"),
    path("<slug:name>/export.xlsx", views.report_export, name="export"),
]
