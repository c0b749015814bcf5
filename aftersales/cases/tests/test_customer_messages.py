"""Only customer-visible steps queue a message (issue 4 item 9; S5.1, S5.2, S7.2, S9.3): the
workflow data marks them with `notify: customer`; internal steps (verification, finance
approval, quality judgment …) tell the customer nothing."""

from django.utils import translation

from aftersales.cases import services as s
from aftersales.cases.services import intake
from aftersales.cases.services.common import case_workflow
from aftersales.cases.tests import factories as f
from aftersales.finance.services import refund_approve, refund_create, refund_pay
from aftersales.logistics.services import receipt_record, rma_issue, rma_ship
from aftersales.notify.models import Message
from aftersales.quality.services import inspection_record
from aftersales.sales.models import Payment


def _return_case(agent):
    order = f.order(lines=[(f.product(), 2, "300.00")])
    case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       description="尺码不合适", lines=[{"line_no": 1, "quantity": 1,
                       "condition": {"unused": True, "packaging_intact": True,
                                     "tags_attached": True, "all_parts_present": True}}])
    return case, order.customer


def test_internal_transitions_queue_no_message_and_visible_ones_exactly_one(
        policies, clock, agent):
    case, customer = _return_case(agent)
    opened = Message.objects.filter(case=case).count()
    assert opened == 1  # the intake confirmation (S5.1)

    # internal steps: verification and problem confirmation tell the customer nothing
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    assert Message.objects.filter(case=case).count() == opened

    # the review result with the options (S9.3) is customer-visible: exactly one message
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    sent = Message.objects.filter(case=case, topic="case_transitioned")
    assert sent.count() == 1
    assert sent.get().recipient == customer.email and case.number in sent.get().subject


def test_finance_approval_is_internal_and_refund_paid_is_told(policies, clock, agent,
                                                              make_user):
    warehouse, finance = make_user("warehouse"), make_user("finance")
    case, _customer = _return_case(agent)
    # paid by bank transfer: finance records the transfer made (the manual gateway)
    Payment.objects.filter(order=case.order).update(method="bank_transfer")
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    case = s.case_accept_option(case=case, actor=None, option=0)
    rma = rma_issue(case=case, actor=agent)  # the RMA sends the instructions (logistics)
    rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF123")
    receipt_record(rma=rma, actor=warehouse, lines=[{"rma_line": rma.lines.get().pk,
                                                      "quantity": 1}])
    case.refresh_from_db()
    # the warehouse's inspection on receipt is the record the inspect step waits for (S5.5)
    inspection_record(case=case, actor=warehouse, result="pass")
    case.refresh_from_db()
    assert case.state == "inspected"

    def told() -> int:
        return Message.objects.filter(case=case, topic="case_transitioned").count()

    before = told()
    # the refund's records move the case: review (submit_refund), approval (approve_refund)
    refund = refund_create(case=case, actor=agent)
    refund = refund_approve(refund=refund, actor=finance)
    assert told() == before  # the customer-service review and finance approval are internal
    refund_pay(refund=refund, line=refund.lines.get(), actor=finance, idempotency_key="k",
               reference="ICBC-0001")
    case.refresh_from_db()
    assert case.state == "completed"  # pay_refund made by the payment's refund_paid record
    assert told() == before + 1  # refund paid (S5.5, S7.2)
    assert case_workflow(case).transition("pay_refund").notify_customer


def test_the_confirmation_names_a_reply_date_only_when_there_is_one(policies, clock, agent):
    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, lines=[{"line_no": 1, "quantity": 1}])
    with translation.override("zh-hans"):
        assert "前答复" in intake._opened_text(case)  # the first step's due date
        case.due_at = None
        text = intake._opened_text(case)
    assert text.endswith("我们会尽快答复。") and " - " not in text
