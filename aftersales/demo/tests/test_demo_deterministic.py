"""The demo company is deterministic (issue 2 item 6): the same seed and load day give the
same orders, whatever else was loaded with them."""

import pytest

from aftersales.demo.services import demo_load
from aftersales.demo.tests.fixtures import TODAY
from aftersales.sales.models import Order

pytestmark = pytest.mark.django_db


def test_a_second_load_into_an_empty_database_makes_the_same_orders(demo_image):
    # given the session's demo company (orders, policies and cases, loaded for TODAY), gone
    assert not Order.objects.exists()
    # when only its orders are loaded again, for the same day, into an empty database
    demo_load(today=TODAY, policies=False, cases=False)
    # then they are the same orders: numbers, customers, times and totals
    again = list(Order.objects.order_by("number").values_list(
        "number", "customer__code", "placed_at", "total"))
    assert again == demo_image.orders
