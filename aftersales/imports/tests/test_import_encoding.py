"""Encodings (issue 2 item 5): UTF-8 with/without BOM and GBK detected; --encoding overrides."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.imports.reading import RowSource
from aftersales.imports.services import import_file
from aftersales.sales.models import Order

from .conftest import order_rows, write_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("encoding, detected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"),
    ("gb18030", "gb18030")])
def test_encoding_is_detected(tmp_path, catalog, encoding, detected):
    path = write_csv(tmp_path / "orders.csv", order_rows(), encoding=encoding)
    result = import_file(kind="orders", source=path, file_name=path.name)
    assert result.ok, result.errors
    assert result.run.encoding == detected
    assert Order.objects.get(number="SO-1").customer.name == "张三"


def test_bom_is_not_part_of_the_first_header(tmp_path, catalog):
    path = write_csv(tmp_path / "orders.csv", order_rows(), encoding="utf-8-sig")
    result = import_file(kind="orders", source=path, file_name=path.name, encoding="utf-8")
    assert result.ok, result.errors


def test_encoding_option_overrides_detection(tmp_path, catalog):
    # given a GBK file whose bytes happen to be valid Latin-1 too: the user's choice wins
    path = write_csv(tmp_path / "orders.csv", order_rows(), encoding="gbk")
    result = import_file(kind="orders", source=path, file_name=path.name, encoding="GBK")
    assert result.ok and result.run.encoding == "gbk"


cell = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n,\""),
               max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=3, max_size=3).map(lambda r: ["k" + r[0], *r[1:]]),
                     min_size=1, max_size=5),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_any_cell_text_survives_the_csv_round_trip(rows, encoding):
    """Commas, quotes, Chinese and rare characters come back exactly, whatever the encoding."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([["a", "b", "c"], *rows])
    data = io.BytesIO(buffer.getvalue().encode(encoding))
    source = RowSource(data, file_name="x.csv", encoding=encoding)
    try:
        got = [cells for _row, cells in source.rows()]
    finally:
        source.close()
    assert got == [r for r in rows]
