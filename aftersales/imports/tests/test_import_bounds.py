"""Out-of-range input (issue 8 item 2): amounts 0 to 10⁹ yuan with two decimals, dates within
the calendar's years (2000-2100), whole quantities within the column. Each is a row error naming
its row and column; the run ends as failed and nothing is written — never a server error, a
hang, or a run left "running"."""

import time
from decimal import Decimal

import pytest
from django.utils import translation

from aftersales.catalog.models import Product
from aftersales.imports.models import ImportStatus
from aftersales.imports.services import import_file
from aftersales.parties.models import Customer
from aftersales.sales.models import Order, OrderLine

from .conftest import order_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

PLACED_AT, SIGNED_AT, PAYMENTS, QUANTITY, UNIT_PRICE = 1, 8, 5, 10, 11


def run(path, kind="orders"):
    return import_file(kind=kind, source=path, file_name=path.name)


def rejected_with(result, row, column):
    """The one error of a rejected run, at (row, column); nothing written, run failed."""
    assert [(e.row, e.column) for e in result.errors] == [(row, column)], result.errors
    result.run.refresh_from_db()
    assert result.run.status == ImportStatus.FAILED
    assert result.run.errors[0]["row"] == row
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert not Customer.objects.exists()
    return result.errors[0].message


@pytest.mark.parametrize(("value", "says"), [
    ("1e30", "at most 1000000000.00 yuan"),
    ("1000000000.01", "at most 1000000000.00 yuan"),
    ("12.345", "at most two decimal places"),
    ("NaN", "decimal amount"),
    ("inf", "decimal amount"),
    ("-Infinity", "decimal amount"),
    ("-0.01", "not be negative"),
    ("1e999999999", "at most 1000000000.00 yuan"),
])
def test_unit_price_out_of_range(tmp_path, catalog, value, says):
    rows = order_rows()
    rows[3][UNIT_PRICE] = value
    message = rejected_with(run(write_csv(tmp_path / "price.csv", rows)), 4, "单价")
    assert says in message


def test_unit_price_of_exactly_a_billion_is_accepted(tmp_path, catalog):
    rows = order_rows()
    rows[3][UNIT_PRICE] = "1000000000"
    result = run(write_csv(tmp_path / "max.csv", rows))
    assert result.ok, result.errors
    assert OrderLine.objects.get(order__number="SO-2").unit_price == Decimal("1000000000.00")


def test_an_excel_float_of_1e30_is_an_amount_error(tmp_path, catalog):
    rows = order_rows()
    rows[3][UNIT_PRICE] = 1e30
    message = rejected_with(run(write_xlsx(tmp_path / "price.xlsx", rows)), 4, "单价")
    assert "at most 1000000000.00 yuan" in message


def test_a_total_above_a_billion_is_an_error(tmp_path, catalog):
    rows = order_rows()
    rows[3][QUANTITY], rows[3][UNIT_PRICE] = "2", "600000000"
    message = rejected_with(run(write_csv(tmp_path / "total.csv", rows)), 4, "total")
    assert "too large" in message


def test_payment_amount_out_of_range(tmp_path, catalog):
    rows = order_rows()
    rows[3][PAYMENTS] = "alipay:1e30"
    message = rejected_with(run(write_csv(tmp_path / "pay.csv", rows)), 4, "支付明细")
    assert "at most 1000000000.00 yuan" in message


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31 23:59", "1999-12-31 23:59:59",
                                   "2101-01-01", "0001-01-01T00:00:00+14:00"])
def test_order_time_outside_the_supported_years(tmp_path, catalog, value):
    rows = order_rows()
    rows[3][PLACED_AT] = value
    message = rejected_with(run(write_csv(tmp_path / "date.csv", rows)), 4, "下单时间")
    assert "The year must be between 2000 and 2100." in message


@pytest.mark.parametrize("value", ["NaN", "inf"])
def test_order_time_that_is_no_time(tmp_path, catalog, value):
    rows = order_rows()
    rows[3][PLACED_AT] = value
    message = rejected_with(run(write_csv(tmp_path / "date.csv", rows)), 4, "下单时间")
    assert "not a date/time" in message


def test_the_first_and_last_supported_years_are_accepted(tmp_path, catalog):
    rows = order_rows()
    rows[1][PLACED_AT], rows[3][PLACED_AT] = "2000-01-01 00:00", "2100-12-31 23:59"
    assert run(write_csv(tmp_path / "edges.csv", rows)).ok


def test_delivery_time_in_year_one(tmp_path, catalog):
    rows = order_rows()
    rows[1][SIGNED_AT] = "0001-01-01"
    message = rejected_with(run(write_csv(tmp_path / "signed.csv", rows)), 2, "签收时间")
    assert "between 2000 and 2100" in message


@pytest.mark.parametrize(("value", "says"), [
    ("-3", "greater than zero"),
    ("0", "greater than zero"),
    ("1000000000000000000000000000000", "too large"),
    ("1e30", "too large"),
    ("NaN", "not a whole number"),
    ("inf", "not a whole number"),
    ("2.5", "not a whole number"),
])
def test_quantity_out_of_range(tmp_path, catalog, value, says):
    rows = order_rows()
    rows[3][QUANTITY] = value
    message = rejected_with(run(write_csv(tmp_path / "qty.csv", rows)), 4, "数量")
    assert says in message


@pytest.mark.parametrize("value", ["1e999999999", "-1e999999999"])
def test_a_quantity_with_a_huge_exponent_is_answered_at_once(tmp_path, catalog, value):
    rows = order_rows()
    rows[3][QUANTITY] = value
    started = time.monotonic()
    rejected_with(run(write_csv(tmp_path / "exp.csv", rows)), 4, "数量")
    assert time.monotonic() - started < 5  # int() of it would take hours


def test_product_price_and_customer_points_out_of_range(tmp_path, db):
    from aftersales.catalog.models import Category

    Category.objects.create(code="water_machine", name="净水器")
    products = [["sku", "name", "category_code", "list_price"],
                ["W-1", "净水器", "water_machine", "1e30"]]
    result = run(write_csv(tmp_path / "p.csv", products), kind="products")
    assert [(e.row, e.column) for e in result.errors] == [(2, "list_price")]
    assert result.run.status == ImportStatus.FAILED and not Product.objects.exists()

    customers = [["customer_code", "name", "points_balance"], ["C-1", "张三", "1e999999999"]]
    result = run(write_csv(tmp_path / "c.csv", customers), kind="customers")
    assert [(e.row, e.column) for e in result.errors] == [(2, "points_balance")]
    assert result.run.status == ImportStatus.FAILED and not Customer.objects.exists()


def test_messages_are_in_chinese_for_chinese_users(tmp_path, catalog):
    rows = order_rows()
    rows[3][UNIT_PRICE], rows[3][PLACED_AT] = "1e30", "0001-01-01"
    with translation.override("zh-hans"):
        result = run(write_csv(tmp_path / "zh.csv", rows))
    messages = {e.column: e.message for e in result.errors}
    assert "不能超过 1000000000.00 元" in messages["单价"]
    assert messages["下单时间"] == "年份必须在 2000 到 2100 之间。"


def test_an_unexpected_error_still_ends_the_run_as_failed(tmp_path, catalog, monkeypatch):
    # given a fault while writing (a bug, not the file's content)
    from aftersales.imports.services.orders import OrderImporter

    def broken(self, batch, customers):
        raise RuntimeError("boom")

    monkeypatch.setattr(OrderImporter, "write", broken)

    # when
    result = run(write_csv(tmp_path / "ok.csv", order_rows()))

    # then the run is failed with a message, not left running, and nothing is written
    result.run.refresh_from_db()
    assert result.run.status == ImportStatus.FAILED
    assert result.run.finished_at is not None
    assert "unexpected error" in result.errors[0].message
    assert not Order.objects.exists()
