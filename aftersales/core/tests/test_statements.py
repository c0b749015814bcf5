"""core.statements reads and writes exactly what the ORM reads and writes (issue 4 item 11a).

Runs on the embedded default and, in CI, again on PostgreSQL: each vendor's SQL (json_object
vs to_jsonb, one INSERT per table vs one data-modifying WITH statement, PREPARE/EXECUTE) is
compared with the plain ORM on the same rows.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.calendars.calendar import SHANGHAI
from aftersales.catalog.models import Category, Product
from aftersales.core import statements
from aftersales.parties.models import Customer
from aftersales.policy.selectors import order_request_data_get
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


def test_the_order_graph_is_read_as_the_orm_reads_it(rich_order, django_assert_num_queries):
    order_request_data_get(number="SO-ST-1")  # PostgreSQL: the first read also PREPAREs
    with django_assert_num_queries(1):
        order = order_request_data_get(number="SO-ST-1")
        lines = list(order.lines.all())
        children = {name: list(getattr(order, name).all())
                    for name in ("payments", "shipments", "promotions", "invoices",
                                 "warranty_cards")}
        serials = [list(line.serials.all()) for line in lines]
        products = [line.product for line in lines]
        categories = [line.product.category for line in lines]
        bundles = [line.bundle for line in lines]
        lots = [s.lot for group in serials for s in group]
        customer = order.customer
    orm = Order.objects.select_related("customer").get(number="SO-ST-1")
    _same(order, orm)
    _same(customer, orm.customer)
    orm_lines = list(orm.lines.select_related("product__category", "bundle"))
    assert [ln.line_no for ln in lines] == [1, 2]
    for line, want in zip(lines, orm_lines, strict=True):
        _same(line, want)
        _same(line.product, want.product)
    for got, want in zip(categories + bundles[1:], [ln.product.category for ln in orm_lines]
                         + [orm_lines[1].bundle], strict=True):
        _same(got, want)
    assert bundles[0] is None and serials[0] == []
    _same(serials[1][0], SerialNumber.objects.get(serial="SN-ST-0001"))
    _same(lots[0], Lot.objects.get(lot_no="L-2025-11"))
    assert [s.tracking_no for s in children["shipments"]] == ["JD-1", "SF-2"]  # by shipped_at
    for name, rows in children.items():
        want = {r.pk: r for r in getattr(orm, name).all()}
        assert sorted(r.pk for r in rows) == sorted(want)
        for row in rows:
            _same(row, want[row.pk])
    assert products[1].is_key_product is True and order.lines.all()[0].order is order


def test_an_unknown_order_reads_as_none(db):
    assert order_request_data_get(number="SO-NOPE") is None


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2),
       micros=st.integers(min_value=0, max_value=10**12 - 1),
       points=st.none() | st.integers(min_value=0, max_value=2**31 - 1),
       code=st.text(max_size=60))
def test_any_payment_comes_back_as_it_was_stored(rich_order, amount, micros, points, code):
    """Decimals keep their places, times their microseconds, text any character."""
    paid = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    code = code.replace("\x00", "")
    with transaction.atomic():
        payment = Payment.objects.create(order=rich_order, method="alipay", amount=amount,
                                         paid_at=paid, points=points, coupon_code=code)
        read = {p.pk: p for p in order_request_data_get(number="SO-ST-1").payments.all()}
        _same(read[payment.pk], Payment.objects.get(pk=payment.pk))
        transaction.set_rollback(True)


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
