"""Sample POLICY-API requests (no Django imports: usable from scripts and benches)."""

# A 7-day no-reason return of a shirt bought online (POLICY-API.md "Request"); dates in 2025,
# for which the calendar has data.
SAMPLE_REQUEST = {
    "policy": "online-shop",
    "policy_version": None,
    "asked_at": "2025-03-06T10:00:00+08:00",
    "kind": "return",
    "reason": "no_reason",
    "order": {
        "number": "SO-H2B-1",
        "placed_at": "2025-03-01T10:00:00+08:00",
        "paid_at": "2025-03-01T10:01:00+08:00",
        "signed_at": "2025-03-03T14:00:00+08:00",
        "channel": "online",
        "customer": {"type": "consumer", "key_account": False},
        "payments": [{"method": "wechat_pay", "amount": "300.00",
                      "paid_at": "2025-03-01T10:01:00+08:00"}],
        "shipping_fee": "0.00",
        "promotions": [],
        "lines": [{"sku": "SHIRT-1", "name": "衬衫", "category": "apparel", "tags": [],
                   "unit_price": "300.00", "points": 0, "quantity": 1}],
    },
    "items": [{"line": 0, "quantity": 1,
               "condition": {"unused": True, "packaging_intact": True, "tags_attached": True,
                             "all_parts_present": True}}],
    "evidence": [],
}
