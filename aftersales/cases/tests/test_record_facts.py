"""Records, not ticks (issue 11 item 9): a record's service sets its fact on the case with the
record's number, one event names the record, and the step that waited for it is made when the
recording user may make it; nobody else moves the case by accident."""

import pytest

from aftersales.cases import services as s
from aftersales.cases.models import CaseEvent, EventKind
from aftersales.cases.tests import factories as f
from aftersales.core.errors import Conflict, ValidationError


@pytest.fixture
def returning_case(policies, clock, agent):
    order = f.order(lines=[(f.product(), 1, "300.00")])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       lines=[{"line_no": 1, "quantity": 1,
                               "condition": {"unused": True, "packaging_intact": True,
                                             "tags_attached": True, "all_parts_present": True}}])
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    case = s.case_accept_option(case=case, actor=None, option=0)
    case = s.case_note_record(case=case, actor=agent, fact="rma_issued",
                              record="RMA-2026-000001")  # send_return_instructions follows
    assert case.state == "awaiting_return"
    case = s.case_note_record(case=case, actor=None, fact="tracking_number",
                              record="RMA-2026-000001", data={"tracking_no": "SF1"})
    assert case.state == "returning"  # the customer's ship-back step followed the record
    return case


def test_a_receipt_sets_its_fact_and_the_warehouse_step_follows(returning_case, make_user):
    warehouse = make_user("warehouse")
    case = s.case_note_record(case=returning_case, actor=warehouse, fact="goods_received",
                              record="RCV-2026-000001", data={"quantity": 1})
    assert case.state == "received"
    assert case.facts["goods_received"]["record"] == "RCV-2026-000001"
    event = CaseEvent.objects.filter(case=case, kind=EventKind.FACT_RECORDED).last()
    assert event.data["record"] == "RCV-2026-000001" and event.data["quantity"] == 1


def test_a_record_by_someone_who_may_not_make_the_step_only_sets_the_fact(returning_case,
                                                                          agent):
    case = s.case_note_record(case=returning_case, actor=agent, fact="goods_received",
                              record="RCV-2026-000002")
    assert case.state == "returning" and "goods_received" in case.facts


def test_only_record_facts_are_noted_and_a_closed_case_takes_none(returning_case, agent):
    with pytest.raises(ValidationError):
        s.case_note_record(case=returning_case, actor=agent, fact="rating", record="X")
    order = f.order(lines=[(f.product(), 1, "300.00")])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       lines=[{"line_no": 1, "quantity": 1}])
    case = s.case_transition(case=case, actor=agent, transition="withdraw",
                             reason="买错了，不退了")
    assert case.is_closed
    with pytest.raises(Conflict):
        s.case_note_record(case=case, actor=agent, fact="goods_received", record="RCV-1")
