"""parse_request: POLICY-API "Request" — invalid input is an error naming the field."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from aftersales.core.errors import ValidationError
from aftersales.policy.engine import parse_request

from .helpers import request


def test_valid_request_parses_with_beijing_time_for_naive_times():
    # given a naive asked_at (POLICY-API: Beijing time when no offset is given)
    data = request(asked_at="2025-03-08T10:00:00", unknown_key={"ignored": True})
    # when
    req = parse_request(data)
    # then
    assert req.asked_at.utcoffset() == timedelta(hours=8)
    assert req.asked_at.astimezone(UTC) == datetime(2025, 3, 8, 2, tzinfo=UTC)
    assert req.items[0].line.unit_price == Decimal("300.00")
    assert req.reason == "no_reason"


def test_missing_optional_keys_are_unknown_not_errors():
    data = request(order={"signed_at": None, "channel": None, "payments": None})
    req = parse_request(data)
    assert req.order.signed_at is None and req.order.channel is None
    assert req.order.payments == ()
    assert req.items[0].condition == {}


def _field_error(data):
    with pytest.raises(ValidationError) as exc:
        parse_request(data)
    return exc.value.fields


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"asked_at": "yesterday"}, "asked_at"),
        ({"asked_at": None}, "asked_at"),
        ({"kind": "swap"}, "kind"),
        ({"reason": "bored"}, "reason"),
        ({"order": {"signed_at": "2025-13-40"}}, "order.signed_at"),
        ({"order": {"signed_at": "2025-03-09T00:00:00+08:00"}}, "order.signed_at"),  # after asked
        ({"order": {"placed_at": "2025-03-09T00:00:00+08:00"}}, "order.placed_at"),
        ({"order": {"channel": "teleport"}}, "order.channel"),
        ({"order": {"shipping_fee": "-1.00"}}, "order.shipping_fee"),
        ({"order": {"shipping_fee": "1.005"}}, "order.shipping_fee"),
        ({"order": {"shipping_fee": True}}, "order.shipping_fee"),
        ({"order": {"payments": [{"method": "bitcoin", "amount": "1.00"}]}},
         "order.payments.0.method"),
        ({"order": {"payments": [{"method": "cash", "amount": "-5"}]}}, "order.payments.0.amount"),
        ({"order": {"payments": [{"method": "cash", "amount": "abc"}]}},
         "order.payments.0.amount"),
        ({"order": {"lines": [{"sku": "A", "unit_price": "-3.00", "quantity": 1}]}},
         "order.lines.0.unit_price"),
        ({"order": {"lines": [{"sku": "A", "unit_price": "3.00", "quantity": "two"}]}},
         "order.lines.0.quantity"),
        ({"order": {"lines": []}}, "order.lines"),
        ({"order": {"promotions": [{"kind": "threshold_discount", "discount": "5", "lines": [7]}]}},
         "order.promotions.0.lines"),
        ({"items": [{"line": 3, "quantity": 1}]}, "items.0.line"),
        ({"items": [{"line": "0"}]}, "items.0.line"),
        ({"items": [{"line": 0, "quantity": 2}]}, "items.0.quantity"),  # bought 1
        ({"items": [{"line": 0, "condition": {"unused": "yes"}}]}, "items.0.condition.unused"),
        ({"items": []}, "items"),
        ({"history": {"repairs": [{"sent_at": "2025-02-30"}]}}, "history.repairs.0.sent_at"),
        ({"history": {"repairs": [{"sent_at": "2025-03-05", "returned_at": "2025-03-01"}]}},
         "history.repairs.0.returned_at"),
        ({"damage_cause": "aliens"}, "damage_cause"),
        ({"exchange_for": [{"sku": "B", "unit_price": "-1"}]}, "exchange_for.0.unit_price"),
        ({"evidence": "photos"}, "evidence"),
        ({"order": "SO-1"}, "order"),
    ],
)
def test_invalid_input_names_the_field(changes, field):
    fields = _field_error(request(**changes))
    assert field in fields, fields


def test_all_bad_fields_are_reported_at_once():
    fields = _field_error(request(kind="swap", items=[{"line": 9}]))
    assert {"kind", "items.0.line"} <= set(fields)


def test_not_an_object():
    with pytest.raises(ValidationError):
        parse_request(["not", "a", "dict"])
