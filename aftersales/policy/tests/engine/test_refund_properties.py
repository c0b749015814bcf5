"""Properties of the refund money (PAY-1, PAY-2, B7-14, B7-15): whatever the order, a refund
never exceeds what was paid, in total and per method, and the split sums to the total."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.policy.engine import evaluate

from .helpers import request

METHODS = ["wechat_pay", "alipay", "card", "cash", "bank_transfer", "balance", "coupon", "points"]
MONEY = {"wechat_pay", "alipay", "card", "cash", "bank_transfer", "balance"}

cents = st.integers(min_value=0, max_value=200_000).map(lambda c: f"{Decimal(c) / 100:.2f}")


@st.composite
def orders(draw):
    n = draw(st.integers(1, 4))
    lines = []
    for i in range(n):
        gift = draw(st.booleans()) if i else False
        lines.append({"sku": f"L{i}", "name": f"商品{i}", "category": "household",
                      "unit_price": "0.00" if gift else draw(cents),
                      "quantity": draw(st.integers(1, 3)), "gift": gift,
                      "declared_gift_price": draw(st.one_of(st.none(), cents)) if gift else None})
    payments = [{"method": draw(st.sampled_from(METHODS)), "amount": draw(cents),
                 "points": draw(st.integers(0, 100_000)), "reference": f"P{j}"}
                for j in range(draw(st.integers(1, 4)))]
    promotions = []
    if draw(st.booleans()):
        promotions.append({"kind": "threshold_discount", "threshold": draw(cents),
                           "discount": draw(cents),
                           "lines": draw(st.lists(st.integers(0, n - 1), unique=True,
                                                  min_size=1))})
    if draw(st.booleans()):
        promotions.append({"kind": "free_shipping", "threshold": draw(cents),
                           "standard_fee": draw(cents)})
    items = [{"line": i, "quantity": draw(st.integers(1, lines[i]["quantity"]))}
             for i in sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))]
    return {"lines": lines, "payments": payments, "promotions": promotions,
            "shipping_fee": draw(cents)}, items


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=orders(), reason=st.sampled_from(["no_reason", "quality"]),
       name=st.sampled_from(["cn-consumer-law", "online-shop", "outsourced-manufacturer"]))
def test_refund_never_exceeds_what_was_paid_and_the_split_sums_to_the_total(
        policies, calendar, data, reason, name):
    order, items = data
    req = request(order=order, items=items, reason=reason, kind="return",
                  evidence=["inspection_report"])
    decision = evaluate(req, policies[name], calendar=calendar, version_label="p")
    paid_by_method: dict[str, Decimal] = {}
    for p in order["payments"]:
        paid_by_method[p["method"]] = paid_by_method.get(p["method"], Decimal(0)) + Decimal(
            p["amount"])
    points_paid = sum(p["points"] for p in order["payments"] if p["method"] == "points"
                      and Decimal(p["amount"]) > 0)
    money_paid = sum((v for m, v in paid_by_method.items() if m in MONEY), Decimal(0))
    for opt in decision["options"]:
        refund = opt["refund"]
        total = Decimal(refund["total"])
        split = [Decimal(x["amount"]) for x in refund["by_method"]]
        assert sum(split, Decimal(0)) == total                      # the split sums to total
        assert total <= money_paid                                  # never more than paid
        for x in refund["by_method"]:
            assert x["method"] in MONEY                             # in-kind never as cash
            assert Decimal(x["amount"]) <= paid_by_method[x["method"]]  # per method
            assert Decimal(x["amount"]) > 0
            assert Decimal(x["amount"]) == Decimal(x["amount"]).quantize(Decimal("0.01"))
        assert 0 <= refund["points"] <= points_paid                 # points back in kind only
        assert Decimal(opt["customer_pays"]) >= 0
