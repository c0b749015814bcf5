from django.urls import path

from aftersales.charges import views

app_name = "charges"
urlpatterns = [
    path("", views.collection_list, name="collection_list"),
    path("export.xlsx", views.collection_export, name="collection_export"),
    path("cases/<str:number>/<slug:action>/", views.case_action, name="case_action"),
    path("quotes/<str:number>/", views.quote_detail, name="quote_detail"),
    path("quotes/<str:number>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("quotes/<str:number>/<slug:action>/", views.quote_action, name="quote_action"),
    path("receipts/<str:number>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("items/<str:number>/<slug:action>/", views.charge_action, name="charge_action"),
    path("compensations/<str:number>/<slug:action>/", views.compensation_action,
         name="compensation_action"),
    path("portal/<str:number>/quotes/<str:quote>/<slug:action>/", views.portal_quote_answer,
         name="portal_quote_answer"),
]
