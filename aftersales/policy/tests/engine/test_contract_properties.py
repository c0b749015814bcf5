"""POLICY-API contract over random valid requests and all six policies: never crashes, the
keys are there, allowed ⇔ options, a refusal names a failed reason, JSON-serialisable."""

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.policy.engine import evaluate

from .helpers import request

CATEGORIES = ["apparel", "cookware", "water_machine", "filter", "cosmetics", "health_food",
              "refrigerator", "mobile_phone", "camera_module", "pump", "tractor", "periodical"]
TAGS = ["custom_made", "perishable", "digital_opened", "consumable", "promo_bundle",
        "no_return_confirmed_at_checkout", "key_product"]
COND = ["unused", "packaging_intact", "seal_intact", "tags_attached", "activated",
        "all_parts_present", "data_traces"]
DAYS = st.integers(0, 500)


def _at(day):
    from datetime import date, timedelta
    return (date(2025, 1, 2) + timedelta(days=day)).isoformat() + "T10:00:00+08:00"


@st.composite
def requests(draw):
    placed = draw(st.integers(0, 200))
    signed = placed + draw(st.integers(0, 5))
    asked = signed + draw(DAYS)
    qty = draw(st.integers(1, 300))
    line = {"sku": "S", "name": draw(st.sampled_from(["三七葡萄籽胶囊", "净水机", "模组"])),
            "category": draw(st.sampled_from(CATEGORIES)),
            "tags": draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
            "unit_price": f"{draw(st.integers(0, 10000))}.00", "points": draw(st.integers(0, 300)),
            "quantity": qty, "bundle": draw(st.sampled_from([None, "SET"])),
            "production_date": draw(st.sampled_from([None, "2024-06-01"]))}
    repairs = [{"fault": draw(st.sampled_from(["a", "b"])), "sent_at": _at(signed + d)[:10],
                "returned_at": draw(st.sampled_from([None, _at(signed + d + 3)[:10]]))}
               for d in draw(st.lists(st.integers(0, max(0, asked - signed - 4)), max_size=3))]
    return request(
        asked_at=_at(asked),
        kind=draw(st.sampled_from(["return", "exchange", "repair", "refund_only"])),
        reason=draw(st.sampled_from(["no_reason", "quality", "damaged_in_transit", "wrong_item",
                                     "missing_part", "not_as_described", "allergy", "other",
                                     None])),
        damage_cause=draw(st.sampled_from([None, "misuse", "liquid", "unauthorised_repair"])),
        evidence=draw(st.lists(st.sampled_from(["inspection_report", "medical_certificate",
                                                "complaint_record"]), unique=True)),
        order={"placed_at": _at(placed), "paid_at": _at(placed), "signed_at": _at(signed),
               "invoice_date": draw(st.sampled_from([None, _at(placed)[:10]])),
               "channel": draw(st.sampled_from(["online", "offline", "dealer", "b2b", None])),
               "customer": {"key_account": draw(st.booleans())},
               "payments": [{"method": "alipay", "amount": "100.00"}],
               "lines": [line]},
        items=[{"line": 0, "quantity": draw(st.integers(1, qty)),
                "condition": draw(st.dictionaries(st.sampled_from(COND), st.booleans()))}],
        history={"repairs": repairs,
                 "warranty_card_returned_at": draw(st.sampled_from(
                     [None, _at(placed + 10)[:10], _at(placed + 30)[:10]]))},
        exchange_for=draw(st.sampled_from([[], [{"sku": "N", "unit_price": "120.00",
                                                  "points": 150, "quantity": 1}]])),
    )


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=requests(), name=st.sampled_from(["cn-consumer-law", "online-shop", "member-store",
                                              "outsourced-manufacturer", "electronics-rework",
                                              "machinery-dealer"]))
def test_every_decision_keeps_the_public_contract(policies, calendar, data, name):
    d = evaluate(data, policies[name], calendar=calendar, version_label="p")
    json.dumps(d, ensure_ascii=False)
    assert d["allowed"] is bool(d["options"])
    if not d["allowed"]:
        assert any(r["passed"] is False for r in d["reasons"])
    assert d["policy"] == {"name": name, "version": "p"}
    seen = set()
    for opt in d["options"]:
        assert opt["resolution"] in {"return", "exchange", "repair", "paid_repair",
                                     "refund_only"}
        assert opt["resolution"] not in seen
        seen.add(opt["resolution"])
        assert set(opt["refund"]) >= {"total", "by_method", "points", "coupons_restored"}
        assert Decimal(opt["customer_pays"]) >= 0 and Decimal(opt["refund"]["total"]) >= 0
        assert opt["shipping_paid_by"] in {"customer", "company"}
        assert isinstance(opt["deadlines"], dict)
    for r in d["reasons"]:
        assert set(r) >= {"rule", "passed", "message", "source"}
        assert r["message"]["zh"] and r["message"]["en"]
        assert "{" not in r["message"]["zh"] + r["message"]["en"]
