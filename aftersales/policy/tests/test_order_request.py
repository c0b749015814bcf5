"""The order the policy request is built from (policy.selectors.orders_for_request): read with
the public ORM in a fixed number of queries, it answers every query about itself as any order
does, and the request built from it is the one a plain, obvious ORM read gives (issue 9 item 1).

The same order read as plain data in one SQL statement (policy.order_data, what intake uses)
gives the request the ORM read gives, on either database.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aftersales.cases.tests import factories as f
from aftersales.catalog.models import Category, Product
from aftersales.core.errors import NotFound
from aftersales.core.money import fmt
from aftersales.parties.models import Customer
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.order_data import order_data_from, order_data_get, order_graph
from aftersales.policy.selectors import (
    order_for_request,
    order_request_data_get,
    request_from_data,
    request_from_order,
)
from aftersales.sales.models import (
    Bundle,
    Invoice,
    Lot,
    Order,
    OrderLine,
    Payment,
    Promotion,
    SerialNumber,
    Shipment,
    WarrantyCard,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
ASKED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=SHANGHAI)


def _line(order, no: int, product: Product, *, quantity: int = 1, price: str = "100.00",
          **kw) -> OrderLine:
    return OrderLine.objects.create(order=order, line_no=no, product=product, sku=product.sku,
                                    name=product.name, quantity=quantity,
                                    unit_price=Decimal(price), **kw)


@pytest.fixture
def rich_order(db):
    """An online-shop order using every row the policy reads, created out of order: line 2
    before line 1, a later invoice before an earlier one, a shipment never signed, a serial
    whose number sorts before the one created first, a warranty card not returned."""
    appliance = Category.objects.create(code="rq-appliance", name="家电")
    fridge = Product.objects.create(sku="RQ-FRIDGE", name="冰箱", category=appliance,
                                    list_price=Decimal("2999.90"), is_key_product=True)
    kettle = Product.objects.create(sku="RQ-KETTLE", name="水壶", category=appliance,
                                    list_price=Decimal("99.00"), is_consumable=True)
    customer = Customer.objects.create(code="RQ-C1", name="李四", phone="13811112222",
                                       key_account=True)
    placed = datetime(2026, 2, 1, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    order = Order.objects.create(
        number="SO-RQ-1", business_line="online_shop", channel="online", customer=customer,
        placed_at=placed, paid_at=placed + timedelta(minutes=3), total=Decimal("3098.90"),
        shipping_fee=Decimal("12.50"))
    bundle = Bundle.objects.create(order=order, code="B1", name="厨房套餐", promotional=True)
    fridge_line = _line(order, 2, fridge, price="2999.90", points=30, bundle=bundle,
                        no_return_confirmed=True)
    kettle_line = _line(order, 1, kettle, quantity=2, price="49.50", gift=True,
                        declared_gift_price=Decimal("0.00"))
    lot = Lot.objects.create(product=fridge, lot_no="L-2025-11",
                             production_date=date(2025, 11, 3), quantity=100)
    serial = SerialNumber.objects.create(serial="SN-RQ-9", product=fridge, lot=lot,
                                         order_line=fridge_line)
    SerialNumber.objects.create(serial="SN-RQ-5", product=kettle, order_line=kettle_line,
                                production_date=date(2025, 12, 24))
    SerialNumber.objects.create(serial="SN-RQ-1", product=kettle, lot=Lot.objects.create(
        product=kettle, lot_no="L-K", production_date=date(2025, 10, 1)),
        order_line=kettle_line)
    Payment.objects.create(order=order, method="wechat_pay", amount=Decimal("3000.00"),
                           paid_at=order.paid_at)
    Payment.objects.create(order=order, method="points", amount=Decimal("98.90"), points=989,
                           coupon_code="RQ-COUPON")
    Shipment.objects.create(order=order, carrier="SF", tracking_no="SF-2",
                            shipped_at=placed + timedelta(days=2),
                            signed_at=placed + timedelta(days=4),
                            installed_at=placed + timedelta(days=6))
    Shipment.objects.create(order=order, carrier="JD", tracking_no="JD-1",
                            shipped_at=placed + timedelta(days=1),
                            signed_at=placed + timedelta(days=3, microseconds=7),
                            installed_at=placed + timedelta(days=5))
    Shipment.objects.create(order=order, carrier="EMS", tracking_no="EMS-3")
    Promotion.objects.create(order=order, kind="threshold_discount", threshold=Decimal("3000"),
                             discount=Decimal("100"), line_numbers=[2, 1, 9])
    Promotion.objects.create(order=order, kind="free_shipping", threshold=Decimal("99"),
                             standard_fee=Decimal("12.50"))
    Invoice.objects.create(order=order, number="INV-RQ-2", issued_on=date(2026, 2, 9),
                           amount=Decimal("98.90"))
    Invoice.objects.create(order=order, number="INV-RQ-1", issued_on=date(2026, 2, 4),
                           amount=Decimal("3000.00"))
    WarrantyCard.objects.create(number="WC-RQ-1", order=order, serial=serial,
                                sold_on=date(2026, 2, 1), returned_on=date(2026, 2, 10))
    WarrantyCard.objects.create(number="WC-RQ-2", order=order, sold_on=date(2026, 2, 1))
    return order


@pytest.fixture
def neighbour(rich_order):
    """Another order of the same products (and a serial of the same lot)."""
    fridge, kettle = Product.objects.get(sku="RQ-FRIDGE"), Product.objects.get(sku="RQ-KETTLE")
    order = f.order(lines=[(fridge, 3, "2999.90"), (kettle, 1, "99.00"), (kettle, 4, "99.00")])
    SerialNumber.objects.create(serial="SN-NB-1", product=fridge,
                                lot=Lot.objects.get(lot_no="L-2025-11"),
                                order_line=order.lines.get(line_no=1))
    return order


@pytest.fixture
def bare_order(db):
    """An order with a line and nothing else: no payment, shipment, invoice or card."""
    order = Order.objects.create(number="SO-RQ-BARE", business_line="member_store",
                                 channel="store", customer=f.customer(),
                                 placed_at=datetime(2026, 1, 5, 18, 0, tzinfo=SHANGHAI))
    _line(order, 1, f.product(category="rq-shoes"), quantity=1, price="399.00")
    return order


def _obvious_request(number: str, **kw) -> dict:
    """The request as a plain ORM read gives it: one query per question, nothing prefetched."""
    order = Order.objects.get(number=number)
    lines = list(order.lines.order_by("line_no"))
    index_of = {ln.line_no: i for i, ln in enumerate(lines)}

    def earliest(rows, field):
        row = rows.exclude(**{field: None}).order_by(field).first()
        return getattr(row, field) if row else None

    def iso(moment):
        return timezone.localtime(moment).isoformat() if moment else None

    def line_out(line):
        tags = line.product.tags
        if line.no_return_confirmed:
            tags.append("no_return_confirmed_at_checkout")
        if line.bundle_id and line.bundle.promotional and "promo_bundle" not in tags:
            tags.append("promo_bundle")
        serial = line.serials.order_by("serial").first()
        made = serial and (serial.production_date or (serial.lot and serial.lot.production_date))
        return {"sku": line.sku, "name": line.name, "category": line.product.category.code,
                "tags": tags, "unit_price": fmt(line.unit_price), "points": line.points,
                "quantity": line.quantity, "serial": serial.serial if serial else None,
                "production_date": made.isoformat() if made else None,
                "bundle": line.bundle.code if line.bundle_id else None, "gift": line.gift,
                "declared_gift_price": (None if line.declared_gift_price is None
                                        else fmt(line.declared_gift_price))}

    promotions = []
    for promo in order.promotions.order_by("pk"):
        entry = {"kind": promo.kind, "threshold": fmt(promo.threshold)}
        entry |= {"discount": fmt(promo.discount)} if promo.discount else {}
        entry |= {"standard_fee": fmt(promo.standard_fee)} if promo.standard_fee else {}
        if promo.line_numbers:
            entry["lines"] = [index_of[n] for n in promo.line_numbers if n in index_of]
        promotions.append(entry)
    payments = [{"method": p.method, "amount": fmt(p.amount), "points": p.points,
                 "paid_at": iso(p.paid_at)} | ({"coupon_code": p.coupon_code}
                                               if p.coupon_code else {})
                for p in order.payments.order_by("pk")]
    card_returned = earliest(order.warranty_cards.all(), "returned_on")
    invoiced = earliest(order.invoices.all(), "issued_on")
    return {
        "policy": {"online_shop": "online-shop", "member_store": "member-store"}[
            order.business_line],
        "policy_version": None, "asked_at": iso(ASKED_AT), "kind": kw["kind"],
        "reason": kw["reason"],
        "order": {
            "number": order.number, "placed_at": iso(order.placed_at),
            "paid_at": iso(order.paid_at),
            "signed_at": iso(earliest(order.shipments.all(), "signed_at")),
            "installed_at": iso(earliest(order.shipments.all(), "installed_at")),
            "invoice_date": invoiced.isoformat() if invoiced else None,
            "channel": order.channel,
            "customer": {"type": order.customer.kind,
                         "key_account": order.customer.key_account},
            "payments": payments, "shipping_fee": fmt(order.shipping_fee),
            "promotions": promotions, "lines": [line_out(ln) for ln in lines]},
        "items": [{"line": i, "quantity": ln.quantity, "condition": {}}
                  for i, ln in enumerate(lines)],
        "history": ({"warranty_card_returned_at": card_returned.isoformat()}
                    if card_returned else {}),
        "evidence": [], "damage_cause": None, "exchange_for": [],
    }


def test_the_request_is_the_one_a_plain_orm_read_gives(rich_order, neighbour, bare_order):
    # given orders with every kind of row, a plain one from the factory and one with a line only
    for number in (rich_order.number, neighbour.number, bare_order.number):
        # when
        request = request_from_order(order_for_request(number=number), kind="return",
                                     reason="quality", asked_at=ASKED_AT)
        # then
        assert request == _obvious_request(number, kind="return", reason="quality"), number


def test_the_rich_order_gives_the_earliest_dates_and_first_serials(rich_order):
    order = request_from_order(order_for_request(number="SO-RQ-1"), kind="return",
                               reason="quality", asked_at=ASKED_AT)["order"]
    assert order["signed_at"] == "2026-02-04T09:30:15.123463+08:00"  # JD-1, shipped first
    assert order["installed_at"] == "2026-02-06T09:30:15.123456+08:00"
    assert order["invoice_date"] == "2026-02-04"
    assert [(ln["sku"], ln["serial"], ln["production_date"]) for ln in order["lines"]] == [
        ("RQ-KETTLE", "SN-RQ-1", "2025-10-01"), ("RQ-FRIDGE", "SN-RQ-9", "2025-11-03")]
    assert order["promotions"][0]["lines"] == [1, 0]


def test_an_order_read_for_the_request_answers_queries_about_itself(rich_order, neighbour):
    # given two orders of the same products (rich: 2 lines; neighbour: 3 lines)
    # when
    order = order_for_request(number=neighbour.number)
    # then: filtered queries through the order ask about this order only
    assert order.lines.filter(quantity__gte=1).count() == 3
    assert sorted(order.lines.filter(quantity__gte=2).values_list("quantity", flat=True)) == [3, 4]
    assert order.lines.exclude(sku="RQ-KETTLE").get().line_no == 1
    assert order.payments.filter(method="wechat_pay").count() == 1
    assert order.promotions.filter(kind="gift").exists() is False
    first = order.lines.all()[0]
    assert list(first.serials.filter(lot__lot_no="L-2025-11").values_list("serial", flat=True)
                ) == ["SN-NB-1"]
    assert [ln.pk for ln in order.lines.all()] == list(
        OrderLine.objects.filter(order=neighbour).order_by("line_no").values_list("pk", flat=True))
    assert OrderLine.objects.filter(order=rich_order).count() == 2  # and the other is untouched


def test_the_order_and_everything_the_request_reads_take_five_queries(
        rich_order, neighbour, django_assert_num_queries):
    for number in (rich_order.number, neighbour.number):
        with django_assert_num_queries(5):  # order+customer, lines, serials, payments, promos
            order = order_for_request(number=number)
            request_from_order(order, kind="return", reason="quality")
            for line in order.lines.all():
                assert line.order is order and line.product.category.code
                assert all(s.lot is None or s.lot.lot_no for s in line.serials.all())
                assert line.bundle_id is None or line.bundle.code
            assert order.customer.code and len(order.payments.all()) >= 1


def test_more_lines_cost_no_more_queries(db, django_assert_num_queries):
    products = [f.product() for _ in range(8)]
    order = f.order(lines=[(p, 1, "10.00") for p in products])
    for line in order.lines.all():
        SerialNumber.objects.create(serial=f"SN-MANY-{line.line_no}", product=line.product,
                                    order_line=line, lot=Lot.objects.create(
                                        product=line.product, lot_no="L",
                                        production_date=date(2025, 1, line.line_no)))
    with django_assert_num_queries(5):
        request = request_from_order(order_for_request(number=order.number), kind="return",
                                     reason="quality")
    assert [ln["production_date"] for ln in request["order"]["lines"]] == [
        f"2025-01-0{n}" for n in range(1, 9)]


def test_an_unknown_order(db):
    assert order_request_data_get(number="SO-NOPE") is None
    with pytest.raises(NotFound) as raised:
        order_for_request(number="SO-NOPE")
    assert raised.value.code == PolicyErrorCode.UNKNOWN_ORDER and "order" in raised.value.fields


# ---- the order as plain data (policy.order_data) -----------------------------------------

def test_the_plain_data_request_is_the_orm_request(rich_order, neighbour, bare_order):
    # given orders with every kind of row, a plain one from the factory and one with a line only
    for order in (rich_order, neighbour, bare_order):
        # when
        data = order_data_get(pk=order.pk)
        # then: the same request, with the default items and with chosen ones
        for kw in ({}, {"items": [{"line": 0, "quantity": 1, "condition": {"opened": True}}],
                        "evidence": ["photo"], "history": {"returns_90d": 2},
                        "policy": "online-shop", "policy_version": 3}):
            expected = request_from_order(order_for_request(number=order.number),
                                          kind="return", reason="quality", asked_at=ASKED_AT,
                                          **kw)
            assert request_from_data(data, kind="return", reason="quality", asked_at=ASKED_AT,
                                     **kw) == expected, order.number


def test_the_lines_are_the_orders_lines_by_number(rich_order, neighbour):
    for order in (rich_order, neighbour):
        data = order_data_get(pk=order.pk)
        rows = OrderLine.objects.filter(order=order).order_by("line_no")
        assert [(ln.pk, ln.line_no, ln.quantity, ln.name, ln.product_id, ln.factory_id)
                for ln in data.lines] == [
            (ol.pk, ol.line_no, ol.quantity, ol.name, ol.product_id, ol.product.factory_id)
            for ol in rows]
        assert (data.pk, data.number, data.business_line) == (
            order.pk, order.number, order.business_line)


def test_a_missing_order_is_none_and_many_lines_take_one_statement(
        db, django_assert_num_queries):
    assert order_data_get(pk=987654) is None
    products = [f.product() for _ in range(8)]
    order = f.order(lines=[(p, 1, "10.00") for p in products])
    for line in order.lines.all():
        SerialNumber.objects.create(serial=f"SN-PD-{line.line_no}", product=line.product,
                                    order_line=line, lot=Lot.objects.create(
                                        product=line.product, lot_no="L",
                                        production_date=date(2025, 1, line.line_no)))
    with django_assert_num_queries(1):
        data = order_data_get(pk=order.pk)
    assert [ln["production_date"] for ln in data.request_order["lines"]] == [
        f"2025-01-0{n}" for n in range(1, 9)]


def test_the_graph_read_with_the_order_is_the_same_data(rich_order, neighbour,
                                                        django_assert_num_queries):
    # given an order query in some scope (here: every order but the neighbour)
    scope = Order.objects.exclude(pk=neighbour.pk)
    # when the order and its graph are read together
    with django_assert_num_queries(1):
        order = scope.select_related("customer").filter(number=rich_order.number).annotate(
            graph=order_graph()).first()
    # then: the same data as the statement on its own, and the scope still applies
    assert order_data_from(order.graph) == order_data_get(pk=rich_order.pk)
    assert order.customer.code == "RQ-C1"
    assert not scope.filter(number=neighbour.number).annotate(graph=order_graph()).exists()
