"""Property: whatever a (valid) order row holds, import stores it and re-import changes nothing."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.imports.services import import_file
from aftersales.sales.models import Order

from .conftest import write_csv

pytestmark = pytest.mark.django_db
numbers = itertools.count()
free_text = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\r,\""),
                    max_size=40)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=free_text, receiver=free_text.map(lambda s: s[:60]),
       price=st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2),
       quantity=st.integers(min_value=1, max_value=1000))  # total within 10⁹ yuan
def test_import_then_reimport_is_stable(tmp_path_factory, catalog, note, receiver, price,
                                        quantity):
    number = f"PROP-{next(numbers)}"
    rows = [["order_number", "placed_at", "customer_code", "customer_name", "note",
             "receiver_name", "sku", "quantity", "unit_price"],
            [number, "2026-05-01 08:00", "C-P", "客户", note, receiver, "P-1", quantity, price]]
    path = write_csv(tmp_path_factory.mktemp("prop") / "p.csv", rows)
    first = import_file(kind="orders", source=path, file_name="p.csv")
    assert first.ok, first.errors
    order = Order.objects.get(number=number)
    assert (order.note, order.receiver_name) == (note.strip(), receiver.strip())
    assert order.total == price * quantity
    again = import_file(kind="orders", source=path, file_name="p.csv")
    assert (again.run.created, again.run.updated, again.run.unchanged) == (0, 0, 1)
