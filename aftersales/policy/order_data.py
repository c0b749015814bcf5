"""The order as plain data: what the policy request reads, and what intake needs of its lines,
in one SQL statement (or as one expression of the query that reads the order).

Intake reads an order on every request, and the ORM read (policy.selectors.orders_for_request:
five queries, four subquery annotations, three prefetches) cost more in Django's query
compiling than in the database. Here the database renders the order graph as one JSON value
(SQLite ``json_object``/``json_group_array``, PostgreSQL ``json_build_object``/``json_agg``)
and Python turns it into an OrderData: the "order" part of the POLICY-API request, plain
dicts and strings, and the lines' ids, numbers, quantities, names and makers. No model
instance is built from it.

orders_for_request + request_from_order stay the reference: tests/test_order_request.py checks
that both give the same request over orders using every row the policy reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from aftersales.core.money import fmt

# The order graph as one JSON value, for the order row "sales_order" of the query around it;
# {obj}/{arr} are the vendor's JSON object/array builders, {sub}(…) keeps a subquery's JSON as
# JSON (SQLite would otherwise embed it as a string).
_GRAPH = """{obj}(
  'id', sales_order.id, 'number', sales_order.number,
  'business_line', sales_order.business_line, 'channel', sales_order.channel,
  'placed_at', sales_order.placed_at, 'paid_at', sales_order.paid_at,
  'shipping_fee', sales_order.shipping_fee,
  'customer_kind',
      (SELECT c.kind FROM parties_customer c WHERE c.id = sales_order.customer_id),
  'key_account',
      (SELECT c.key_account FROM parties_customer c WHERE c.id = sales_order.customer_id),
  'signed_at',
      (SELECT MIN(s.signed_at) FROM sales_shipment s WHERE s.order_id = sales_order.id),
  'installed_at',
      (SELECT MIN(s.installed_at) FROM sales_shipment s WHERE s.order_id = sales_order.id),
  'invoice_date',
      (SELECT MIN(i.issued_on) FROM sales_invoice i WHERE i.order_id = sales_order.id),
  'card_returned_on',
      (SELECT MIN(w.returned_on) FROM sales_warrantycard w WHERE w.order_id = sales_order.id),
  'lines', {sub}((SELECT {arr}({obj}(
      'id', ol.id, 'line_no', ol.line_no, 'sku', ol.sku, 'name', ol.name,
      'quantity', ol.quantity, 'unit_price', ol.unit_price, 'points', ol.points,
      'gift', ol.gift, 'declared_gift_price', ol.declared_gift_price,
      'no_return_confirmed', ol.no_return_confirmed,
      'product_id', p.id, 'factory_id', p.factory_id, 'category', cat.code,
      'consumable', p.is_consumable, 'custom_made', p.is_custom_made,
      'perishable', p.is_perishable, 'key_product', p.is_key_product,
      'not_exchangeable', p.not_exchangeable, 'promo_bundle', p.is_promo_bundle,
      'bundle', b.code, 'bundle_promotional', b.promotional,
      'serials', {sub}((SELECT {arr}({obj}(
          'serial', sn.serial,
          'production_date', COALESCE(sn.production_date, lot.production_date)))
        FROM sales_serialnumber sn LEFT JOIN sales_lot lot ON lot.id = sn.lot_id
        WHERE sn.order_line_id = ol.id))))
    FROM sales_orderline ol
    JOIN catalog_product p ON p.id = ol.product_id
    LEFT JOIN catalog_category cat ON cat.id = p.category_id
    LEFT JOIN sales_bundle b ON b.id = ol.bundle_id
    WHERE ol.order_id = sales_order.id)),
  'payments', {sub}((SELECT {arr}({obj}(
      'id', pay.id, 'method', pay.method, 'amount', pay.amount, 'points', pay.points,
      'coupon_code', pay.coupon_code, 'paid_at', pay.paid_at))
    FROM sales_payment pay WHERE pay.order_id = sales_order.id)),
  'promotions', {sub}((SELECT {arr}({obj}(
      'id', pr.id, 'kind', pr.kind, 'threshold', pr.threshold, 'discount', pr.discount,
      'standard_fee', pr.standard_fee, 'line_numbers', {sub}(pr.line_numbers)))
    FROM sales_promotion pr WHERE pr.order_id = sales_order.id)))"""

_VENDOR = {
    "sqlite": {"obj": "json_object", "arr": "json_group_array", "sub": "json"},
    "postgresql": {"obj": "json_build_object", "arr": "json_agg", "sub": ""},
}

# The POLICY-API tags of a product, in the order catalog.Product.tags gives them.
_TAGS = ("consumable", "custom_made", "perishable", "key_product", "not_exchangeable",
         "promo_bundle")


@dataclass(frozen=True, kw_only=True)
class OrderLineData:
    """What intake needs of an order line: which it is, how many were bought, who made it."""

    pk: int
    line_no: int
    quantity: int
    name: str
    product_id: int
    factory_id: int | None


@dataclass(frozen=True, kw_only=True)
class OrderData:
    """An order as plain data. ``request_order`` is the request's "order" member;
    ``lines`` are sorted by line number, as the request's lines are."""

    pk: int
    number: str
    business_line: str
    lines: tuple[OrderLineData, ...]
    request_order: dict[str, Any]
    card_returned_on: str | None  # ISO date: the request's history.warranty_card_returned_at


def order_graph() -> RawSQL:
    """The order graph as an expression, to annotate an Order query with (the API's intake
    reads the order in the user's scope and its graph in one statement):
    ``orders.annotate(graph=order_graph())``, then ``order_data_from(order.graph)``."""
    return RawSQL(_GRAPH.format(**_VENDOR[connection.vendor]), ())


def order_data_get(*, pk: int) -> OrderData | None:
    """The order ``pk`` as plain data, or None when there is no such order. One statement."""
    sql = f"SELECT {_GRAPH} FROM sales_order WHERE sales_order.id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_VENDOR[connection.vendor]), [pk])
        row = cursor.fetchone()
    return order_data_from(row[0]) if row is not None else None


def order_data_from(graph: str | dict) -> OrderData:
    """OrderData from the graph as the database gave it (SQLite: text; psycopg: decoded)."""
    raw = json.loads(graph, parse_float=Decimal) if isinstance(graph, str) else _decimals(graph)
    return _order_data(raw)


def _decimals(value):
    """psycopg decodes json with floats; money must stay exact: read it again as Decimal."""
    return json.loads(json.dumps(value), parse_float=Decimal)


def _order_data(g: dict[str, Any]) -> OrderData:
    lines = sorted(g["lines"] or [], key=lambda ln: ln["line_no"])
    index_of = {ln["line_no"]: i for i, ln in enumerate(lines)}
    promotions = []
    for promo in sorted(g["promotions"] or [], key=lambda p: p["id"]):
        entry: dict[str, Any] = {"kind": promo["kind"], "threshold": _money(promo["threshold"])}
        if promo["discount"]:
            entry["discount"] = _money(promo["discount"])
        if promo["standard_fee"]:
            entry["standard_fee"] = _money(promo["standard_fee"])
        if promo["line_numbers"]:
            entry["lines"] = [index_of[n] for n in promo["line_numbers"] if n in index_of]
        promotions.append(entry)
    payments = []
    for pay in sorted(g["payments"] or [], key=lambda p: p["id"]):
        entry = {"method": pay["method"], "amount": _money(pay["amount"]),
                 "points": pay["points"], "paid_at": _iso(pay["paid_at"])}
        if pay["coupon_code"]:
            entry["coupon_code"] = pay["coupon_code"]
        payments.append(entry)
    request_order = {
        "number": g["number"],
        "placed_at": _iso(g["placed_at"]),
        "paid_at": _iso(g["paid_at"]),
        "signed_at": _iso(g["signed_at"]),
        "installed_at": _iso(g["installed_at"]),
        "invoice_date": _date(g["invoice_date"]),
        "channel": g["channel"],
        "customer": {"type": g["customer_kind"], "key_account": bool(g["key_account"])},
        "payments": payments,
        "shipping_fee": _money(g["shipping_fee"]),
        "promotions": promotions,
        "lines": [_request_line(ln) for ln in lines],
    }
    return OrderData(
        pk=g["id"], number=g["number"], business_line=g["business_line"],
        lines=tuple(OrderLineData(pk=ln["id"], line_no=ln["line_no"], quantity=ln["quantity"],
                                  name=ln["name"], product_id=ln["product_id"],
                                  factory_id=ln["factory_id"]) for ln in lines),
        request_order=request_order, card_returned_on=_date(g["card_returned_on"]))


def _request_line(ln: dict[str, Any]) -> dict[str, Any]:
    tags = [tag for tag in _TAGS if ln[tag]]
    if ln["no_return_confirmed"]:
        tags.append("no_return_confirmed_at_checkout")  # B7-7
    if ln["bundle_promotional"] and "promo_bundle" not in tags:
        tags.append("promo_bundle")  # S4.2
    serials = sorted(ln["serials"] or [], key=lambda s: s["serial"])
    first = serials[0] if serials else None
    return {
        "sku": ln["sku"], "name": ln["name"], "category": ln["category"], "tags": tags,
        "unit_price": _money(ln["unit_price"]), "points": ln["points"],
        "quantity": ln["quantity"],
        "serial": first["serial"] if first else None,
        "production_date": _date(first["production_date"]) if first else None,
        "bundle": ln["bundle"],
        "gift": bool(ln["gift"]),
        "declared_gift_price": (_money(ln["declared_gift_price"])
                                if ln["declared_gift_price"] is not None else None),
    }


def _money(value) -> str:
    return fmt(Decimal(value) if not isinstance(value, Decimal) else value)


def _iso(value: str | None) -> str | None:
    """A stored moment (SQLite: UTC without offset; PostgreSQL: with its offset) as the
    request gives it: ISO in the current time zone."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment).isoformat()


def _date(value: str | None) -> str | None:
    return date.fromisoformat(value[:10]).isoformat() if value else None
