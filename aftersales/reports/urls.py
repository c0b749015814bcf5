from django.urls import path

from aftersales.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("pack.pdf", views.management_pack, name="pack"),
    path("subscriptions/<int:pk>/delete", views.subscription_remove, name="unsubscribe"),
    path("<slug:name>/subscribe", views.subscribe, name="subscribe"),
    path("<slug:name>/", views.report_page, name="report"),
    path("<slug:name>/export.xlsx", views.report_export, name="export"),
]
