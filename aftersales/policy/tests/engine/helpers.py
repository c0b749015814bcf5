"""Request builders shared by the engine tests."""

import copy

from aftersales.policy.engine import evaluate

BASE = {
    "asked_at": "2025-03-08T10:00:00+08:00",
    "kind": "return",
    "reason": "no_reason",
    "order": {
        "number": "SO-1001",
        "placed_at": "2025-03-01T10:00:00+08:00",
        "paid_at": "2025-03-01T10:01:00+08:00",
        "signed_at": "2025-03-03T14:00:00+08:00",
        "channel": "online",
        "customer": {"type": "consumer", "key_account": False},
        "payments": [{"method": "wechat_pay", "amount": "300.00"}],
        "shipping_fee": "0.00",
        "promotions": [],
        "lines": [{"sku": "SHIRT-1", "name": "衬衫", "category": "apparel", "tags": [],
                   "unit_price": "300.00", "points": 0, "quantity": 1}],
    },
    "items": [{"line": 0, "quantity": 1}],
}


def request(**changes):
    """BASE with top-level keys replaced; order.* keys via order={...} are merged."""
    data = copy.deepcopy(BASE)
    order = changes.pop("order", None)
    if isinstance(order, dict):
        data["order"].update(order)
    elif order is not None:
        data["order"] = order
    data.update(changes)
    return data


def line(**kw):
    out = {"sku": "X", "name": "商品", "category": "household", "tags": [], "unit_price": "100.00",
           "points": 0, "quantity": 1}
    out.update(kw)
    return out


def decide(policies, calendar, name, data):
    return evaluate(data, policies[name], calendar=calendar, version_label="test")


def reason(decision, rule_id):
    found = [r for r in decision["reasons"] if r["rule"] == rule_id]
    assert found, f"{rule_id} not applied; got {[r['rule'] for r in decision['reasons']]}"
    return found[0]


def resolutions(decision):
    return [o["resolution"] for o in decision["options"]]


def option(decision, resolution):
    return next(o for o in decision["options"] if o["resolution"] == resolution)
