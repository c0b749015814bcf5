from django.urls import path

from aftersales.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.refund_list_view, name="refund_list"),
    path("export.xlsx", views.refund_export_view, name="refund_export"),
    path("callbacks/wechat_pay/", views.callback_wechat_pay_view, name="callback_wechat_pay"),
    path("callbacks/alipay/", views.callback_alipay_view, name="callback_alipay"),
    path("cases/<str:case_number>/refund/", views.refund_create_view, name="refund_create"),
    path("cases/<str:case_number>/<str:number>/confirm/", views.portal_confirm_view,
         name="portal_confirm"),
    path("<str:number>/", views.refund_detail_view, name="refund_detail"),
    path("<str:number>/approve/", views.refund_approve_view, name="refund_approve"),
    path("<str:number>/refuse/", views.refund_refuse_view, name="refund_refuse"),
    path("<str:number>/pay/<int:line>/", views.refund_pay_view, name="refund_pay"),
    path("<str:number>/slip.pdf", views.refund_slip_view, name="refund_slip"),
]
