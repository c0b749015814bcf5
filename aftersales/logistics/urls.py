from django.urls import path

from aftersales.logistics import views, views_lists

app_name = "logistics"
urlpatterns = [
    path("", views_lists.rma_list, name="rma_list"),
    path("export.xlsx", views_lists.rma_list_export, name="rma_list_export"),
    path("receipts/", views_lists.receipt_list, name="receipt_list"),
    path("receipts/export.xlsx", views_lists.receipt_list_export, name="receipt_list_export"),
    path("receive/", views.receive, name="receive"),
    path("ledger/", views.ledger, name="ledger"),
    path("rma/<str:number>/", views.rma_detail, name="rma_detail"),
    path("rma/<str:number>/label/", views.rma_label, name="rma_label"),
    path("rma/<str:number>/ship/", views.rma_ship, name="rma_ship"),
    path("receipts/<str:number>/", views.receipt_detail, name="receipt_detail"),
    path("receipt-lines/<int:pk>/dispose/", views.dispose, name="dispose"),
    path("discrepancies/<int:pk>/settle/", views.discrepancy_settle, name="discrepancy_settle"),
    path("cases/<str:number>/rma/", views.rma_create, name="rma_create"),
    path("cases/<str:number>/form/", views.form_create, name="form_create"),
    path("cases/<str:number>/replacement/", views.shipment_create, name="shipment_create"),
    path("forms/<str:number>/pdf/", views.form_pdf, name="form_pdf"),
    path("forms/<str:number>/sign/", views.form_sign, name="form_sign"),
    # The customer's portal (the case's secret link token as ?t=).
    path("portal/<str:number>/label/", views.portal_label, name="portal_label"),
    path("portal/<str:number>/ship/", views.portal_ship, name="portal_ship"),
]
