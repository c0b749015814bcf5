"""The policy request's edges: values no engine arithmetic can hold (a date in year 1, an amount
of 1e999999 yuan, 10³⁰ pieces) are refused by parse_request naming the field — as 422 through
the API — and no JSON value in any field makes it fail any other way."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import ValidationError
from aftersales.policy.engine.request import parse_request

from .samples import SAMPLE_REQUEST

URL = "/api/v1/policy/evaluate"


def _with(path: str, value):
    data = copy.deepcopy(SAMPLE_REQUEST)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


EXTREMES = [
    ("asked_at", "0001-01-01T00:00:00"),
    ("asked_at", "9999-12-31T23:59:59-12:00"),
    ("order.placed_at", "0001-01-01T00:00:00+14:00"),
    ("order.lines.0.production_date", "0001-01-01"),
    ("order.lines.0.unit_price", "1e999999"),
    ("order.lines.0.unit_price", "1000000000.01"),
    ("order.lines.0.unit_price", 1e308),
    ("order.lines.0.quantity", 10**30),
    ("order.lines.0.points", 10**30),
    ("order.payments.0.amount", "NaN"),
    ("order.shipping_fee", "-Infinity"),
    ("items.0.quantity", 10**30),
    ("order.lines.0.sku", "x" * 10_000),
    ("order.lines.0.tags", ["x"] * 5_000),
]


@pytest.mark.parametrize(("field", "value"), EXTREMES)
def test_an_extreme_value_is_refused_naming_the_field(field, value):
    with pytest.raises(ValidationError) as caught:
        parse_request(_with(field, value))
    assert field in caught.value.fields or field.rsplit(".", 1)[0] in caught.value.fields


@pytest.mark.parametrize(("field", "value"), [
    ("asked_at", "0001-01-01T00:00:00"),
    ("order.lines.0.unit_price", "1e999999"),
    ("order.lines.0.quantity", 10**30),
])
def test_through_the_api_it_is_422_naming_the_field(client, agent, field, value):
    client.force_login(agent)
    r = client.post(URL, json.dumps(_with(field, value)), content_type="application/json")
    assert r.status_code == 422, r.content[:300]
    body = r.json()
    assert body["code"] == "invalid" and field in body["fields"]
    assert field in body["message"]


def test_the_largest_accepted_amount_and_quantity_are_evaluated(client, agent):
    data = _with("order.lines.0.unit_price", "1000000000.00")
    data["order"]["lines"][0]["quantity"] = 1_000_000
    data["items"][0]["quantity"] = 1_000_000
    data["order"]["payments"][0]["amount"] = "1000000000.00"
    assert parse_request(data).order.lines[0].value == 1_000_000_000 * 1_000_000
    client.force_login(agent)
    r = client.post(URL, json.dumps(data), content_type="application/json")
    assert r.status_code == 200 and r.json()["options"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=8,
)
FIELDS = ["asked_at", "kind", "reason", "order", "items", "evidence", "history",
          "exchange_for", "repair_parts", "received_at", "order.lines.0.unit_price",
          "order.lines.0.quantity", "order.lines.0.tags", "order.payments.0",
          "order.promotions", "items.0.line", "items.0.quantity", "items.0.condition"]


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=JSON)
def test_any_json_value_in_any_field_is_parsed_or_refused_never_crashes(field, value):
    try:
        parse_request(_with(field, value))
    except ValidationError as exc:
        assert exc.fields and str(exc.message)
