"""Import of orders (issue 2 item 5): good files, idempotence, changes recorded."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.imports.models import ImportChange, ImportStatus
from aftersales.imports.services import import_file
from aftersales.parties.models import Customer
from aftersales.sales.models import Order, OrderLine, OrderSource, Payment, Shipment

from .conftest import order_rows, write_csv, write_xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def run(path, **kw):
    return import_file(kind="orders", source=path, file_name=path.name, **kw)


def assert_imported_as_expected():
    so1 = Order.objects.get(number="SO-1")
    assert so1.placed_at == datetime(2026, 3, 1, 10, 20, tzinfo=SHANGHAI)
    assert so1.source == OrderSource.IMPORT
    assert so1.total == Decimal("2197.00")  # no total column: sum of lines + shipping
    assert so1.customer.name == "张三" and so1.customer.phone == "13800000000"
    lines = list(so1.lines.values_list("line_no", "sku", "name", "quantity", "unit_price",
                                       "points"))
    assert lines == [(1, "P-1", "净水器A", 1, Decimal("1999.00"), 100),
                     (2, "P-2", "滤芯", 2, Decimal("99.00"), 0)]
    assert sorted(so1.payments.values_list("method", "amount")) == [
        ("coupon", Decimal("99.00")), ("wechat_pay", Decimal("1900.00"))]
    shipment = so1.shipments.get()
    assert (shipment.carrier, shipment.tracking_no) == ("顺丰", "SF001")
    assert shipment.signed_at == datetime(2026, 3, 3, 12, 0, tzinfo=SHANGHAI)
    so2 = Order.objects.get(number="SO-2")
    assert so2.placed_at == datetime(2026, 3, 2, tzinfo=SHANGHAI)
    assert list(so2.payments.values_list("method", "amount")) == [("alipay", Decimal("99.00"))]
    assert not so2.shipments.exists()


def test_good_csv_creates_orders_lines_payments_shipments_and_customers(tmp_path, catalog):
    # given a shop export with Chinese headers and two orders
    path = write_csv(tmp_path / "orders.csv", order_rows())
    # when
    result = run(path)
    # then
    assert result.ok, result.errors
    assert (result.run.status, result.run.created, result.run.rows) == (
        ImportStatus.SUCCEEDED, 2, 3)
    assert_imported_as_expected()


def test_good_xlsx_imports_the_same_as_csv(tmp_path, catalog):
    # given the same content as typed Excel cells (datetimes, numbers, phone as a number)
    rows = order_rows()
    rows[1][1] = datetime(2026, 3, 1, 10, 20)
    rows[1][4] = 13800000000
    rows[1][10], rows[1][11] = 1, 1999.0
    rows[3][1] = datetime(2026, 3, 2)
    path = write_xlsx(tmp_path / "orders.xlsx", rows)
    result = run(path)
    assert result.ok, result.errors
    assert result.run.created == 2
    assert_imported_as_expected()


def test_reimporting_the_same_file_changes_nothing(tmp_path, catalog):
    path = write_csv(tmp_path / "orders.csv", order_rows())
    run(path)
    before = list(Order.objects.values_list("pk", "updated_at", "content_hash"))
    line_ids = sorted(OrderLine.objects.values_list("pk", flat=True))
    # when the same file comes again
    again = run(path)
    # then
    assert (again.run.created, again.run.updated, again.run.unchanged) == (0, 0, 2)
    assert list(Order.objects.values_list("pk", "updated_at", "content_hash")) == before
    assert sorted(OrderLine.objects.values_list("pk", flat=True)) == line_ids
    assert Customer.objects.count() == 2 and Payment.objects.count() == 3
    assert not ImportChange.objects.exists()


def test_a_changed_row_updates_the_order_and_is_recorded(tmp_path, catalog):
    rows = order_rows()
    run(write_csv(tmp_path / "orders.csv", rows))
    kept_line = OrderLine.objects.get(order__number="SO-1", line_no=2)
    # when the quantity of SO-1 line 2 changes and a tracking number is corrected
    rows[2][10] = "3"
    rows[1][7] = "SF002"
    result = run(write_csv(tmp_path / "orders-v2.csv", rows))
    # then
    assert (result.run.created, result.run.updated, result.run.unchanged) == (0, 1, 1)
    line = OrderLine.objects.get(order__number="SO-1", line_no=2)
    assert line.pk == kept_line.pk and line.quantity == 3
    assert Order.objects.get(number="SO-1").total == Decimal("2296.00")
    assert Shipment.objects.get(order__number="SO-1").tracking_no == "SF002"
    change = ImportChange.objects.get(run=result.run)
    assert change.key == "SO-1" and change.entity == "orders"
    assert change.before["order"] == {"total": "2197.00"}
    assert change.after["order"] == {"total": "2296.00"}
    assert change.before["lines"][1][3] == 2 and change.after["lines"][1][3] == 3
    assert change.before["shipment"][1] == "SF001" and change.after["shipment"][1] == "SF002"


def test_an_order_entered_by_hand_with_the_same_content_is_unchanged(tmp_path, catalog):
    # given SO-2 imported, then its fingerprint forgotten (as for an order entered by hand)
    rows = order_rows()[:1] + order_rows()[3:]
    path = write_csv(tmp_path / "orders.csv", rows)
    run(path)
    Order.objects.filter(number="SO-2").update(content_hash="", source=OrderSource.MANUAL)
    # when imported again, then compared on content: nothing to change
    result = run(path)
    assert (result.run.updated, result.run.unchanged) == (0, 1)


def test_dry_run_reports_counts_and_writes_nothing(tmp_path, catalog):
    result = run(write_csv(tmp_path / "orders.csv", order_rows()), dry_run=True)
    assert result.ok
    assert (result.run.status, result.run.created) == (ImportStatus.CHECKED, 2)
    assert not Order.objects.exists() and not Customer.objects.exists()


def test_known_customer_dealer_total_shipping_and_payment_columns(tmp_path, catalog, customer,
                                                                   dealer):
    header = ["order_number", "placed_at", "customer_code", "dealer_code", "business_line",
              "channel", "shipping_fee", "total", "payment_method", "payment_amount",
              "payment_reference", "line_no", "sku", "quantity", "unit_price", "gift",
              "declared_gift_price"]
    rows = [header,
            ["SO-9", "2026-01-05T09:00:00+08:00", "C-1", "D-1", "农机", "经销商", "10", "1010",
             "银行卡", "", "TX-1", "5", "P-1", "1", "1000", "否", ""],
            ["SO-9", "", "", "", "", "", "", "", "", "", "", "6", "P-2", "1", "0", "是", "99"]]
    result = run(write_csv(tmp_path / "o.csv", rows))
    assert result.ok, result.errors
    order = Order.objects.get(number="SO-9")
    assert (order.customer, order.dealer, order.business_line, order.channel) == (
        customer, dealer, "machinery", "dealer")
    assert (order.shipping_fee, order.total) == (Decimal("10.00"), Decimal("1010.00"))
    payment = order.payments.get()
    assert (payment.method, payment.amount, payment.reference) == ("card", Decimal("1010.00"),
                                                                   "TX-1")
    gift = order.lines.get(line_no=6)
    assert gift.gift and gift.declared_gift_price == Decimal("99.00")
    assert Customer.objects.count() == 1


def test_a_database_refusal_is_reported_not_raised(tmp_path, catalog, monkeypatch):
    # given a write that the database refuses halfway (as when two imports race on a number)
    from django.db import IntegrityError

    from aftersales.imports.services import orders

    def refuse(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(orders, "bulk_insert", refuse)
    result = run(write_csv(tmp_path / "orders.csv", order_rows()))
    assert not result.ok and "database refused" in result.errors[0].message
    assert result.run.status == ImportStatus.FAILED
    assert not Order.objects.exists() and not Customer.objects.exists()
