"""Policy queries, and the POLICY-API request built from a sales order (cases reuse it)."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import DEFAULT_POLICY
from aftersales.core.errors import NotFound
from aftersales.core.money import fmt
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.models import EvaluationLog, Policy, PolicyVersion
from aftersales.policy.order_data import OrderData
from aftersales.sales.models import (
    Invoice,
    Order,
    OrderLine,
    Payment,
    Promotion,
    SerialNumber,
    Shipment,
    WarrantyCard,
)


def is_staff_member(user) -> bool:
    """Company staff (any role but dealer/factory, or Django staff): may read the policies."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(set(getattr(user, "role_codes", ())) - {"dealer", "factory"})


def policy_list() -> QuerySet[Policy]:
    """Every policy with its parent and versions (newest last), in a fixed number of queries."""
    versions = PolicyVersion.objects.select_related("author").defer(
        "source_text", "document", "diff_from_previous").order_by("number")
    return (Policy.objects.select_related("parent")
            .prefetch_related(Prefetch("versions", queryset=versions)).order_by("name"))


def policy_get(*, name: str) -> Policy:
    policy = policy_list().filter(name=name).first()
    if policy is None:
        raise NotFound(_("Unknown policy: %(name)s") % {"name": name},
                       code=PolicyErrorCode.UNKNOWN_POLICY,
                       fields={"policy": _("no such policy")})
    return policy


def policy_version_get(*, name: str, number: int | None = None) -> PolicyVersion:
    """One version (default: the newest) with its full text; NotFound naming the field."""
    versions = PolicyVersion.objects.select_related("policy", "author").filter(policy__name=name)
    version = (versions.filter(number=number) if number else versions.order_by("-number")).first()
    if version is None:
        if not Policy.objects.filter(name=name).exists():
            raise NotFound(_("Unknown policy: %(name)s") % {"name": name},
                           code=PolicyErrorCode.UNKNOWN_POLICY,
                           fields={"policy": _("no such policy")})
        raise NotFound(_("Policy %(name)s has no version %(number)s.")
                       % {"name": name, "number": number},
                       code=PolicyErrorCode.UNKNOWN_POLICY_VERSION,
                       fields={"policy_version": _("no such version of this policy")})
    return version


def policy_versions_diff(*, name: str, a: int, b: int) -> str:
    old = policy_version_get(name=name, number=a)
    new = policy_version_get(name=name, number=b)
    return "".join(difflib.unified_diff(
        old.source_text.splitlines(keepends=True), new.source_text.splitlines(keepends=True),
        fromfile=f"{name} v{a}", tofile=f"{name} v{b}"))


def evaluation_logs(*, policy_name: str | None = None, order_number: str | None = None
                    ) -> QuerySet[EvaluationLog]:
    logs = EvaluationLog.objects.select_related("actor", "version")
    if policy_name:
        logs = logs.filter(policy_name=policy_name)
    if order_number:
        logs = logs.filter(order_number=order_number)
    return logs.order_by("-at")


# ---- the request builder ------------------------------------------------------------------

def order_search(*, query: str, limit: int = 20) -> QuerySet:
    query = (query or "").strip()
    if not query:
        return Order.objects.none()
    return (Order.objects.select_related("customer")
            .filter(number__icontains=query).order_by("-placed_at")[:limit])


def _earliest(model, field: str) -> Subquery:
    """The earliest non-empty ``field`` among the order's ``model`` rows (None if none)."""
    rows = model.objects.filter(order=OuterRef("pk"), **{f"{field}__isnull": False})
    return Subquery(rows.order_by(field).values(field)[:1])


def orders_for_request() -> QuerySet[Order]:
    """Orders with everything request_from_order reads, in five queries however many lines:
    the order with its customer and the dates its shipments, invoices and warranty cards give
    (first_signed_at, first_installed_at, first_invoice_on, first_card_returned_on); its lines
    (by line number) with product, category and bundle; their serials (by serial) with lot;
    its payments and its promotions."""
    serials = SerialNumber.objects.select_related("lot").order_by("serial")
    lines = (OrderLine.objects.select_related("product__category", "bundle")
             .prefetch_related(Prefetch("serials", queryset=serials)).order_by("line_no"))
    return (Order.objects.select_related("customer")
            .annotate(first_signed_at=_earliest(Shipment, "signed_at"),
                      first_installed_at=_earliest(Shipment, "installed_at"),
                      first_invoice_on=_earliest(Invoice, "issued_on"),
                      first_card_returned_on=_earliest(WarrantyCard, "returned_on"))
            .prefetch_related(Prefetch("lines", queryset=lines),
                              Prefetch("payments", queryset=Payment.objects.order_by("pk")),
                              Prefetch("promotions", queryset=Promotion.objects.order_by("pk"))))


def order_request_data_get(*, number: str) -> Order | None:
    """The order (or None) from orders_for_request: order.lines.all(), line.serials.all(),
    order.payments.all() and order.promotions.all() answer without a query, and every other
    query through the order (order.lines.filter(...)) asks the database as usual."""
    return orders_for_request().filter(number=number).first()


def order_for_request(*, number: str) -> Order:
    """The order with everything request_from_order reads; NotFound if missing."""
    order = order_request_data_get(number=number)
    if order is None:
        raise NotFound(_("No order %(number)s.") % {"number": number},
                       code=PolicyErrorCode.UNKNOWN_ORDER,
                       fields={"order": _("no such order")})
    return order


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _line(line) -> dict[str, Any]:
    product = line.product
    tags = list(product.tags)
    if line.no_return_confirmed:
        tags.append("no_return_confirmed_at_checkout")  # B7-7
    if line.bundle and line.bundle.promotional and "promo_bundle" not in tags:
        tags.append("promo_bundle")  # S4.2
    serials = sorted(line.serials.all(), key=lambda s: s.serial)
    serial = serials[0] if serials else None
    production = None
    if serial:
        production = serial.production_date or (serial.lot.production_date if serial.lot else None)
    return {
        "sku": line.sku, "name": line.name,
        "category": product.category.code if product.category_id else None,
        "tags": tags, "unit_price": fmt(line.unit_price), "points": line.points,
        "quantity": line.quantity,
        "serial": serial.serial if serial else None,
        "production_date": production.isoformat() if production else None,
        "bundle": line.bundle.code if line.bundle else None,
        "gift": line.gift,
        "declared_gift_price": (fmt(line.declared_gift_price)
                                if line.declared_gift_price is not None else None),
    }


def request_from_order(order: Order, *, kind: str, reason: str, items: list[dict] | None = None,
                       policy: str | None = None, policy_version: int | None = None,
                       asked_at: datetime | None = None, history: dict | None = None,
                       evidence: list[str] | None = None, damage_cause: str | None = None,
                       exchange_for: list[dict] | None = None) -> dict[str, Any]:
    """The POLICY-API request for ``order``, an order from orders_for_request (order_for_request,
    order_request_data_get): it reads the prefetched rows and the annotated dates.

    ``items`` refer to lines by index in the order's lines (sorted by line number):
    [{"line": 0, "quantity": 1, "condition": {...}}]; default: every line, whole quantity,
    condition unknown.
    """
    lines = sorted(order.lines.all(), key=lambda ln: ln.line_no)
    index_of = {ln.line_no: i for i, ln in enumerate(lines)}
    promotions = []
    for promo in order.promotions.all():
        entry: dict[str, Any] = {"kind": promo.kind, "threshold": fmt(promo.threshold)}
        if promo.discount:
            entry["discount"] = fmt(promo.discount)
        if promo.standard_fee:
            entry["standard_fee"] = fmt(promo.standard_fee)
        if promo.line_numbers:
            entry["lines"] = [index_of[n] for n in promo.line_numbers if n in index_of]
        promotions.append(entry)
    payments = []
    for pay in sorted(order.payments.all(), key=lambda p: p.pk):
        entry = {"method": pay.method, "amount": fmt(pay.amount), "points": pay.points,
                 "paid_at": _iso(pay.paid_at)}
        if pay.coupon_code:
            entry["coupon_code"] = pay.coupon_code
        payments.append(entry)
    customer = order.customer
    request_order = {
        "number": order.number,
        "placed_at": _iso(order.placed_at),
        "paid_at": _iso(order.paid_at),
        "signed_at": _iso(order.first_signed_at),
        "installed_at": _iso(order.first_installed_at),
        "invoice_date": (order.first_invoice_on.isoformat() if order.first_invoice_on
                         else None),
        "channel": order.channel,
        "customer": {"type": customer.kind, "key_account": customer.key_account},
        "payments": payments,
        "shipping_fee": fmt(order.shipping_fee),
        "promotions": promotions,
        "lines": [_line(ln) for ln in lines],
    }
    card_returned = (order.first_card_returned_on.isoformat()
                     if order.first_card_returned_on else None)
    return _request(request_order, business_line=order.business_line,
                    quantities=[ln.quantity for ln in lines], card_returned_on=card_returned,
                    kind=kind, reason=reason, items=items, policy=policy,
                    policy_version=policy_version, asked_at=asked_at, history=history,
                    evidence=evidence, damage_cause=damage_cause, exchange_for=exchange_for)


def request_from_data(data: OrderData, *, kind: str, reason: str,
                      items: list[dict] | None = None, policy: str | None = None,
                      policy_version: int | None = None, asked_at: datetime | None = None,
                      history: dict | None = None, evidence: list[str] | None = None,
                      damage_cause: str | None = None,
                      exchange_for: list[dict] | None = None) -> dict[str, Any]:
    """request_from_order for an order read as plain data (order_data.order_data_get): the
    same request, from one statement."""
    return _request(data.request_order, business_line=data.business_line,
                    quantities=[ln.quantity for ln in data.lines],
                    card_returned_on=data.card_returned_on, kind=kind, reason=reason,
                    items=items, policy=policy, policy_version=policy_version,
                    asked_at=asked_at, history=history, evidence=evidence,
                    damage_cause=damage_cause, exchange_for=exchange_for)


def _request(request_order: dict[str, Any], *, business_line: str, quantities: list[int],
             card_returned_on: str | None, kind: str, reason: str, items: list[dict] | None,
             policy: str | None, policy_version: int | None, asked_at: datetime | None,
             history: dict | None, evidence: list[str] | None, damage_cause: str | None,
             exchange_for: list[dict] | None) -> dict[str, Any]:
    history = dict(history or {})
    if card_returned_on and "warranty_card_returned_at" not in history:
        history["warranty_card_returned_at"] = card_returned_on
    return {
        "policy": policy or DEFAULT_POLICY.get(business_line),
        "policy_version": policy_version,
        "asked_at": _iso(asked_at or timezone.now()),
        "kind": kind,
        "reason": reason,
        "order": request_order,
        "items": items if items is not None else [
            {"line": i, "quantity": q, "condition": {}} for i, q in enumerate(quantities)],
        "history": history,
        "evidence": list(evidence or []),
        "damage_cause": damage_cause,
        "exchange_for": list(exchange_for or []),
    }
