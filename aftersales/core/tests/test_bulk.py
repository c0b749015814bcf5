"""core.bulk.bulk_insert: named rows land in their own columns, as the ORM would save them."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from aftersales.catalog.models import Category, Product
from aftersales.core.bulk import bulk_insert
from aftersales.imports.models import ImportRun, ImportStatus

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_dict_rows_are_written_by_name_with_defaults_for_the_rest():
    # given a category and two product rows naming their fields in different orders
    water = Category.objects.create(code="water", name="净水器")
    rows = [
        {"sku": "P-1", "name": "净水器A", "category_id": water.pk,
         "list_price": Decimal("1999.50")},
        {"list_price": Decimal("0.01"), "category": water, "name": "滤芯", "sku": "P-2",
         "points": 7},
    ]

    # when
    saved = bulk_insert(Product, rows)

    # then each value is in the column its name says, and the rest have the field defaults
    assert all(p.pk is not None for p in saved)
    first, second = (Product.objects.get(sku=sku) for sku in ("P-1", "P-2"))
    assert (first.name, first.list_price, first.points) == ("净水器A", Decimal("1999.50"), 0)
    assert (second.name, second.list_price, second.points) == ("滤芯", Decimal("0.01"), 7)
    assert second.category_id == water.pk
    assert {p.pk for p in saved} == {first.pk, second.pk}


def test_times_and_json_are_stored_as_save_would_store_them():
    # given an aware time in Beijing time and a JSON list
    finished = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=SHANGHAI)
    errors = [{"row": 2, "column": "单价", "message": "太大"}]

    # when
    (run,) = bulk_insert(ImportRun, [{"file_name": "a.csv", "kind": "orders",
                                      "finished_at": finished, "errors": errors,
                                      "status": ImportStatus.FAILED}])

    # then the same instant and the same JSON come back; auto_now_add filled started_at
    stored = ImportRun.objects.get(pk=run.pk)
    assert stored.finished_at == finished
    assert stored.errors == errors
    assert stored.started_at is not None


def test_instances_and_dicts_mix():
    bulk_insert(Category, [Category(code="a", name="A"), {"code": "b", "name": "B"}])

    assert sorted(Category.objects.values_list("code", "name")) == [("a", "A"), ("b", "B")]


def test_ignore_conflicts_skips_rows_that_break_a_unique_constraint():
    # given a category already there
    Category.objects.create(code="water", name="净水器")

    # when the same code comes again among new ones
    bulk_insert(Category, [{"code": "water", "name": "改名"}, {"code": "air", "name": "空气"}],
                ignore_conflicts=True)

    # then the new one is written and the existing row is left as it was
    assert dict(Category.objects.values_list("code", "name")) == {"water": "净水器",
                                                                 "air": "空气"}


def test_without_ignore_conflicts_a_duplicate_is_an_error():
    Category.objects.create(code="water", name="净水器")

    with pytest.raises(IntegrityError):
        bulk_insert(Category, [{"code": "water", "name": "again"}])


def test_a_misspelt_field_name_fails_before_anything_is_written():
    with pytest.raises(TypeError, match="nmae"):
        bulk_insert(Category, [{"code": "ok", "name": "ok"}, {"code": "x", "nmae": "typo"}])

    assert not Category.objects.exists()


def test_rows_of_another_model_or_already_saved_are_refused():
    saved = Category.objects.create(code="water", name="净水器")

    with pytest.raises(TypeError, match="Category"):
        bulk_insert(Product, [Category(code="x", name="x")])
    with pytest.raises(ValueError, match="new rows"):
        bulk_insert(Category, [saved])


def test_rows_go_in_batches_of_batch_size(django_assert_num_queries):
    rows = [{"code": f"c{i}", "name": f"类目{i}"} for i in range(5)]

    with django_assert_num_queries(3):  # 2 + 2 + 1
        bulk_insert(Category, rows, batch_size=2)

    assert Category.objects.count() == 5


def test_no_rows_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_insert(Category, []) == []
