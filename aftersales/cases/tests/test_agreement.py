"""S1.5: an adjustment within the agent's authority (policy data) is agreed at once; above it
a supervisor — not the proposer — approves."""

from decimal import Decimal

import pytest

from aftersales.cases import services as s
from aftersales.cases.models import AdjustmentStatus
from aftersales.cases.tests import factories as f
from aftersales.core.errors import PermissionDenied, ValidationError


@pytest.fixture
def negotiating(policies, clock, agent):
    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1, "condition": {"unused": False}}])
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="起球")
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    return s.case_transition(case=case, actor=None, transition="decline_options")


def test_an_adjustment_within_the_agents_authority_is_agreed_at_once(negotiating, agent):
    # online-shop policy: customer_service may grant up to 50.00 yuan
    case = s.case_adjust(case=negotiating, actor=agent, amount="30", note="补偿30元")
    assert case.adjustment_status == AdjustmentStatus.APPROVED
    case = s.case_transition(case=case, actor=agent, transition="agree_adjustment")
    assert case.state == "agreed" and case.resolution == "adjustment"


def test_an_adjustment_above_it_waits_for_a_supervisor(negotiating, agent, supervisor,
                                                       make_user):
    case = s.case_adjust(case=negotiating, actor=agent, amount="120.00", note="部分退款")
    assert (case.adjustment_status, case.adjustment_amount) == (
        AdjustmentStatus.PENDING, Decimal("120.00"))
    # the agent can't agree it alone
    with pytest.raises(ValidationError):
        s.case_transition(case=case, actor=agent, transition="agree_adjustment")
    case = s.case_transition(case=case, actor=agent, transition="request_adjustment_approval",
                             reason="客户坚持")
    # another agent can't approve it; the supervisor can
    with pytest.raises(PermissionDenied):
        s.case_approve_adjustment(case=case, actor=make_user("customer_service"))
    case = s.case_approve_adjustment(case=case, actor=supervisor)
    assert case.adjustment_status == AdjustmentStatus.APPROVED and case.approved_by == supervisor
    # one click: the approval itself moves the case on (issue 10 item 4)
    assert case.state == "agreed" and case.resolution == "adjustment"


def test_refusing_the_adjustment_sends_it_back_with_the_reason(negotiating, agent, supervisor):
    case = s.case_adjust(case=negotiating, actor=agent, amount="120.00", note="部分退款")
    case = s.case_transition(case=case, actor=agent, transition="request_adjustment_approval",
                             reason="客户坚持")
    with pytest.raises(ValidationError):  # a refusal says why
        s.case_approve_adjustment(case=case, actor=supervisor, approve=False)
    case = s.case_approve_adjustment(case=case, actor=supervisor, approve=False,
                                     note="超出常规补偿")
    assert case.adjustment_status == AdjustmentStatus.REFUSED and case.state == "negotiation"
