"""An order's page (read-only: orders come from the shop/ERP imports): its lines, payments,
shipments and the cases opened on it, each linked to its case page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from aftersales.accounts import data_access as access
from aftersales.administration.views.data import data_nav
from aftersales.cases.models import Case
from aftersales.cases.selectors import state_label
from aftersales.core.pii import mask_address, mask_phone
from aftersales.sales.models import Order


@login_required
def order_detail(request: HttpRequest, pk: int, *, kind: str = access.ORDERS) -> HttpResponse:
    if not access.may_view(request.user, access.ORDERS):
        raise Forbidden
    order = get_object_or_404(Order.objects.select_related("customer", "dealer"), pk=pk)
    cases = [{"case": c, "state": state_label(c)} for c in
             Case.objects.filter(order=order).order_by("-created_at")]
    return render(request, "administration/data/order_detail.html", {
        "order": order,
        "lines": order.lines.select_related("product", "bundle").order_by("line_no"),
        "payments": order.payments.order_by("paid_at", "pk"),
        "shipments": order.shipments.order_by("shipped_at", "pk"),
        "cases": cases,
        "receiver_phone": mask_phone(order.receiver_phone),
        "receiver_address": mask_address(order.receiver_address),
        "data_nav": data_nav(request.user, access.ORDERS),
        "may_view_customer": access.may_view(request.user, access.CUSTOMERS),
    })
