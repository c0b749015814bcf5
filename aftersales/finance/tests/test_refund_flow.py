"""S7.2 end to end through the services: a consumer return refunded over mixed payment (WeChat
Pay + coupon + points) with exact sums; review, approval by another person, payment per
original method, the customer told and confirming (issue 11 items 5, 11)."""

from decimal import Decimal

import pytest

from aftersales.cases.models import Case
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.finance import services as fs
from aftersales.finance.errors import FinanceErrorCode
from aftersales.finance.models import PaymentStatus, PointsEntry, RefundStatus, RestoredCoupon
from aftersales.finance.tests.helpers import at, inspected_case, mixed_order
from aftersales.notify.models import Message


def _line(refund, method):
    return refund.lines.get(method=method)


def test_consumer_return_refunded_over_wechat_coupon_and_points(
        policies, clock, agent, finance, warehouse, wechat, make_user):
    # given a member who paid 500.00 by WeChat Pay, a 50.00 coupon and 1000 points (100.00)
    order = mixed_order()
    case = inspected_case(order, agent, warehouse)

    # when customer service makes the first review (S7.2) — a clerk who also works in finance
    clerk = make_user("customer_service", "finance")
    refund = fs.refund_create(case=case, actor=clerk)

    # then the refund is the decision's: 500.00 back to WeChat Pay, the coupon and the points
    # in kind, not as cash (B7-14, B7-15), and the case went on to finance
    assert refund.number.startswith("RF-2026-")
    assert refund.amount == Decimal("500.00") and refund.points == 1000
    assert not refund.partial and refund.status == RefundStatus.PENDING
    assert {(ln.method, ln.amount, ln.points, ln.coupon_code) for ln in refund.lines.all()} == {
        ("wechat_pay", Decimal("500.00"), 0, ""), ("points", Decimal("0.00"), 1000, ""),
        ("coupon", Decimal("0.00"), 0, "CP-2026-88")}
    case.refresh_from_db()
    assert case.state == "refund_approval"
    assert case.facts["refund_reviewed"]["record"] == refund.number

    # and the requester can't approve it; finance can (maker-checker)
    with pytest.raises(PermissionDenied) as exc:
        fs.refund_approve(refund=refund, actor=clerk)
    assert exc.value.code == FinanceErrorCode.OWN_REFUND
    refund = fs.refund_approve(refund=refund, actor=finance)
    case.refresh_from_db()
    assert refund.status == RefundStatus.APPROVED and refund.approved_by == finance
    assert case.state == "refund_payment"
    assert case.facts["finance_approval"]["record"] == refund.number

    # when finance pays each share through its gateway
    p1 = fs.refund_pay(refund=refund, line=_line(refund, "wechat_pay"), actor=finance,
                       idempotency_key="k-wx")
    p2 = fs.refund_pay(refund=refund, line=_line(refund, "points"), actor=finance,
                       idempotency_key="k-pts")
    p3 = fs.refund_pay(refund=refund, line=_line(refund, "coupon"), actor=finance,
                       idempotency_key="k-cp")

    # then WeChat Pay refunded 50000 fen of the 50000 paid, to the original transaction
    assert [p.status for p in (p1, p2, p3)] == [PaymentStatus.SUCCEEDED] * 3
    assert len(wechat.requests) == 1 and wechat.requests[0]["merchant_signature_ok"]
    body = wechat.requests[0]["body"]
    assert body["amount"] == {"refund": 50000, "total": 50000, "currency": "CNY"}
    assert body["transaction_id"] == "4200001234" and body["out_refund_no"] == p1.number
    # and the member's points came back on the ledger, the coupon with its code
    entry = PointsEntry.objects.get(customer=order.customer)
    assert (entry.delta, entry.kind, entry.balance_after) == (1000, "restore", 1000)
    assert fs.points_balance(order.customer) == 1000
    assert RestoredCoupon.objects.get(refund=refund).code == "CP-2026-88"
    # and the refund is paid, the case completed, the customer told amount and route
    refund.refresh_from_db()
    case = Case.objects.get(pk=case.pk)
    assert refund.status == RefundStatus.PAID and refund.paid_at is not None
    assert case.state == "completed" and case.resolution == "refund"
    assert case.facts["refund_paid"]["record"] == refund.number
    message = Message.objects.get(case=case, topic="refund_paid")
    assert "500.00" in message.body and "1000" in message.body and "CP-2026-88" in message.body

    # when the customer confirms receipt on the portal
    refund = fs.refund_confirm_received(refund=refund, via="portal")
    assert refund.confirmed_at is not None and refund.confirmed_via == "portal"
    # then that confirmation closes the case (S7.2), and the customer is asked to rate it
    case = Case.objects.get(pk=case.pk)
    assert case.state == "closed"
    assert Message.objects.filter(case=case, topic="case_closed").exists()


def test_a_partial_refund_needs_a_reason_and_the_rest_follows(
        policies, clock, agent, finance, warehouse):
    order = mixed_order(methods=[("wechat_pay", "400.00", {}), ("cash", "250.00", {})])
    case = inspected_case(order, agent, warehouse)
    assert case.agreed_option["refund"]["total"] == "650.00"
    with pytest.raises(ValidationError) as exc:
        fs.refund_create(case=case, actor=agent, amount="100.00")
    assert exc.value.code == FinanceErrorCode.REASON_REQUIRED

    first = fs.refund_create(case=case, actor=agent, amount="100.00", reason="先退部分，余款待核")
    assert first.partial
    parts = {ln.method: ln.amount for ln in first.lines.all()}
    assert sum(parts.values()) == Decimal("100.00")  # exact to the fen
    assert parts == {"wechat_pay": Decimal("61.54"), "cash": Decimal("38.46")}

    # the rest is no longer partial, and nothing above the decision passes
    with pytest.raises(ValidationError) as exc:
        fs.refund_create(case=case, actor=agent, amount="550.01")
    assert exc.value.code == FinanceErrorCode.ABOVE_DECISION
    rest = fs.refund_create(case=case, actor=agent)
    assert rest.amount == Decimal("550.00") and not rest.partial
    assert fs.case_entitlement(Case.objects.get(pk=case.pk)).remaining == 0


def test_refunding_more_than_a_method_paid_is_refused(policies, clock, agent, warehouse):
    order = mixed_order(methods=[("wechat_pay", "600.00", {}), ("alipay", "50.00", {})])
    case = inspected_case(order, agent, warehouse)
    with pytest.raises(ValidationError) as exc:
        fs.refund_create(case=case, actor=agent, by_method=[
            {"method": "wechat_pay", "amount": "550.00"}, {"method": "alipay", "amount": "100.00"}])
    assert exc.value.code == FinanceErrorCode.ABOVE_PAID
    assert "by_method.1.amount" in exc.value.fields
    # a method the order never used
    with pytest.raises(ValidationError):
        fs.refund_create(case=case, actor=agent, by_method=[
            {"method": "card", "amount": "650.00"}])
    assert not case.refunds.exists()  # bad input changes nothing


def test_another_route_needs_the_customers_recorded_consent(
        policies, clock, agent, finance, warehouse):
    order = mixed_order(methods=[("wechat_pay", "650.00", {})])
    case = inspected_case(order, agent, warehouse)
    with pytest.raises(ValidationError) as exc:
        fs.refund_create(case=case, actor=agent, by_method=[
            {"method": "wechat_pay", "amount": "650.00", "route": "other"}])
    assert exc.value.code == FinanceErrorCode.CONSENT_REQUIRED
    refund = fs.refund_create(case=case, actor=agent, by_method=[
        {"method": "wechat_pay", "amount": "650.00", "route": "other",
         "route_detail": "工商银行 6222 **** 1234 张三", "consent_by": "张三（本人）",
         "consent_at": "2026-11-23T09:30:00+08:00", "consent_how": "电话录音 #8812"}])
    fs.refund_approve(refund=refund, actor=finance)
    # the money goes by bank transfer through the manual gateway, with its reference
    line = refund.lines.get()
    with pytest.raises(ValidationError) as exc:
        fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="a")
    assert exc.value.code == FinanceErrorCode.REFERENCE_REQUIRED
    p = fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key="b",
                      reference="ICBC-20261123-0001")
    assert p.gateway == "manual" and p.status == PaymentStatus.SUCCEEDED


def test_approval_limits_per_role_and_refusal_with_a_reason(
        policies, clock, agent, finance, make_user, warehouse):
    # 6500.00 is above finance's 5000.00 in the online-shop policy: management approves
    order = mixed_order(methods=[("bank_transfer", "6500.00", {})], price="3250.00")
    case = inspected_case(order, agent, warehouse)
    refund = fs.refund_create(case=case, actor=agent)
    with pytest.raises(PermissionDenied) as exc:
        fs.refund_approve(refund=refund, actor=finance)
    assert exc.value.code == FinanceErrorCode.ABOVE_APPROVAL_LIMIT
    with pytest.raises(PermissionDenied):
        fs.refund_approve(refund=refund, actor=make_user("warehouse"))
    with pytest.raises(ValidationError):
        fs.refund_refuse(refund=refund, actor=finance, reason=" ")
    refund = fs.refund_refuse(refund=refund, actor=finance, reason="发票未红冲")
    case.refresh_from_db()
    assert refund.status == RefundStatus.REFUSED and case.state == "inspected"
    assert "refund_reviewed" not in {k for k, v in case.facts.items() if v.get("value")}
    # refused refunds stop counting: a new one may be made and management approves it
    again = fs.refund_create(case=case, actor=agent)
    boss = make_user("management")
    again = fs.refund_approve(refund=again, actor=boss)
    assert again.approver_role == "management"
    with pytest.raises(Conflict):
        fs.refund_approve(refund=again, actor=boss)


def test_the_deadline_runs_from_receipt_and_breach_is_15_days(
        policies, clock, agent, warehouse):
    order = mixed_order(methods=[("wechat_pay", "650.00", {})])
    case = inspected_case(order, agent, warehouse, received_at=at(2026, 11, 20, 15, 0))
    refund = fs.refund_create(case=case, actor=agent)
    # S9.5 in the online shop: 7 working days after Friday 20 Nov → Tuesday 1 Dec
    assert refund.received_at == at(2026, 11, 20, 15, 0)
    assert refund.due_at.date().isoformat() == "2026-12-01"
    assert refund.breach_at.date().isoformat() == "2026-12-05"  # B7-31: 15 days
    from aftersales.finance.selectors import refund_list

    assert not refund_list(user=agent, breach=True).exists()
    clock.set(2026, 12, 6, 9, 0)
    assert list(refund_list(user=agent, breach=True)) == [refund]


def test_a_return_is_refunded_only_after_its_goods_are_received(policies, clock, agent,
                                                                 warehouse):
    from aftersales.cases import services as s

    order = mixed_order(methods=[("cash", "650.00", {})])
    case = inspected_case(order, agent, warehouse)  # walked, then the receipt withdrawn
    s.case_note_record(case=case, actor=agent, fact="goods_received", record="RCV-TEST",
                       value=False, advance=False)
    with pytest.raises(Conflict) as exc:
        fs.refund_create(case=Case.objects.get(pk=case.pk), actor=agent)
    assert exc.value.code == FinanceErrorCode.GOODS_NOT_RECEIVED


def test_the_clock_starts_at_the_warehouses_receipt(policies, clock, agent, warehouse):
    from aftersales.cases import services as s
    from aftersales.logistics.models import Receipt
    from aftersales.logistics.services import receipt_record, rma_issue, rma_ship
    from aftersales.quality.services import inspection_record

    order = mixed_order(methods=[("cash", "650.00", {})])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       lines=[{"line_no": 1, "quantity": 2, "condition": {
                           "unused": True, "packaging_intact": True, "tags_attached": True,
                           "all_parts_present": True}}])
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="不合适", quantity_affected=2)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    case = s.case_accept_option(case=case, actor=None, option=0)
    rma = rma_issue(case=case, actor=agent)
    # the refund can't come before the goods
    with pytest.raises(Conflict):
        fs.refund_create(case=Case.objects.get(pk=case.pk), actor=agent)
    rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF123")
    clock.set(2026, 11, 25, 14, 30)
    receipt_record(rma=rma, actor=warehouse, lines=[{"rma_line": rma.lines.get().pk,
                                                      "quantity": 2}])
    clock.set(2026, 11, 26, 9, 0)
    inspection_record(case=Case.objects.get(pk=case.pk), actor=warehouse, result="pass")
    refund = fs.refund_create(case=Case.objects.get(pk=case.pk), actor=agent)
    assert refund.received_at == Receipt.objects.get(case=case).received_at
    assert refund.received_at == at(2026, 11, 25, 14, 30)
    # S9.5: 7 working days after Wednesday 25 Nov → Friday 4 Dec
    assert refund.due_at.date().isoformat() == "2026-12-04"
