"""S1 end to end on the online-shop workflow: a consumer return from intake to a rated, closed
case, through the services only (issue 4 items 2, 10)."""

from decimal import Decimal

from aftersales.cases import services as s
from aftersales.cases.models import CaseEvent, EventKind
from aftersales.cases.selectors import case_timeline
from aftersales.cases.tests import factories as f
from aftersales.finance.services import refund_approve, refund_create, refund_pay
from aftersales.logistics.services import receipt_record, rma_issue, rma_ship
from aftersales.notify.models import Message
from aftersales.quality.services import inspection_record


def test_online_shop_return_walks_from_portal_intake_to_rated_close(
        policies, clock, agent, make_user, django_capture_on_commit_callbacks):
    # given a consumer who bought two shirts, signed for them three days ago
    warehouse = make_user("warehouse")
    finance = make_user("finance")
    order = f.order(lines=[(f.product(), 2, "300.00")])
    order.payments.update(method="bank_transfer")  # finance records the transfer it makes
    customer = order.customer

    # when the customer opens a no-reason return on the portal (S5.1: phone verifies, S1.2)
    case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=customer.phone, reason="no_reason",
                       description="尺码不合适", lines=[{"line_no": 1, "quantity": 1,
                       "condition": {"unused": True, "packaging_intact": True,
                                     "tags_attached": True, "all_parts_present": True}}])
    # then it is open, verified and due in 3 working days (S9.3), the customer is told
    assert case.state == "intake" and case.verified_at is not None
    assert Message.objects.filter(case=case, topic="case_opened",
                                  recipient=customer.email).exists()

    # when the agent walks it: verify, confirm the problem, evaluate, offer the options
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    assert case.decision["allowed"] is True, case.decision
    assert case.policy_version is not None
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    assert case.state == "options_offered" and case.sla_paused_at is not None

    # and the customer accepts the first option on the portal (S1.5)
    case = s.case_accept_option(case=case, actor=None, option=0)
    assert case.state == "agreed" and case.agreed_by_customer

    # and the return goes back, is received, inspected and refunded (S5, S7.2)
    # (the RMA sends the instructions, the customer's tracking number ships it back, the
    # warehouse's receipt receives it: records, not ticks — aftersales.logistics)
    rma = rma_issue(case=case, actor=agent)
    rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF123")
    receipt_record(rma=rma, actor=warehouse, lines=[{"rma_line": rma.lines.get().pk,
                                                      "quantity": 1}])
    case.refresh_from_db()
    assert case.state == "received"
    # the warehouse's inspection on receipt is the record the inspect step waits for (S5.5)
    inspection_record(case=case, actor=warehouse, result="pass")
    case.refresh_from_db()
    assert case.state == "inspected"
    # the refund's records make the steps: customer service's review (submit_refund), finance's
    # approval by another person (approve_refund), the payment per method (pay_refund)
    refund = refund_create(case=case, actor=agent)
    refund = refund_approve(refund=refund, actor=finance)
    refund_pay(refund=refund, line=refund.lines.get(), actor=finance, idempotency_key="k",
               reference="ICBC-0001")
    case.refresh_from_db()
    assert refund.amount == Decimal("300.00")
    assert case.state == "completed" and case.resolution == "refund"
    case = s.case_close(case=case, actor=agent)
    assert case.state == "closed" and case.closed_at is not None

    # and the customer rates it (S1.7)
    case = s.case_rate(case=case, actor=None, score=5, comment="很快")

    # then the case is rated and closed, and every step left one timeline event (X1)
    assert case.state == "rated" and case.csat_score == 5 and case.rated_at is not None
    kinds = list(case_timeline(case).values_list("kind", flat=True))
    assert kinds[0] == EventKind.OPENED and kinds[-1] == EventKind.RATED
    assert kinds.count(EventKind.TRANSITIONED) == 10  # + accepted, closed, rated events
    assert kinds.count(EventKind.OPTION_ACCEPTED) == 1 and kinds.count(EventKind.CLOSED) == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.EVALUATED).count() == 1
    customer_view = case_timeline(case, customer_view=True)
    assert EventKind.FACT_RECORDED not in customer_view.values_list("kind", flat=True)


def test_rating_twice_or_before_closing_is_refused(policies, clock, agent):
    order = f.order()
    case = s.case_open(kind="consult", channel="phone", actor=agent, business_line="online_shop",
                       customer=order.customer, description="怎么洗？")
    import pytest

    from aftersales.core.errors import Conflict, ValidationError

    with pytest.raises(Conflict):
        s.case_rate(case=case, actor=None, score=4)
    case = s.case_transition(case=case, actor=agent, transition="answer")
    case = s.case_close(case=case, actor=agent)
    with pytest.raises(ValidationError):
        s.case_rate(case=case, actor=None, score=6)
    case = s.case_rate(case=case, actor=None, score=4, comment="ok")
    with pytest.raises(Conflict):
        s.case_rate(case=case, actor=None, score=1)
    case.refresh_from_db()
    assert case.csat_score == 4


def test_rejection_needs_a_reason_and_an_appeal_reopens_to_the_supervisor(
        policies, clock, agent, supervisor):
    import pytest

    from aftersales.core.errors import ValidationError

    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])
    with pytest.raises(ValidationError):
        s.case_reject(case=case, actor=agent, reason="  ")
    case = s.case_reject(case=case, actor=agent, reason="超过七天")
    assert case.state == "rejected" and case.rejection_reason == "超过七天"

    # an appeal without new evidence is refused; with a statement it goes to the supervisor
    with pytest.raises(ValidationError):
        s.case_appeal(case=case, actor=None, statement="")
    case = s.case_appeal(case=case, actor=None, statement="签收日期有误，附快递截图")
    assert case.state == "appeal_review" and case.appeal_count == 1
    assert case.department.code == "customer_service"
    assert case.due_at is not None  # S9.3: 3 working days for the review
    case = s.case_transition(case=case, actor=supervisor, transition="grant_appeal",
                             reason="快递记录证实")
    assert case.state == "problem_confirmed"


def test_no_one_ticks_what_a_record_stands_for(policies, clock, agent):
    """Records, not ticks (issue 11 item 9): the tracking number, the receipt, the inspection
    are set only by their records (logistics, quality), never by hand — by staff or the
    customer."""
    import pytest

    from aftersales.core.errors import ValidationError

    order = f.order()
    case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       lines=[{"line_no": 1, "quantity": 1}])
    for actor, fact in ((None, "tracking_number"), (agent, "goods_received"),
                        (agent, "inspection_passed"), (agent, "refund_paid")):
        with pytest.raises(ValidationError) as err:
            s.case_record_fact(case=case, actor=actor, fact=fact)
        assert err.value.code == "record_required"
    case.refresh_from_db()
    assert not (case.facts or {})
