from django.urls import path

from aftersales.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("code/", views.code, name="code"),
    path("new/items/", views.items, name="items"),
    path("new/problem/", views.problem, name="problem"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/options/", views.options, name="options"),
    path("cases/<str:number>/appeal/", views.appeal, name="appeal"),
    path("cases/<str:number>/rate/", views.rate, name="rate"),
    path("cases/<str:number>/act/", views.act, name="act"),
]
