"""The order read as plain data in one SQL statement (policy.order_data) gives the request the
ORM read gives (policy.selectors.orders_for_request + request_from_order, the reference), on
either database, over orders using every row the policy reads."""

from datetime import date

from aftersales.cases.tests import factories as f
from aftersales.policy.order_data import order_data_get
from aftersales.policy.selectors import (
    order_for_request,
    request_from_data,
    request_from_order,
)
from aftersales.policy.tests.test_order_request import (  # noqa: F401 (fixtures)
    ASKED_AT,
    bare_order,
    neighbour,
    rich_order,
)
from aftersales.sales.models import Lot, OrderLine, SerialNumber


def test_the_plain_data_request_is_the_orm_request(rich_order, neighbour, bare_order):
    # given orders with every kind of row, a plain one from the factory and one with a line only
    for order in (rich_order, neighbour, bare_order):
        # when
        data = order_data_get(pk=order.pk)
        # then: the same request, with the default items and with chosen ones
        for kw in ({}, {"items": [{"line": 0, "quantity": 1, "condition": {"opened": True}}],
                        "evidence": ["photo"], "history": {"returns_90d": 2},
                        "policy": "online-shop", "policy_version": 3}):
            expected = request_from_order(order_for_request(number=order.number),
                                          kind="return", reason="quality", asked_at=ASKED_AT,
                                          **kw)
            assert request_from_data(data, kind="return", reason="quality", asked_at=ASKED_AT,
                                     **kw) == expected, order.number


def test_the_lines_are_the_orders_lines_by_number(rich_order, neighbour):
    for order in (rich_order, neighbour):
        data = order_data_get(pk=order.pk)
        rows = OrderLine.objects.filter(order=order).order_by("line_no")
        assert [(ln.pk, ln.line_no, ln.quantity, ln.name, ln.product_id, ln.factory_id)
                for ln in data.lines] == [
            (ol.pk, ol.line_no, ol.quantity, ol.name, ol.product_id, ol.product.factory_id)
            for ol in rows]
        assert (data.pk, data.number, data.business_line) == (
            order.pk, order.number, order.business_line)


def test_a_missing_order_is_none_and_many_lines_take_one_statement(
        db, django_assert_num_queries):
    assert order_data_get(pk=987654) is None
    products = [f.product() for _ in range(8)]
    order = f.order(lines=[(p, 1, "10.00") for p in products])
    for line in order.lines.all():
        SerialNumber.objects.create(serial=f"SN-PD-{line.line_no}", product=line.product,
                                    order_line=line, lot=Lot.objects.create(
                                        product=line.product, lot_no="L",
                                        production_date=date(2025, 1, line.line_no)))
    with django_assert_num_queries(1):
        data = order_data_get(pk=order.pk)
    assert [ln["production_date"] for ln in data.request_order["lines"]] == [
        f"2025-01-0{n}" for n in range(1, 9)]


def test_the_graph_read_with_the_order_is_the_same_data(rich_order, neighbour,
                                                        django_assert_num_queries):
    # given an order query in some scope (here: every order but the neighbour)
    from aftersales.policy.order_data import order_data_from, order_graph
    from aftersales.sales.models import Order

    scope = Order.objects.exclude(pk=neighbour.pk)
    # when the order and its graph are read together
    with django_assert_num_queries(1):
        order = scope.select_related("customer").filter(number=rich_order.number).annotate(
            graph=order_graph()).first()
    # then: the same data as the statement on its own, and the scope still applies
    assert order_data_from(order.graph) == order_data_get(pk=rich_order.pk)
    assert order.customer.code == "RQ-C1"
    assert not scope.filter(number=neighbour.number).annotate(graph=order_graph()).exists()
