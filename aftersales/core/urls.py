from django.urls import path

from aftersales.core import views

app_name = "core"
urlpatterns = [
    path("", views.export_list, name="exports"),
    path("<int:pk>/", views.export_page, name="export"),
    path("<int:pk>/download", views.export_download, name="export_download"),
]
