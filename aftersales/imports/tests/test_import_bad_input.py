"""Bad input (issue 2 "Bad input"): each case names file, row and column; nothing is written."""

import pytest

from aftersales.imports.models import ImportRun, ImportStatus
from aftersales.imports.services import import_file
from aftersales.parties.models import Customer
from aftersales.sales.models import Order, OrderLine

from .conftest import order_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def run(path, **kw):
    return import_file(kind="orders", source=path, file_name=path.name, **kw)


def assert_nothing_written(result):
    assert not result.ok
    assert result.run.status == ImportStatus.FAILED
    assert (result.run.created, result.run.updated) == (0, 0)
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert not Customer.objects.exists()


def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_negative_quantity(tmp_path, catalog):
    rows = order_rows()
    rows[3][10] = "-1"
    result = run(write_csv(tmp_path / "neg.csv", rows))
    error = only_error(result)
    assert (error.file, error.row, error.column) == ("neg.csv", 4, "数量")
    assert "greater than zero" in error.message
    assert str(error).startswith("neg.csv:4:数量: ")
    assert_nothing_written(result)


def test_date_that_does_not_parse(tmp_path, catalog):
    rows = order_rows()
    rows[3][1] = "2026-02-30"
    result = run(write_csv(tmp_path / "date.csv", rows))
    error = only_error(result)
    assert (error.row, error.column) == (4, "下单时间")
    assert "2026-02-30" in error.message
    assert_nothing_written(result)


def test_missing_required_column(tmp_path, catalog):
    rows = [[c for i, c in enumerate(r) if i != 9] for r in order_rows()]  # drop SKU
    result = run(write_csv(tmp_path / "nosku.csv", rows))
    error = only_error(result)
    assert (error.row, error.column) == (1, "sku")
    assert "required column missing" in error.message
    assert_nothing_written(result)


def test_duplicate_order_number_with_different_content(tmp_path, catalog):
    rows = order_rows()
    rows.append(["SO-1", "2026-03-05 10:00", "C-1", "张三", "13800000000", "", "", "", "",
                 "P-2", "1", "99"])
    result = run(write_csv(tmp_path / "dup.csv", rows))
    error = only_error(result)
    assert (error.row, error.column) == (5, "订单号")
    assert "first at row 2" in error.message
    assert_nothing_written(result)


def test_order_level_value_differing_between_lines_of_one_order(tmp_path, catalog):
    rows = order_rows()
    rows[2][2] = "C-9"
    error = only_error(run(write_csv(tmp_path / "differ.csv", rows)))
    assert (error.row, error.column) == (3, "客户编号")
    assert "differs from row 2" in error.message


def test_identical_repeated_order_is_harmless(tmp_path, catalog):
    rows = order_rows()
    rows.append(list(rows[3]))
    rows.insert(4, ["SO-3", "2026-03-04", "C-2", "李四", "", "", "", "", "", "P-1", "1", "1"])
    result = run(write_csv(tmp_path / "repeat.csv", rows))
    assert result.ok, result.errors
    assert Order.objects.count() == 3


def test_unknown_encoding_name(tmp_path, catalog):
    result = run(write_csv(tmp_path / "o.csv", order_rows()), encoding="klingon-8")
    error = only_error(result)
    assert (error.file, error.row) == ("o.csv", 0)
    assert "unknown encoding 'klingon-8'" in error.message
    assert_nothing_written(result)


def test_wrong_encoding_given_is_reported_with_its_row(tmp_path, catalog):
    # a GBK file read as UTF-8 on request: the first undecodable row is named
    result = run(write_csv(tmp_path / "gbk.csv", order_rows(), encoding="gbk"),
                 encoding="utf-8")
    error = only_error(result)
    assert error.row == 1 and "not valid utf-8" in error.message
    assert_nothing_written(result)


def test_malformed_csv_unterminated_quote(tmp_path, catalog):
    path = write_csv(tmp_path / "bad.csv", order_rows())
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('SO-3,"2026-03-04,C-2,,,,,,,P-1,1,1\n')
    result = run(path)
    error = only_error(result)
    assert error.row == 5 and "malformed CSV" in error.message
    assert_nothing_written(result)


def test_csv_row_with_too_many_cells(tmp_path, catalog):
    rows = order_rows()
    rows[2] = rows[2] + ["extra"]
    error = only_error(run(write_csv(tmp_path / "wide.csv", rows)))
    assert error.row == 3 and "13 cells" in error.message


def test_malformed_xlsx(tmp_path, catalog):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    result = run(path)
    error = only_error(result)
    assert error.file == "broken.xlsx" and "not a readable .xlsx" in error.message
    assert_nothing_written(result)


def test_every_bad_row_is_reported_and_a_late_error_rolls_back_earlier_batches(
        tmp_path, catalog, monkeypatch):
    # given small batches so that good orders are written before the bad rows are read
    from aftersales.imports.services.orders import OrderImporter

    monkeypatch.setattr(OrderImporter, "batch_size", 1)
    rows = order_rows()
    rows.append(["SO-3", "not a date", "C-3", "王五", "", "", "", "", "", "P-404", "x", "1"])
    result = run(write_csv(tmp_path / "late.csv", rows))
    # then every problem of the bad row is listed, and the two good orders are rolled back
    assert [(e.row, e.column) for e in result.errors] == [(5, "下单时间"), (5, "数量")]
    assert_nothing_written(result)
    assert ImportRun.objects.get().errors[0]["column"] == "下单时间"


def test_unknown_sku_and_unknown_customer_without_name(tmp_path, catalog):
    rows = order_rows()
    rows[3][9] = "P-404"
    rows[3][3] = ""  # no customer_name: C-2 cannot be created
    result = run(write_csv(tmp_path / "refs.csv", rows))
    assert sorted((e.row, e.column) for e in result.errors) == [(4, "SKU"), (4, "客户编号")]
    assert_nothing_written(result)


def test_errors_are_capped(tmp_path, catalog):
    from aftersales.imports.services import MAX_ERRORS

    rows = [order_rows()[0]] + [[f"SO-{i}", "bad", "C-1", "", "", "", "", "", "", "P-1", "1",
                                 "1"] for i in range(MAX_ERRORS + 20)]
    result = run(write_csv(tmp_path / "many.csv", rows))
    assert len(result.errors) == MAX_ERRORS and result.truncated


def test_xlsx_bad_cell_names_sheet_row_and_column(tmp_path, catalog):
    rows = order_rows()
    rows[2][11] = "九十九"
    error = only_error(run(write_xlsx(tmp_path / "o.xlsx", rows)))
    assert (error.file, error.row, error.column) == ("o.xlsx", 3, "单价")


def test_repeated_order_number_in_a_later_batch_is_found(tmp_path, catalog, monkeypatch):
    # given batches of one order: the repeat is detected through the rows this run wrote
    from aftersales.imports.services.orders import OrderImporter

    monkeypatch.setattr(OrderImporter, "batch_size", 1)
    rows = order_rows()
    rows.append(list(rows[3]))  # identical repeat of SO-2: harmless
    rows.append(["SO-1", "2026-03-05 10:00", "C-1", "张三", "", "", "", "", "", "P-2", "1", "9"])
    result = run(write_csv(tmp_path / "dup.csv", rows))
    error = only_error(result)
    assert (error.row, error.column) == (6, "订单号")
    assert "appears earlier in the file" in error.message
    assert_nothing_written(result)


def test_nul_byte_in_a_csv_is_a_malformed_file(tmp_path, catalog):
    # PostgreSQL text cannot hold NUL: rejected with its row instead of a database error
    rows = order_rows()
    rows[2][9] = "P-\x002"
    error = only_error(run(write_csv(tmp_path / "nul.csv", rows)))
    assert error.row == 3 and "NUL" in error.message


def test_amounts_and_quantities_beyond_the_columns_are_errors(tmp_path, catalog):
    rows = order_rows()
    rows[2][10] = "3000000000"  # quantity beyond a 32-bit integer
    rows[3][11] = "12345678901.00"  # unit price beyond 12 digits
    result = run(write_csv(tmp_path / "big.csv", rows))
    assert sorted((e.row, e.column) for e in result.errors) == [(3, "数量"), (4, "单价")]
    messages = {e.column: e.message for e in result.errors}
    assert "too large" in messages["数量"]
    assert "at most 1000000000.00 yuan" in messages["单价"]
    assert_nothing_written(result)


def test_computed_total_beyond_a_billion_is_an_error(tmp_path, catalog):
    rows = order_rows()
    rows[2][10], rows[2][11] = "2000000000", "999999999.00"
    error = only_error(run(write_csv(tmp_path / "big.csv", rows)))
    assert (error.row, error.column) == (2, "total") and "too large" in error.message


def test_repeat_of_an_unchanged_existing_order_with_other_content(tmp_path, catalog,
                                                                    monkeypatch):
    # given SO-2 already imported; a new file repeats it unchanged, then with another quantity
    from aftersales.imports.services.orders import OrderImporter

    rows = order_rows()
    run(write_csv(tmp_path / "first.csv", rows))
    monkeypatch.setattr(OrderImporter, "batch_size", 1)
    later = list(rows[3])
    later[10] = "5"
    between = ["SO-3", "2026-03-04", "C-2", "李四", "", "", "", "", "", "P-1", "1", "1"]
    error = only_error(run(write_csv(tmp_path / "second.csv", [*rows, between, later])))
    # then the second SO-2 is a conflict inside the file, not an update
    assert (error.row, error.column) == (6, "订单号")
    assert Order.objects.get(number="SO-2").lines.get().quantity == 1
