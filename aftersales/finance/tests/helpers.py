"""A consumer return walked to "inspected" through the services, on an order paid by WeChat
Pay, a coupon and points (issue 11 item 11)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from aftersales.cases import services as s
from aftersales.cases.tests import factories as f
from aftersales.sales.models import Payment

SHANGHAI = ZoneInfo("Asia/Shanghai")


def mixed_order(*, wechat="500.00", coupon="50.00", points_amount="100.00", points=1000,
                quantity=2, price="325.00", paid_at=None, methods=None, **kw):
    order = f.order(lines=[(f.product(), quantity, price)], **kw)
    Payment.objects.filter(order=order).delete()
    paid_at = paid_at or order.placed_at
    if methods is None:
        methods = [("wechat_pay", wechat, {"reference": "4200001234"}),
                   ("coupon", coupon, {"coupon_code": "CP-2026-88"}),
                   ("points", points_amount, {"points": points})]
    for method, amount, extra in methods:
        Payment.objects.create(order=order, method=method, amount=Decimal(amount),
                               paid_at=paid_at, **extra)
    return order


def inspected_case(order, agent, warehouse, *, quantity=None, received_at=None):
    """Open, evaluate, agree (option 0), goods received and inspected."""
    line_qty = quantity or order.lines.first().quantity
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       lines=[{"line_no": 1, "quantity": line_qty, "condition": {
                           "unused": True, "packaging_intact": True, "tags_attached": True,
                           "all_parts_present": True}}])
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="不合适",
                                  quantity_affected=line_qty)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    assert case.decision["allowed"], case.decision
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    case = s.case_accept_option(case=case, actor=None, option=0)
    case = s.case_note_record(case=case, actor=agent, fact="rma_issued", record="RMA-TEST")
    if case.state == "agreed":
        case = s.case_transition(case=case, actor=agent, transition="send_return_instructions")
    case = s.case_note_record(case=case, actor=agent, fact="tracking_number", record="RMA-TEST",
                              data={"tracking_no": "SF123"})
    if case.state == "awaiting_return":
        case = s.case_transition(case=case, actor=None, transition="ship_back")
    data = {"received_at": received_at.isoformat()} if received_at else {}
    case = s.case_note_record(case=case, actor=warehouse, fact="goods_received",
                              record="RCV-TEST", data=data)
    if case.state != "received":
        case = s.case_transition(case=case, actor=warehouse, transition="receive")
    case = s.case_note_record(case=case, actor=warehouse, fact="inspection_passed",
                              record="INS-TEST")
    if case.state != "inspected":
        case = s.case_transition(case=case, actor=warehouse, transition="inspect")
    assert case.state == "inspected", case.state
    return case


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)
