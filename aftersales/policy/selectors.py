"""Policy queries, and the POLICY-API request built from a sales order (cases reuse it)."""

from __future__ import annotations

import difflib
import json
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core import statements as sj
from aftersales.core.choices import DEFAULT_POLICY
from aftersales.core.errors import NotFound
from aftersales.core.money import fmt
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.models import EvaluationLog, Policy, PolicyVersion


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
    from aftersales.sales.models import Order

    query = (query or "").strip()
    if not query:
        return Order.objects.none()
    return (Order.objects.select_related("customer")
            .filter(number__icontains=query).order_by("-placed_at")[:limit])


# The child rows request_from_order reads: (prefetch cache name, model name in sales).
_ORDER_CHILDREN = (("payments", "Payment"), ("shipments", "Shipment"),
                   ("promotions", "Promotion"), ("invoices", "Invoice"),
                   ("warranty_cards", "WarrantyCard"))


def _cache(obj, name: str, rows: list) -> None:
    """Put rows in obj's prefetch cache as Django's prefetch does: obj.<name>.all() answers
    from it without a query. (A bare queryset of the related model holds them: building the
    related manager's filtered queryset for each would cost more than the query did.)"""
    qs = QuerySet(model=obj._meta.get_field(name).related_model)
    qs._result_cache, qs._prefetch_done = rows, True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = qs


def _order_graph_sql(connection) -> str:
    """One statement: the order (by number) with its customer, lines, their products,
    categories and bundles, serials with their lots, and every child table
    request_from_order reads, each row as JSON (core.statements.json_rows). Rows reached
    through several lines come once per line; the reader keys them by id."""
    from aftersales.catalog.models import Category, Product
    from aftersales.parties.models import Customer
    from aftersales.sales import models as sales

    q = connection.ops.quote_name

    def col(model, name: str) -> str:
        return q(model._meta.get_field(name).column)

    def table(model) -> str:
        return q(model._meta.db_table)

    line_t, line_order = table(sales.OrderLine), col(sales.OrderLine, "order")
    of_o = f"ol.{line_order} = o.{q('id')}"

    def via_lines(fk: str) -> str:  # joined through the order's lines (pk lookups)
        return f"INNER JOIN {line_t} ol ON ol.{col(sales.OrderLine, fk)} = x.{q('id')}"

    parts = {
        "order": sj.json_row(connection, sales.Order, "o"),
        "customer": sj.json_row(connection, Customer, "c"),
        "lines": sj.json_rows(connection, sales.OrderLine, "x", f"x.{line_order} = o.{q('id')}"),
        "products": sj.json_rows(connection, Product, "x", of_o, via_lines("product")),
        "categories": sj.json_rows(
            connection, Category, "x", of_o,
            f"INNER JOIN {table(Product)} p ON p.{col(Product, 'category')} = x.{q('id')} "
            f"INNER JOIN {line_t} ol ON ol.{col(sales.OrderLine, 'product')} = p.{q('id')}"),
        "bundles": sj.json_rows(connection, sales.Bundle, "x", of_o, via_lines("bundle")),
        "serials": sj.json_rows(
            connection, sales.SerialNumber, "x", of_o,
            f"INNER JOIN {line_t} ol ON ol.{q('id')} = x.{col(sales.SerialNumber, 'order_line')}"),
        "lots": sj.json_rows(
            connection, sales.Lot, "x", of_o,
            f"INNER JOIN {table(sales.SerialNumber)} s ON s.{col(sales.SerialNumber, 'lot')} "
            f"= x.{q('id')} INNER JOIN {line_t} ol ON "
            f"ol.{q('id')} = s.{col(sales.SerialNumber, 'order_line')}"),
    }
    for name, model in _ORDER_CHILDREN:
        model = getattr(sales, model)
        parts[name] = sj.json_rows(connection, model, "x",
                                   f"x.{col(model, 'order')} = o.{q('id')}")
    if connection.vendor == "postgresql":
        body = ("jsonb_build_object("
                + ", ".join(f"'{k}', {v}" for k, v in parts.items()) + ")::text")
    else:
        body = "json_object(" + ", ".join(f"'{k}', {v}" for k, v in parts.items()) + ")"
    return (f"SELECT {body} FROM {table(sales.Order)} o INNER JOIN {table(Customer)} c "  # noqa: S608
            f"ON c.{q('id')} = o.{col(sales.Order, 'customer')} "
            f"WHERE o.{col(sales.Order, 'number')} = %s")


_graph_sql: dict[str, str] = {}


def order_request_data_get(*, number: str):
    """The order (or None) with everything request_from_order reads, in one statement
    (issue 4 item 11a): its customer, lines with product, category and bundle, serials with
    their lot, payments, shipments, promotions, invoices and warranty cards. Nothing is read
    per line; order.<children>.all() answer from the cache as after prefetch_related."""
    from django.db import connection

    from aftersales.catalog.models import Category, Product
    from aftersales.parties.models import Customer
    from aftersales.sales import models as sales

    sql = _graph_sql.get(connection.vendor)
    if sql is None:
        sql = _graph_sql[connection.vendor] = _order_graph_sql(connection)
    found = sj.fetchall(sql, [number])
    if not found:
        return None
    graph = json.loads(found[0][0])

    def build(model, key: str) -> list:
        return [sj.from_json(model, row) for row in graph[key] or []]

    order = sj.from_json(sales.Order, graph["order"])
    order.customer = sj.from_json(Customer, graph["customer"])
    categories = {c.pk: c for c in build(Category, "categories")}
    products = {p.pk: p for p in build(Product, "products")}
    for product in products.values():
        product.category = categories.get(product.category_id)
    bundles = {b.pk: b for b in build(sales.Bundle, "bundles")}
    lots = {lot.pk: lot for lot in build(sales.Lot, "lots")}
    lines = sorted(build(sales.OrderLine, "lines"), key=lambda ln: (ln.line_no, ln.pk))
    serials: dict[int, list] = {ln.pk: [] for ln in lines}
    for serial in sorted(build(sales.SerialNumber, "serials"), key=lambda s: s.pk):
        serial.lot = lots.get(serial.lot_id)
        serials[serial.order_line_id].append(serial)
    for line in lines:
        line.order, line.product = order, products[line.product_id]
        line.bundle = bundles.get(line.bundle_id)
        _cache(line, "serials", serials[line.pk])
    _cache(order, "lines", lines)
    for name, model in _ORDER_CHILDREN:
        rows = sorted(build(getattr(sales, model), name), key=lambda r: r.pk)
        if name == "shipments":  # as their Meta.ordering: by shipping time
            rows.sort(key=lambda r: (r.shipped_at is None, r.shipped_at))
        for row in rows:
            row.order = order
        _cache(order, name, rows)
    return order


def order_for_request(*, number: str):
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


def request_from_order(order, *, kind: str, reason: str, items: list[dict] | None = None,
                       policy: str | None = None, policy_version: int | None = None,
                       asked_at: datetime | None = None, history: dict | None = None,
                       evidence: list[str] | None = None, damage_cause: str | None = None,
                       exchange_for: list[dict] | None = None) -> dict[str, Any]:
    """The POLICY-API request for ``order`` (use order_for_request to fetch it efficiently).

    ``items`` refer to lines by index in the order's lines (sorted by line number):
    [{"line": 0, "quantity": 1, "condition": {...}}]; default: every line, whole quantity,
    condition unknown.
    """
    lines = sorted(order.lines.all(), key=lambda ln: ln.line_no)
    index_of = {ln.line_no: i for i, ln in enumerate(lines)}
    shipments = sorted(order.shipments.all(), key=lambda s: (s.signed_at is None, s.signed_at))
    signed = next((s.signed_at for s in shipments if s.signed_at), None)
    installed = min((s.installed_at for s in shipments if s.installed_at), default=None)
    invoices = sorted(order.invoices.all(), key=lambda i: i.issued_on)
    cards = [c for c in order.warranty_cards.all() if c.returned_on]
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
    history = dict(history or {})
    if cards and "warranty_card_returned_at" not in history:
        history["warranty_card_returned_at"] = min(c.returned_on for c in cards).isoformat()
    customer = order.customer
    return {
        "policy": policy or DEFAULT_POLICY.get(order.business_line),
        "policy_version": policy_version,
        "asked_at": _iso(asked_at or timezone.now()),
        "kind": kind,
        "reason": reason,
        "order": {
            "number": order.number,
            "placed_at": _iso(order.placed_at),
            "paid_at": _iso(order.paid_at),
            "signed_at": _iso(signed),
            "installed_at": _iso(installed),
            "invoice_date": invoices[0].issued_on.isoformat() if invoices else None,
            "channel": order.channel,
            "customer": {"type": customer.kind, "key_account": customer.key_account},
            "payments": payments,
            "shipping_fee": fmt(order.shipping_fee),
            "promotions": promotions,
            "lines": [_line(ln) for ln in lines],
        },
        "items": items if items is not None else [
            {"line": i, "quantity": ln.quantity, "condition": {}} for i, ln in enumerate(lines)],
        "history": history,
        "evidence": list(evidence or []),
        "damage_cause": damage_cause,
        "exchange_for": list(exchange_for or []),
    }
