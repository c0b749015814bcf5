from django.urls import path

from aftersales.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("evaluate/", views.evaluate, name="evaluate"),
    path("<slug:name>/", views.policy_detail, name="detail"),
    path("<slug:name>/edit/", views.policy_edit, name="edit"),
]
