"""The split of an amount over the original methods (B7-14(2)) and the points ledger (B7-15):
property tests on the edges — never more than a method can take, sums exact to the fen."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.core.errors import ValidationError
from aftersales.finance import services as fs
from aftersales.finance.models import PointsEntry
from aftersales.finance.split import SplitError, split_amount

METHODS = ["wechat_pay", "alipay", "card", "bank_transfer", "cash", "balance"]
fen = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


@st.composite
def payments(draw):
    methods = draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=6, unique=True))
    caps = {m: draw(fen) for m in methods}
    weights = {m: draw(fen) for m in methods if draw(st.booleans())}
    total = sum(caps.values(), Decimal(0))
    cents = draw(st.integers(min_value=0, max_value=int(total * 100)))
    return Decimal(cents) / 100, weights, caps


@settings(max_examples=300, deadline=None)
@given(payments())
def test_the_split_never_exceeds_a_method_and_sums_to_the_fen(case):
    amount, weights, caps = case
    parts = split_amount(amount, weights, caps)
    assert sum(parts.values(), Decimal(0)) == amount
    for method, part in parts.items():
        assert Decimal(0) < part <= caps[method]
        assert part == part.quantize(Decimal("0.01"))


@settings(max_examples=100, deadline=None)
@given(payments(), st.integers(min_value=1, max_value=10_000))
def test_more_than_the_methods_hold_is_refused(case, extra_cents):
    _amount, weights, caps = case
    too_much = sum(caps.values(), Decimal(0)) + Decimal(extra_cents) / 100
    with pytest.raises(SplitError):
        split_amount(too_much, weights, caps)


def test_the_decisions_weights_are_followed_while_they_fit():
    parts = split_amount(Decimal("100.00"), {"wechat_pay": Decimal("300"), "cash": Decimal("100")},
                         {"wechat_pay": Decimal("300"), "cash": Decimal("100")})
    assert parts == {"wechat_pay": Decimal("75.00"), "cash": Decimal("25.00")}
    # a method already mostly refunded takes only what is left; the rest moves over
    parts = split_amount(Decimal("100.00"), {"wechat_pay": Decimal("300"), "cash": Decimal("100")},
                         {"wechat_pay": Decimal("300"), "cash": Decimal("5.00")})
    assert parts == {"wechat_pay": Decimal("95.00"), "cash": Decimal("5.00")}


def test_the_points_balance_is_the_sum_of_the_ledger(db):
    from aftersales.cases.tests import factories as f

    member = f.customer(kind="member")
    fs.points_record(customer=member, delta=1200, kind="earn", reason="订单 SO-1")
    fs.points_record(customer=member, delta=-200, kind="spend", reason="兑换")
    with pytest.raises(ValidationError):
        fs.points_record(customer=member, delta=-1001, kind="spend", reason="兑换")
    with pytest.raises(ValidationError):
        fs.points_record(customer=member, delta=-5, kind="restore", reason="退款")
    with pytest.raises(ValidationError):
        fs.points_record(customer=member, delta=10, kind="adjust", reason=" ")
    fs.points_record(customer=member, delta=-50, kind="adjust", reason="客服更正")
    assert fs.points_balance(member) == 950
    rows = list(PointsEntry.objects.filter(customer=member).values_list("delta", "balance_after"))
    assert rows == [(1200, 1200), (-200, 1000), (-50, 950)]
