from django.urls import path

from aftersales.calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.year_list, name="list"),
    path("new/", views.year_edit, name="new"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/edit/", views.year_edit, name="edit"),
]
