"""Logistics test setup: the cases fixtures, and cases brought to the point where goods come
back (a consumer return agreed on the online shop; a B2B outsourced return approved)."""

import pytest

from aftersales.cases import services as s
from aftersales.cases.tests import factories as f
from aftersales.cases.tests.conftest import *  # noqa: F403
from aftersales.logistics.services import return_form_create
from aftersales.parties.models import OutsourcedFactory


@pytest.fixture
def warehouse(make_user):
    return make_user("warehouse", display_name="仓管王")


@pytest.fixture
def specialist(make_user):
    return make_user("sales_specialist", display_name="专员李")


def agreed_return(agent, *, qty: int = 2, bought: int = 2, reason: str = "no_reason",
                  **order_kw):
    """An online-shop return agreed by the customer (option 0), in state "agreed"."""
    order = f.order(lines=[(f.product(), bought, "300.00")], **order_kw)
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason=reason, description="不合适",
                       lines=[{"line_no": 1, "quantity": qty,
                               "condition": {"unused": True, "packaging_intact": True,
                                             "tags_attached": True, "all_parts_present": True}}])
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小",
                                  quantity_affected=qty)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    case = s.case_accept_option(case=case, actor=None, option=0)
    assert case.state == "agreed"
    return case


@pytest.fixture
def online_return(policies, clock, agent):
    return agreed_return(agent)


@pytest.fixture
def team(make_user):
    return {"specialist": make_user("sales_specialist", display_name="专员李"),
            "vp": make_user("sales_vp"), "quality": make_user("quality"),
            "follower": make_user("quality_follower", display_name="跟单周"),
            "warehouse": make_user("warehouse", display_name="仓管王")}


def outsourced_factory(code: str = "F01") -> OutsourcedFactory:
    return OutsourcedFactory.objects.create(code=code, name=f"外协厂{code}",
                                            responsible_person="厂长赵",
                                            phone="0752-1234567",
                                            address=f"广东省东莞市{code}工业园")


def _step(case, actor, code):
    """Make the step unless a record's service made it already."""
    codes = {t.code for t, ok, _w in s.case_available_transitions(case=case, actor=actor) if ok}
    return s.case_transition(case=case, actor=actor, transition=code) if code in codes else case


def approved_b2b_return(team, lines):
    """An outsourced-manufacturer return approved by quality (state "approved")."""
    order = f.order(business_line="outsourced", channel="b2b", lines=lines)
    sp, q = team["specialist"], team["quality"]
    case = s.case_open(kind="return", channel="phone", actor=sp, order=order,
                       verify_phone=order.customer.phone, reason="quality", symptom="漏水",
                       description="整批漏水",
                       lines=[{"line_no": i + 1, "quantity": 10} for i in range(len(lines))])
    return_form_create(case=case, actor=sp, batch="B2026-11", rework_into_stock=True)
    case = s.case_note_record(case=case, actor=sp, fact="report_opened",
                              record="QE-2026-000001", advance=False)
    case = _step(case, sp, "open_report")
    case = s.case_note_record(case=case, actor=team["vp"], fact="report_reviewed",
                              record="QE-2026-000001")
    case = _step(case, team["vp"], "review_report")
    case = s.case_note_record(case=case, actor=q, fact="quality_judgment",
                              record="QI-2026-000001", advance=False)
    case = s.case_note_record(case=case, actor=q, fact="factory_responsible",
                              record="QI-2026-000001")
    case = _step(case, q, "approve_return")
    assert case.state == "approved"
    return case
