from django.urls import path

from aftersales.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("queue/", views.my_queue, name="queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("search/", views.search, name="search"),
    path("orders/<str:number>/", views.order_page, name="order"),
    path("export.xlsx", views.case_list_export, name="export"),
    path("new/", views.case_create, name="create"),
    path("fines/", views.fines, name="fines"),
    path("assign/", views.assign_bulk, name="assign_bulk"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/act/<slug:action>/", views.case_act, name="act"),
    path("<str:number>/contact/", views.case_contact, name="contact"),
    path("<str:number>/files/<int:pk>/", views.attachment_file, name="file"),
]
