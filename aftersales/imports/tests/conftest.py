import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from aftersales.catalog.models import Category, Product
from aftersales.parties.models import Customer, Dealer, Region

ORDER_HEADER = ["订单号", "下单时间", "客户编号", "客户姓名", "客户电话", "支付明细", "快递公司",
                "快递单号", "签收时间", "SKU", "数量", "单价"]


def order_rows() -> list[list]:
    """Two orders: SO-1 with two lines (order columns blank on the second), SO-2 with one."""
    return [
        ORDER_HEADER,
        ["SO-1", "2026-03-01 10:20", "C-1", "张三", "13800000000",
         "wechat_pay:1900.00;coupon:99", "顺丰", "SF001", "2026-03-03 12:00", "P-1", "1",
         "1999.00"],
        ["SO-1", "", "", "", "", "", "", "", "", "P-2", "2", "99"],
        ["SO-2", "2026/3/2", "C-2", "李四", "13900000000", "支付宝:99", "", "", "", "P-2", "1",
         "99.00"],
    ]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def catalog(db):
    water = Category.objects.create(code="water_machine", name="净水器")
    return {
        "P-1": Product.objects.create(sku="P-1", name="净水器A", category=water,
                                      list_price=Decimal("1999.00"), points=100),
        "P-2": Product.objects.create(sku="P-2", name="滤芯", category=water,
                                      list_price=Decimal("99.00")),
    }


@pytest.fixture
def dealer(db):
    return Dealer.objects.create(code="D-1", name="华东经销商", region=Region.EAST)


@pytest.fixture
def customer(db):
    return Customer.objects.create(code="C-1", name="张三", phone="13800000000")


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (msgids); the site default is zh-hans."""
    from django.utils import translation

    with translation.override("en"):
        yield
