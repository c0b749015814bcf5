"""Charges to others (S2.2, S2.3, S8.1), the case's cost (parts, labour, freight both ways,
compensation, fines) and the S9.6 compensation when the company is late."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.cases import services as cs
from aftersales.cases.models import Fine, FineStatus
from aftersales.cases.tests import factories as f
from aftersales.charges import selectors as sel
from aftersales.charges import services as s
from aftersales.charges.models import Charge, ChargeStatus, Compensation, CompensationStatus
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.parties.models import OutsourcedFactory


def outsourced_case(agent):
    factory = OutsourcedFactory.objects.create(code="F01", name="东莞外协一厂")
    order = f.order(business_line="outsourced")
    case = cs.case_open(kind="return", channel="phone", actor=agent, order=order,
                        verify_phone=order.customer.phone, reason="quality",
                        lines=[{"line_no": 1, "quantity": 1}])
    case.factory = factory
    case.save(update_fields=["factory"])
    return case


def test_a_local_repair_is_charged_to_the_responsible_factory(policies, clock, make_user,
                                                              cashier):
    specialist = make_user("sales_specialist")
    case = outsourced_case(specialist)
    # when the specialist charges the local repair's cost (S2.3)
    charge = s.charge_local_repair(case=case, amount="350.00", actor=specialist,
                                   note="当地维修：更换电机")
    # then the factory owes it, numbered and open
    assert charge.party == "factory" and charge.factory == case.factory
    assert charge.party_name == "东莞外协一厂" and charge.amount == Decimal("350.00")
    assert charge.number.startswith("CH-2026-") and charge.status == ChargeStatus.OPEN
    # and the cashier records it deducted from the factory's payable, once
    receipt = s.charge_collect(charge=charge, actor=cashier, method="deduction",
                               reference="AP-2026-11")
    charge.refresh_from_db()
    assert charge.status == ChargeStatus.COLLECTED and receipt.charge == charge
    assert receipt.amount == Decimal("350.00")
    with pytest.raises(Conflict):
        s.charge_collect(charge=charge, actor=cashier, method="deduction")


def test_charges_follow_quality_responsibility_and_waivers_need_another_supervisor(
        policies, clock, make_user):
    sup1, sup2 = make_user("sales_supervisor"), make_user("cs_supervisor")
    case = outsourced_case(sup1)
    # before an inspection nobody else is responsible
    with pytest.raises(ValidationError):
        s.charge_by_responsibility(case=case, amount="80.00", reason="carrier_damage",
                                   actor=sup1)
    case.facts = {**case.facts, "_attributes": {"responsibility": "carrier"}}
    case.save(update_fields=["facts"])
    charge = s.charge_by_responsibility(case=case, amount="80.00", reason="carrier_damage",
                                        actor=sup1, party_name="顺丰速运")
    assert charge.party == "carrier" and charge.party_name == "顺丰速运"
    # the one who raised it can't waive it; another supervisor can, with a reason
    with pytest.raises(PermissionDenied):
        s.charge_waive(charge=charge, actor=sup1, reason="客情")
    with pytest.raises(ValidationError):
        s.charge_waive(charge=charge, actor=sup2, reason="")
    charge = s.charge_waive(charge=charge, actor=sup2, reason="承运商已直接赔付客户")
    assert charge.status == ChargeStatus.WAIVED and charge.waived_by == sup2
    # bad input: no amount, no factory on a case without one
    with pytest.raises(ValidationError):
        s.charge_raise(case=case, party="customer", reason="other", amount="0", actor=sup1)
    case.factory = None
    case.save(update_fields=["factory"])
    with pytest.raises(ValidationError):
        s.charge_raise(case=case, party="factory", reason="local_repair", amount="1",
                       actor=sup1)


def test_the_case_cost_is_summed_exactly(policies, clock, agent, make_user, price_list,
                                         monkeypatch):
    sup = make_user("cs_supervisor")
    order = f.order(business_line="member_store")
    case = cs.case_open(kind="repair", channel="phone", actor=agent, order=order,
                        verify_phone=order.customer.phone, reason="quality",
                        lines=[{"line_no": 1, "quantity": 1}])
    # parts 2 × 1.50 + 140.00, labour 1.5 h × 30.00 (accepted quote)
    quote = s.quote_issue(case=case, actor=agent, labour_hours="1.5", lines=[
        {"code": "P-SEAL", "quantity": 2}, {"code": "P-BOARD", "quantity": 1}])
    s.quote_accept(quote=quote, actor=None)
    # a refused quote counts nothing
    # fines: one booked 50.00, one waived 50.00
    for day, status in ((1, FineStatus.BOOKED), (2, FineStatus.WAIVED)):
        Fine.objects.create(case=case, rule="S3.4-late", kind="late", state="intake",
                            state_seq=1, day=day, amount=Decimal("50.00"), status=status,
                            booked_at=timezone.now())
    # freight: the return parcel 12.00, the repaired unit back 15.50 (logistics selectors)
    from aftersales.charges import selectors as charges_selectors

    def freight(ids):
        return {i: {"back": Decimal("12.00"), "out": Decimal("15.50")} for i in ids}
    monkeypatch.setattr(charges_selectors, "_freight", freight)
    # compensation approved 25.00
    case.end_to_end_due_at = timezone.now() - timedelta(days=1, hours=2)
    case.save(update_fields=["end_to_end_due_at"])
    comp = s.compensation_propose(case=case, actor=None)
    s.compensation_decide(compensation=comp, actor=sup, approve=True)
    cost = sel.case_cost(case)
    assert cost.parts == Decimal("143.00") and cost.labour == Decimal("45.00")
    assert cost.freight_back == Decimal("12.00") and cost.freight_out == Decimal("15.50")
    assert cost.compensation == Decimal("30.00")  # 20.00 + 2 days × 5.00
    assert cost.fines == Decimal("50.00")
    assert cost.total == Decimal("295.50")
    # the customer pays the accepted quote: charged 188.00, net 107.50
    assert cost.charged == Decimal("188.00") and cost.net == Decimal("107.50")
    # and the bulk selector gives the same for many cases
    other = cs.case_open(kind="consult", channel="phone", actor=agent,
                         business_line="member_store")
    both = sel.case_costs([case.pk, other.pk])
    assert both[case.pk] == cost and both[other.pk].total == Decimal("27.50")  # freight only


def test_late_compensation_s9_6(policies, clock, agent, make_user, cashier):
    sup, finance = make_user("cs_supervisor"), make_user("finance")
    order = f.order(business_line="online_shop")
    case = cs.case_open(kind="return", channel="phone", actor=agent, order=order,
                        verify_phone=order.customer.phone, reason="no_reason",
                        lines=[{"line_no": 1, "quantity": 1}])
    # not late: nothing is proposed
    case.end_to_end_due_at = timezone.now() + timedelta(days=1)
    case.save(update_fields=["end_to_end_due_at"])
    with pytest.raises(Conflict):
        s.compensation_propose(case=case, actor=agent)
    assert s.compensations_sweep() == 0
    # 30 days late: 20.00 + 30 × 5.00 capped at 100.00, proposed once by the sweep
    clock.at = clock.at + timedelta(days=31)
    assert s.compensations_sweep() == 1 and s.compensations_sweep() == 0
    comp = Compensation.objects.get(case=case)
    assert comp.amount == Decimal("100.00") and comp.number.startswith("PC-2026-")
    assert comp.proposed_by is None and comp.status == CompensationStatus.PROPOSED
    # paid only once approved; approved by a supervisor; paid by finance with a reference
    with pytest.raises(Conflict):
        s.compensation_pay(compensation=comp, actor=finance, method="wechat_pay",
                           reference="WX1")
    with pytest.raises(PermissionDenied):
        s.compensation_decide(compensation=comp, actor=agent, approve=True)
    comp = s.compensation_decide(compensation=comp, actor=sup, approve=True)
    with pytest.raises(ValidationError):
        s.compensation_pay(compensation=comp, actor=finance, method="wechat_pay", reference="")
    comp = s.compensation_pay(compensation=comp, actor=finance, method="wechat_pay",
                              reference="WX4200009")
    assert comp.status == CompensationStatus.PAID and comp.paid_by == finance
    with pytest.raises(Conflict):
        s.compensation_pay(compensation=comp, actor=cashier, method="cash")
    # a B2B policy (outsourced manufacturing) pays none
    b2b = outsourced_case(agent)
    b2b.end_to_end_due_at = timezone.now() - timedelta(days=5)
    b2b.save(update_fields=["end_to_end_due_at"])
    assert sel.late_compensation_due(b2b) is None


def test_an_agent_proposal_needs_another_approver(policies, clock, agent, make_user):
    sup = make_user("cs_supervisor")
    order = f.order(business_line="online_shop")
    case = cs.case_open(kind="return", channel="phone", actor=agent, order=order,
                        verify_phone=order.customer.phone, reason="no_reason",
                        lines=[{"line_no": 1, "quantity": 1}])
    case.end_to_end_due_at = timezone.now() - timedelta(hours=3)
    case.save(update_fields=["end_to_end_due_at"])
    comp = s.compensation_propose(case=case, actor=sup)
    assert comp.amount == Decimal("25.00")  # 20.00 + 1 day × 5.00
    with pytest.raises(PermissionDenied):
        s.compensation_decide(compensation=comp, actor=sup, approve=True)
    comp = s.compensation_decide(compensation=comp, actor=make_user("sales_supervisor"),
                                 approve=False, note="客户已接受优惠券")
    assert comp.status == CompensationStatus.REFUSED
    assert not Charge.objects.exists()
