"""Import of products and customers (issue 2 item 5): keyed on SKU / customer code."""

from decimal import Decimal

import pytest

from aftersales.catalog.models import Category, Product
from aftersales.imports.models import ImportChange
from aftersales.imports.services import import_file
from aftersales.parties.models import Customer

from .conftest import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

PRODUCTS = [
    ["SKU", "商品名称", "类目编码", "标价", "积分", "耗材", "定作"],
    ["W-1", "净水器", "water_machine", "1999.00", "100", "否", "否"],
    ["F-1", "滤芯", "filter", "99", "", "是", ""],
]


def run(kind, path, **kw):
    return import_file(kind=kind, source=path, file_name=path.name, **kw)


def test_products_unknown_category_is_an_error_unless_asked_to_create(tmp_path, db):
    Category.objects.create(code="water_machine", name="净水器")
    path = write_csv(tmp_path / "p.csv", PRODUCTS)
    refused = run("products", path)
    assert [(e.row, e.column) for e in refused.errors] == [(3, "类目编码")]
    assert "filter" in refused.errors[0].message
    assert not Product.objects.exists()
    created = run("products", path, create_categories=True)
    assert created.ok and created.run.created == 2
    filter_ = Product.objects.get(sku="F-1")
    assert (filter_.category.code, filter_.is_consumable, filter_.list_price) == (
        "filter", True, Decimal("99.00"))
    assert Product.objects.get(sku="W-1").points == 100


def test_products_reimport_unchanged_then_change_recorded(tmp_path, db):
    Category.objects.create(code="water_machine", name="净水器")
    Category.objects.create(code="filter", name="滤芯")
    rows = [list(r) for r in PRODUCTS]
    run("products", write_xlsx(tmp_path / "p.xlsx", rows))
    again = run("products", write_xlsx(tmp_path / "p.xlsx", rows))
    assert (again.run.created, again.run.updated, again.run.unchanged) == (0, 0, 2)
    assert not ImportChange.objects.exists()
    # when the price of F-1 changes
    rows[2][3] = "89.00"
    changed = run("products", write_xlsx(tmp_path / "p2.xlsx", rows))
    assert (changed.run.updated, changed.run.unchanged) == (1, 1)
    assert Product.objects.get(sku="F-1").list_price == Decimal("89.00")
    change = ImportChange.objects.get()
    assert (change.entity, change.key, change.before, change.after) == (
        "products", "F-1", {"list_price": "99.00"}, {"list_price": "89.00"})


def test_customers_partial_columns_update_only_those(tmp_path, dealer):
    # given a full customer file, then one with only code, name and phone
    full = [["客户编号", "姓名", "客户类型", "电话", "省份", "重点客户", "积分余额", "经销商编号"],
            ["C-1", "张三", "会员", "13800000000", "浙江", "是", "120", "D-1"]]
    assert run("customers", write_csv(tmp_path / "c.csv", full)).ok
    partial = [["customer_code", "name", "phone"], ["C-1", "张三", "13900000000"]]
    result = run("customers", write_csv(tmp_path / "c2.csv", partial))
    # then the phone changed, the rest kept
    customer = Customer.objects.get(code="C-1")
    assert result.run.updated == 1
    assert (customer.phone, customer.kind, customer.key_account, customer.points_balance,
            customer.dealer) == ("13900000000", "member", True, 120, dealer)
    assert ImportChange.objects.get().after == {"phone": "13900000000"}


def test_customer_bad_rows_are_all_reported(tmp_path, db):
    rows = [["customer_code", "name", "points_balance", "dealer_code", "email"],
            ["C-1", "", "-5", "D-404", "not-an-email"],
            ["C-1", "张三", "1", "", ""]]
    result = run("customers", write_csv(tmp_path / "bad.csv", rows))
    assert sorted((e.row, e.column) for e in result.errors) == [
        (2, "email"), (2, "name"), (2, "points_balance"), (3, "customer_code")]
    assert not Customer.objects.exists()


def test_product_text_and_price_limits(tmp_path, db):
    Category.objects.create(code="water_machine", name="净水器")
    rows = [PRODUCTS[0], ["W-1", "名" * 121, "water_machine", "99999999999.00", "", "", ""]]
    result = run("products", write_csv(tmp_path / "p.csv", rows))
    assert sorted((e.row, e.column) for e in result.errors) == [(2, "商品名称"), (2, "标价")]
    assert not Product.objects.exists()
