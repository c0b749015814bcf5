from django.urls import path

from aftersales.quality import views, views_lists

app_name = "quality"
urlpatterns = [
    path("", views.home, name="home"),
    path("inspections/", views_lists.inspection_list, name="inspection_list"),
    path("inspections/export.xlsx", views_lists.inspection_list_export,
         name="inspection_list_export"),
    path("inspections/<str:number>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<str:number>/pdf/", views.inspection_print, name="inspection_pdf"),
    path("cases/<str:number>/inspect/", views.inspection_create, name="inspection_create"),
    path("cases/<str:number>/report/", views.report_create, name="report_create"),
    path("cases/<str:number>/claim/", views.claim_create, name="claim_create"),
    path("reports/", views_lists.report_list, name="report_list"),
    path("reports/export.xlsx", views_lists.report_list_export, name="report_list_export"),
    path("reports/<str:number>/", views.report_detail, name="report_detail"),
    path("reports/<str:number>/review/", views.report_review, name="report_review"),
    path("reports/<str:number>/revise/", views.report_revise, name="report_revise"),
    path("reports/<str:number>/actions/", views.action_create, name="action_create"),
    path("reports/<str:number>/pdf/", views.report_print, name="report_pdf"),
    path("claims/", views_lists.supplier_claim_list, name="supplier_claim_list"),
    path("claims/export.xlsx", views_lists.supplier_claim_list_export,
         name="supplier_claim_list_export"),
    path("claims/<str:number>/", views.claim_detail, name="claim_detail"),
    path("claims/<str:number>/move/", views.claim_move, name="claim_move"),
    path("claims/<str:number>/pdf/", views.claim_print, name="claim_pdf"),
    path("actions/", views_lists.action_list, name="action_list"),
    path("actions/export.xlsx", views_lists.action_list_export, name="action_list_export"),
    path("actions/<int:pk>/<str:step>/", views.action_step, name="action_step"),
]
