"""Money as it lands (issue 12 item 1): refunds paid per method and period, and the cost of
quality of the cases closed in a period, against hand-computed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.cases.models import Fine, FineStatus
from aftersales.charges.models import Compensation, CompensationStatus
from aftersales.finance.models import Refund, RefundLine, RefundPayment
from aftersales.reports.registry import report_get_for_user
from aftersales.reports.tests.conftest import at, make_case

NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30", "period": "month"}


def _paid(case, n: int, method: str, amount: str, *, when, status="succeeded"):
    refund = Refund.objects.create(number=f"RF-T-{n}", case=case, amount=Decimal(amount),
                                   decision_amount=Decimal(amount),
                                   requested_at=when, status="paid")
    line = RefundLine.objects.create(refund=refund, method=method, amount=Decimal(amount))
    RefundPayment.objects.create(number=f"RP-T-{n}", refund=refund, line=line, method=method,
                                 amount=Decimal(amount), gateway="manual",
                                 idempotency_key=f"k{n}", status=status, recorded_at=when,
                                 completed_at=when)


@pytest.fixture
def money(db, make_user):
    c1 = make_case(opened=at(2026, 11, 2, 10), closed=at(2026, 11, 10, 10), kind="return")
    c2 = make_case(opened=at(2026, 11, 3, 10), closed=at(2026, 11, 12, 10), kind="repair")
    c3 = make_case(opened=at(2026, 10, 3, 10), closed=at(2026, 10, 12, 10), kind="return")
    _paid(c1, 1, "bank_transfer", "300.00", when=at(2026, 11, 9, 15))
    _paid(c1, 2, "cash", "50.00", when=at(2026, 11, 9, 16))
    _paid(c2, 3, "bank_transfer", "120.00", when=at(2026, 11, 20, 9))
    _paid(c2, 4, "bank_transfer", "999.00", when=at(2026, 11, 21, 9), status="failed")
    _paid(c3, 5, "bank_transfer", "80.00", when=at(2026, 10, 20, 9))  # October
    for case, amount in ((c1, "50.00"), (c2, "100.00"), (c3, "70.00")):
        Fine.objects.create(case=case, rule="S3.4", kind="late", state="new", state_seq=1,
                            day=1, amount=Decimal(amount), status=FineStatus.BOOKED,
                            booked_at=case.closed_at)
    Compensation.objects.create(number="PC-T-1", case=c1, rule="S9.6", reason="迟了",
                                amount=Decimal("20.00"), status=CompensationStatus.APPROVED,
                                proposed_at=c1.closed_at)
    return make_user("finance")


def run(user, name, **params):
    report = report_get_for_user(user=user, name=name)
    return report.run(user=user, params={**NOVEMBER, **params})[1]


def test_refunds_paid_per_method_only_what_succeeded_in_the_period(money):
    rows = run(money, "refunds").main.rows
    assert [(r["method"], r["refunds"], r["amount"]) for r in rows] == [
        ("对公转账", 2, Decimal("420.00")), ("现金", 1, Decimal("50.00"))]


def test_cost_of_quality_of_the_cases_closed_in_the_period(money):
    rows = {r["group"]: r for r in run(money, "cost_of_quality", group_by="kind").main.rows}
    # the return: fine 50 + compensation 20; the repair: fine 100; October's case is out
    assert (rows["退货"]["cases"], rows["退货"]["total"]) == (1, Decimal("70.00"))
    assert rows["退货"]["compensation"] == Decimal("20.00")
    assert (rows["维修"]["cases"], rows["维修"]["total"]) == (1, Decimal("100.00"))
    assert list(rows) == ["维修", "退货"]  # the costliest first


def test_an_agent_sees_neither(money, make_user):
    from aftersales.core.errors import PermissionDenied

    agent = make_user("customer_service", username="agent_money")
    for name in ("refunds", "cost_of_quality"):
        with pytest.raises(PermissionDenied):
            report_get_for_user(user=agent, name=name)
