"""core.statements writes exactly what the ORM writes (issue 4 item 11a).

Runs on the embedded default and, in CI, again on PostgreSQL: each vendor's SQL (one INSERT
per table vs one data-modifying WITH statement, PREPARE/EXECUTE) is compared with the plain
ORM on the same rows. (Its JSON read functions have no caller left: the policy request's
order is read with the ORM, tested in policy/tests/test_order_request.py.)
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from aftersales.calendars.calendar import SHANGHAI
from aftersales.catalog.models import Category, Product
from aftersales.core import statements
from aftersales.parties.models import Customer
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


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _same(read, orm, *, types: bool = True) -> None:
    """Same model, same values, same types (Decimal places, aware datetimes included)."""
    assert type(read) is type(orm)
    got, want = _fields(read), _fields(orm)
    assert got == want
    for name, value in want.items() if types else ():
        assert type(got[name]) is type(value), name
        if isinstance(value, Decimal):
            assert str(got[name]) == str(value), name
        if isinstance(value, datetime):
            assert got[name].utcoffset() == timedelta(0) and value.utcoffset() == timedelta(0)


@pytest.fixture
def rich_order(db):
    """An order with every child table the policy reads: a bundle, a serial with its lot,
    two payments, two shipments (one not shipped yet), a promotion, an invoice and a card."""
    category = Category.objects.create(code="st-appliance", name="家电")
    fridge = Product.objects.create(sku="ST-FRIDGE", name="冰箱", category=category,
                                    list_price=Decimal("2999.90"), is_key_product=True)
    kettle = Product.objects.create(sku="ST-KETTLE", name="水壶", category=category,
                                    list_price=Decimal("99.00"))
    customer = Customer.objects.create(code="ST-C1", name="李四", phone="13811112222",
                                       key_account=True)
    placed = datetime(2026, 2, 1, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    order = Order.objects.create(
        number="SO-ST-1", business_line="online_shop", channel="online", customer=customer,
        placed_at=placed, paid_at=placed + timedelta(minutes=3), total=Decimal("3098.90"),
        shipping_fee=Decimal("12.50"), receiver_phone="13811112222", note="请工作日送货")
    bundle = Bundle.objects.create(order=order, code="B1", name="厨房套餐", promotional=True)
    fridge_line = OrderLine.objects.create(
        order=order, line_no=2, product=fridge, sku=fridge.sku, name=fridge.name, quantity=1,
        unit_price=Decimal("2999.90"), points=30, bundle=bundle)
    OrderLine.objects.create(order=order, line_no=1, product=kettle, sku=kettle.sku,
                             name=kettle.name, quantity=2, unit_price=Decimal("49.50"),
                             gift=True, declared_gift_price=Decimal("0.00"))
    lot = Lot.objects.create(product=fridge, lot_no="L-2025-11", production_date=date(2025, 11, 3),
                             quantity=100)
    serial = SerialNumber.objects.create(serial="SN-ST-0001", product=fridge, lot=lot,
                                         order_line=fridge_line)
    Payment.objects.create(order=order, method="wechat_pay", amount=Decimal("3000.00"),
                           paid_at=order.paid_at)
    Payment.objects.create(order=order, method="points", amount=Decimal("98.90"), points=989)
    Shipment.objects.create(order=order, carrier="SF", tracking_no="SF-2",
                            shipped_at=placed + timedelta(days=2))
    Shipment.objects.create(order=order, carrier="JD", tracking_no="JD-1",
                            shipped_at=placed + timedelta(days=1),
                            signed_at=placed + timedelta(days=3, microseconds=7))
    Promotion.objects.create(order=order, kind="threshold_discount", threshold=Decimal("3000"),
                             discount=Decimal("100"), line_numbers=[1, 2])
    Invoice.objects.create(order=order, number="INV-ST-1", issued_on=date(2026, 2, 4),
                           amount=Decimal("3098.90"))
    WarrantyCard.objects.create(number="WC-ST-1", order=order, serial=serial,
                                sold_on=date(2026, 2, 1), returned_on=date(2026, 2, 10))
    return order


def test_a_family_is_written_as_save_writes_it(rich_order):
    promo = Promotion(order=rich_order, kind="coupon", threshold=Decimal("10.5"),
                      line_numbers=[{"line": 1, "note": "券"}])
    bundles = [Bundle(order=rich_order, code=f"F{i}", name=f"套餐{i}") for i in range(2)]
    other = Customer(code="ST-C2", name="王五", phone="13900000000")
    order = Order(number="SO-ST-2", business_line="online_shop", customer=rich_order.customer,
                  placed_at=datetime(2026, 3, 1, 8, 0, 0, 1, tzinfo=SHANGHAI),
                  shipping_fee=Decimal("8"))
    promo.order = bundles[0].order = bundles[1].order = order
    statements.insert_family(order, (bundles, "order"), ([promo], "order"), ([other], None))
    assert order.pk and all(b.pk and b.order_id == order.pk for b in bundles)
    assert promo.order_id == order.pk and other.pk and not order._state.adding
    # What was written reads back as the objects in hand (which hold what save() would send).
    _same(order, Order.objects.get(pk=order.pk), types=False)
    _same(promo, Promotion.objects.get(pk=promo.pk), types=False)
    _same(other, Customer.objects.get(pk=other.pk), types=False)
    assert {b.pk: b.code for b in bundles} == dict(
        Bundle.objects.filter(order=order).values_list("pk", "code"))  # each got its own id


def test_a_family_with_a_bad_row_writes_nothing(rich_order):
    order = Order(number="SO-ST-3", business_line="online_shop", customer=rich_order.customer,
                  placed_at=datetime(2026, 3, 1, tzinfo=SHANGHAI))
    twins = [Bundle(order=order, code="SAME", name="a"), Bundle(order=order, code="SAME",
                                                                 name="b")]
    with pytest.raises(IntegrityError), transaction.atomic():
        statements.insert_family(order, (twins, "order"))
    assert not Order.objects.filter(number="SO-ST-3").exists()
    assert not Bundle.objects.filter(code="SAME").exists()


def test_a_family_refuses_rows_that_are_not_new_or_not_its_children(rich_order):
    order = Order(number="SO-ST-4", business_line="online_shop", customer=rich_order.customer,
                  placed_at=datetime(2026, 3, 1, tzinfo=SHANGHAI))
    with pytest.raises(ValueError, match="new rows"):
        statements.insert_family(order, ([rich_order.lines.first()], "order"))
    if connection.vendor == "postgresql":  # the statement is built from the model: checked
        with pytest.raises(TypeError, match="does not point at"):
            statements.insert_family(order, ([Lot(product=Product.objects.first(),
                                                  lot_no="x", production_date=date.today())],
                                              "product"))
    assert not Order.objects.filter(number="SO-ST-4").exists()


def test_a_family_refuses_a_row_pointing_at_an_unsaved_object(rich_order):
    order = Order(number="SO-ST-5", business_line="online_shop", customer=rich_order.customer,
                  placed_at=datetime(2026, 3, 1, tzinfo=SHANGHAI))
    orphan = Shipment(order=Order(number="SO-UNSAVED"), carrier="X")
    with pytest.raises(ValueError):
        statements.insert_family(order, ([orphan], None))
    assert not Order.objects.filter(number="SO-ST-5").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_statements_are_prepared_once_per_session(db):
    from django.db import connections

    sql = "SELECT %s::int + 1, '100%%'"
    assert statements.fetchall(sql, [41]) == [(42, "100%")]
    with transaction.atomic():  # a rolled-back transaction keeps the prepared statement
        assert statements.fetchall(sql, [1]) == [(2, "100%")]
        transaction.set_rollback(True)
    assert statements.fetchall(sql, [2]) == [(3, "100%")]

    def prepared(conn) -> int:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                           "WHERE statement LIKE %s", ["%$1::int + 1%"])
            return cursor.fetchone()[0]

    assert prepared(connection) == 1
    other = connections.create_connection("default")  # another session knows none of them
    try:
        assert prepared(other) == 0
        with other.cursor() as cursor:
            cursor.execute(statements._runnable(other, sql, cursor), [9])
            assert cursor.fetchall() == [(10, "100%")]
        assert prepared(other) == 1
    finally:
        other.close()
