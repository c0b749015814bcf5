"""S4.2-S4.3 多不退少补: the member pays the difference when the new goods cost more (money and
points, collected by the cashier with a numbered receipt); nothing is refunded when they cost
less; the replacement ships only once the difference is collected."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.cases import services as cs
from aftersales.charges import selectors as sel
from aftersales.charges import services as s
from aftersales.charges.models import CashierReceipt
from aftersales.charges.tests.helpers import member_exchange
from aftersales.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationError
from aftersales.finance.services.points import points_balance, points_record


def test_dearer_goods_the_member_pays_the_difference_in_money_and_points(
        policies, clock, agent, warehouse, cashier):
    # given two bottles at 118.00 / 118 points exchanged for two at 138.00 / 138 points
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="118.00",
                           old_points=118, new_price="138.00", new_points=138, quantity=2)
    assert case.state == "collecting"
    diff = sel.exchange_difference(case)
    # then 40.00 yuan and 40 points are due, nothing kept or refunded
    assert (diff.old_amount, diff.new_amount) == (Decimal("236.00"), Decimal("276.00"))
    assert (diff.amount_due, diff.points_due) == (Decimal("40.00"), 40)
    assert diff.amount_kept == Decimal("0.00") and diff.amount_refunded == Decimal("0.00")

    # when the cashier collects less than due, nothing is recorded
    with pytest.raises(ValidationError) as exc:
        s.difference_collect(case=case, actor=cashier, method="wechat_pay", amount="30.00",
                             points=40, reference="WX1")
    assert "amount" in exc.value.fields and not CashierReceipt.objects.exists()

    # when the cashier collects exactly what is due
    receipt = s.difference_collect(case=case, actor=cashier, method="wechat_pay",
                                   amount="40.00", points=40, reference="WX4200001")
    # then a numbered receipt holds it and the case moves on to the warehouse (the record's step)
    assert receipt.number.startswith("SK-2026-") and receipt.amount == Decimal("40.00")
    assert receipt.points == 40 and receipt.method == "wechat_pay"
    case.refresh_from_db()
    assert case.facts["difference_collected"]["record"] == receipt.number
    assert case.state == "shipping"

    # and the 40 points are taken from the member's points ledger
    assert points_balance(case.customer) == 960

    # and a second collection is refused, nothing double-counted
    with pytest.raises(Conflict):
        s.difference_collect(case=case, actor=cashier, method="cash", amount="40.00", points=40)
    assert CashierReceipt.objects.filter(case=case).count() == 1
    assert points_balance(case.customer) == 960

    # and the warehouse ships
    case = cs.case_transition(case=case, actor=warehouse, transition="ship")
    assert case.state == "completed"


def test_cheaper_goods_nothing_is_refunded(policies, clock, agent, warehouse, cashier):
    # given 158.00 / 158 points exchanged for 128.00 / 128 points
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="158.00",
                           old_points=158, new_price="128.00", new_points=128)
    diff = sel.exchange_difference(case)
    # then nothing is due and the 30.00 / 30 points are kept, not refunded (多不退)
    assert (diff.amount_due, diff.points_due) == (Decimal("0.00"), 0)
    assert diff.amount_kept == Decimal("30.00") and diff.points_kept == 30
    assert diff.amount_refunded == Decimal("0.00")
    # when the cashier records that nothing was due (a zero difference counts as collected)
    with pytest.raises(ValidationError):  # asking the member for money is refused
        s.difference_collect(case=case, actor=cashier, method="cash", amount="30.00")
    receipt = s.difference_collect(case=case, actor=cashier, method="cash", amount="0")
    assert receipt.amount == Decimal("0.00") and receipt.method == "none"
    assert receipt.details["amount_kept"] == "30.00"
    case.refresh_from_db()
    assert case.state == "shipping"


def test_an_exchange_whose_difference_is_not_paid_cannot_ship(
        policies, clock, agent, warehouse, cashier, make_user):
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="128.00",
                           old_points=128, new_price="158.00", new_points=158)
    # the cashier's step can't be passed without the receipt
    with pytest.raises(ApplicationError):
        cs.case_transition(case=case, actor=cashier, transition="collect_difference")
    # and the ship step itself requires the collected difference
    from aftersales.cases.selectors import case_workflow
    ship = next(t for t in case_workflow(case).transitions if t.code == "ship")
    assert "difference_collected" in ship.requires
    case.refresh_from_db()
    assert case.state == "collecting"
    # only the cashier (or finance) collects
    with pytest.raises(PermissionDenied):
        s.difference_collect(case=case, actor=warehouse, method="cash", amount="30.00",
                             points=30)


def test_points_the_member_does_not_have_are_refused_and_nothing_recorded(
        policies, clock, agent, warehouse, cashier):
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="118.00",
                           old_points=118, new_price="138.00", new_points=138)
    points_record(customer=case.customer, delta=-995, kind="adjust", reason="清零")
    with pytest.raises(ValidationError):
        s.difference_collect(case=case, actor=cashier, method="cash", amount="20.00",
                             points=20)
    assert not CashierReceipt.objects.exists() and points_balance(case.customer) == 5
    case.refresh_from_db()
    assert case.state == "collecting"


@settings(max_examples=200, deadline=None)
@given(old=st.lists(st.tuples(st.decimals(min_value=0, max_value=10000, places=2),
                              st.integers(0, 5000), st.integers(1, 20)), min_size=1, max_size=4),
       new=st.lists(st.tuples(st.decimals(min_value=0, max_value=10000, places=2),
                              st.integers(0, 5000), st.integers(1, 20)), min_size=1, max_size=4),
       refund_lower=st.booleans())
def test_the_difference_rule_at_its_edges(old, new, refund_lower):
    d = sel.difference_compute(old=old, new=new, refund_lower=refund_lower)
    old_sum = sum((p * q for p, _pt, q in old), Decimal(0))
    new_sum = sum((p * q for p, _pt, q in new), Decimal(0))
    # the customer pays exactly the excess, never a negative amount
    assert d.amount_due == max(new_sum - old_sum, Decimal(0))
    assert d.amount_due >= 0 and d.points_due >= 0
    # cheaper: refunded only when the policy says so, else kept; never both, never paid too
    assert d.amount_kept + d.amount_refunded == max(old_sum - new_sum, Decimal(0))
    assert not (d.amount_kept and d.amount_refunded)
    assert not (d.amount_due and (d.amount_kept or d.amount_refunded))
    if not refund_lower:
        assert d.amount_refunded == 0
    # equal goods: nothing either way
    if old_sum == new_sum:
        assert d.amount_due == d.amount_kept == d.amount_refunded == 0
    new_points = sum(pt * q for _p, pt, q in new)
    old_points = sum(pt * q for _p, pt, q in old)
    assert d.points_due == max(new_points - old_points, 0)
    assert d.points_kept == max(old_points - new_points, 0)
