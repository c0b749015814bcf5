"""Return authorization, ship-back, receipt, discrepancies, the 退货处理单, disposition and the
ledger, replacement shipments — through the services (issue 11 items 1, 2, 4, 6)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.cases import services as s
from aftersales.cases.models import Attachment
from aftersales.cases.tests import factories as f
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.logistics import selectors
from aftersales.logistics.models import (
    Destination,
    Discrepancy,
    MovementKind,
    RmaStatus,
    StockMovement,
)
from aftersales.logistics.services import (
    discrepancy_settle,
    disposition_record,
    receipt_record,
    return_form_sign,
    rma_issue,
    rma_ship,
    rmas_not_shipped_sweep,
    shipment_create,
)
from aftersales.logistics.tests.conftest import (
    agreed_return,
    approved_b2b_return,
    outsourced_factory,
)
from aftersales.notify.models import Message

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")


def _line(rma, qty, condition="intact", **kw):
    return [{"rma_line": rma.lines.get().pk, "quantity": qty, "condition": condition, **kw}]


def test_a_consumer_return_gets_the_returns_warehouse_the_deadline_and_a_message(
        online_return, agent, clock):
    # when customer service issues the RMA for the agreed return
    rma = rma_issue(case=online_return, actor=agent)
    case = rma.case
    case.refresh_from_db()
    # then it is numbered, goes to the returns warehouse, and the case moved on its own
    assert rma.number.startswith("RMA-2026-")
    assert rma.destination == Destination.RETURNS_WAREHOUSE
    assert "退货仓" in rma.address_name and rma.lines.get().quantity == 2
    assert rma.ship_back_by > clock() and rma.shipping_paid_by in ("customer", "company")
    assert case.state == "awaiting_return" and case.facts["rma_issued"]["record"] == rma.number
    # and the customer is told the number, the address and the instructions
    msg = Message.objects.filter(case=case, topic="rma_issued").get()
    assert rma.number in msg.body and rma.address in msg.body and "原包装" in msg.body


def test_one_open_rma_per_case_and_none_without_goods_back(online_return, agent, policies):
    rma_issue(case=online_return, actor=agent)
    with pytest.raises(Conflict) as exc:
        rma_issue(case=online_return, actor=agent)
    assert exc.value.code == "rma_exists"
    consult = s.case_open(kind="consult", channel="phone", actor=agent,
                          business_line="online_shop", customer=f.customer(), description="?")
    with pytest.raises(Conflict):
        rma_issue(case=consult, actor=agent)


def test_a_warehouse_clerk_may_not_issue_and_bad_lines_change_nothing(online_return, warehouse,
                                                                      agent):
    with pytest.raises(PermissionDenied):
        rma_issue(case=online_return, actor=warehouse)
    with pytest.raises(ValidationError) as exc:
        rma_issue(case=online_return, actor=agent,
                  lines=[{"case_line": online_return.lines.get().pk, "quantity": 3}])
    assert "lines[0].quantity" in exc.value.fields
    assert not online_return.rmas.exists()


def test_the_customer_ships_back_and_the_case_follows(online_return, agent):
    rma = rma_issue(case=online_return, actor=agent)
    rma = rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF1001")
    rma.case.refresh_from_db()
    assert rma.status == RmaStatus.SHIPPED and rma.tracking_number == "SF1001"
    assert rma.case.state == "returning"
    assert rma.case.facts["tracking_number"]["tracking_no"] == "SF1001"
    with pytest.raises(ValidationError):
        rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="  ")


def test_freight_is_kept_only_when_the_company_pays(policies, clock, agent):
    case = agreed_return(agent, reason="quality")
    rma = rma_issue(case=case, actor=agent)
    if rma.shipping_paid_by == "company":
        rma = rma_ship(rma=rma, actor=agent, courier="顺丰", tracking_number="SF2",
                       freight_cost="18.50")
        assert selectors.case_freight_costs(case)["inbound"] == Decimal("18.50")
    else:
        with pytest.raises(ValidationError):
            rma_ship(rma=rma, actor=agent, courier="顺丰", tracking_number="SF2",
                     freight_cost="18.50")


def test_receiving_everything_sets_the_facts_and_the_ledger(online_return, agent, warehouse):
    rma = rma_issue(case=online_return, actor=agent)
    rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF1")
    receipt = receipt_record(rma=rma, actor=warehouse, lines=_line(
        rma, 2, photos=[SimpleUploadedFile("box.png", PNG, content_type="image/png")]))
    case = receipt.case
    case.refresh_from_db()
    assert receipt.number.startswith("RCV-2026-") and receipt.complete
    assert case.state == "received"  # the warehouse's step followed the record
    assert case.facts["goods_received"]["record"] == receipt.number
    assert case.facts["receipt_matches"]["record"] == receipt.number
    assert receipt.lines.get().photos.count() == 1
    assert Attachment.objects.filter(case=case).count() == 1
    move = StockMovement.objects.get(receipt_line__receipt=receipt)
    assert (move.kind, move.quantity, move.to_location) == (MovementKind.RECEIPT, 2,
                                                            "returns_warehouse")
    assert selectors.case_received_at(case) == receipt.received_at
    # and receiving it twice is refused with a clear message
    with pytest.raises(Conflict) as exc:
        receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 1))
    assert exc.value.code == "already_received" and receipt.number in str(exc.value.message)


def test_more_than_authorized_is_refused_and_nothing_is_written(online_return, agent, warehouse):
    rma = rma_issue(case=online_return, actor=agent)
    with pytest.raises(ValidationError) as exc:
        receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 3))
    assert exc.value.code == "over_authorized" and "2" in str(exc.value.message)
    assert not rma.receipts.exists() and not StockMovement.objects.exists()
    receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 1))
    with pytest.raises(ValidationError):  # one came, one is left
        receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 2))


def test_a_short_quantity_opens_a_discrepancy_the_specialist_settles(
        online_return, agent, warehouse, specialist):
    rma = rma_issue(case=online_return, actor=agent)
    receipt = receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 1))
    d = Discrepancy.objects.get(receipt=receipt)
    case = receipt.case
    case.refresh_from_db()
    assert d.kind == "quantity" and "1 of 2" in d.description or "1" in d.description
    assert "receipt_matches" not in case.facts
    assert list(selectors.discrepancies_open(user=specialist)) == [d]
    with pytest.raises(PermissionDenied):
        discrepancy_settle(discrepancy=d, actor=warehouse, outcome="accept", note="x")
    with pytest.raises(ValidationError):
        discrepancy_settle(discrepancy=d, actor=specialist, outcome="accept", note=" ")
    d = discrepancy_settle(discrepancy=d, actor=specialist, outcome="accept",
                           note="客户确认只退1件，另1件保留")
    case.refresh_from_db()
    rma.refresh_from_db()
    assert d.settled_at is not None and rma.status == RmaStatus.RECEIVED
    assert "receipt_matches" in case.facts
    assert not selectors.discrepancies_open(user=specialist).exists()
    with pytest.raises(Conflict):
        discrepancy_settle(discrepancy=d, actor=specialist, outcome="reject", note="再次")


def test_a_damaged_item_opens_a_discrepancy_even_when_everything_came(online_return, agent,
                                                                      warehouse):
    rma = rma_issue(case=online_return, actor=agent)
    receipt = receipt_record(rma=rma, actor=warehouse,
                             lines=_line(rma, 2, "damaged", note="外箱压坏"))
    d = Discrepancy.objects.get(receipt=receipt)
    assert d.kind == "condition" and "外箱压坏" in d.description
    receipt.case.refresh_from_db()
    assert "receipt_matches" not in receipt.case.facts


def test_send_the_rest_then_the_rest_arrives(online_return, agent, warehouse, specialist):
    rma = rma_issue(case=online_return, actor=agent)
    first = receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 1))
    discrepancy_settle(discrepancy=first.discrepancies.get(), actor=specialist,
                       outcome="send_rest", note="客户补寄1件")
    second = receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 1))
    second.case.refresh_from_db()
    assert second.complete and "receipt_matches" in second.case.facts


def test_a_whole_batch_of_one_factory_goes_to_the_factory_which_receives_it(
        policies, clock, team, make_user):
    factory = outsourced_factory("F01")
    case = approved_b2b_return(team, [(f.product(category="pump", factory=factory), 100,
                                       "80.00")])
    sp = team["specialist"]
    # when the specialist issues the RMA: the whole batch is the factory's (S2.6)
    rma = rma_issue(case=case, actor=sp)
    case.refresh_from_db()
    assert rma.destination == Destination.FACTORY and rma.factory == factory
    assert rma.address == factory.address and case.factory == factory
    assert case.state == "awaiting_goods" and "whole_batch" in case.facts
    # a factory user of another factory may not receive it; the warehouse at home neither sees
    other = make_user("factory", factory=outsourced_factory("F02"))
    with pytest.raises(PermissionDenied):
        receipt_record(rma=rma, actor=other, lines=_line(rma, 10))
    assert selectors.rma_find(user=other, query=rma.number) is None
    # the factory's own user finds it by the case number and receives it
    clerk = make_user("factory", factory=factory, display_name="厂长赵")
    assert selectors.rma_find(user=clerk, query=case.number) == rma
    receipt = receipt_record(rma=rma, actor=clerk, lines=_line(rma, 10))
    case.refresh_from_db()
    assert receipt.location == Destination.FACTORY
    assert case.state == "analysis"  # received at the factory, matched and signed (S2.6)


def test_sporadic_mixed_items_go_to_the_own_plant_with_the_hand_over_signatures(
        policies, clock, team, make_user):
    f1, f2 = outsourced_factory("F11"), outsourced_factory("F12")
    case = approved_b2b_return(team, [(f.product(category="pump", factory=f1), 50, "80.00"),
                                      (f.product(category="pump", factory=f2), 50, "60.00")])
    sp, qf = team["specialist"], team["follower"]
    rma = rma_issue(case=case, actor=sp)
    assert rma.destination == Destination.PLANT and rma.factory is None
    assert "惠州生产事业部" in rma.address_name
    lines = [{"rma_line": ln.pk, "quantity": 10} for ln in rma.lines.all()]
    receipt_record(rma=rma, actor=qf, lines=lines)
    case.refresh_from_db()
    assert case.state == "analysis"
    # the quality follower and the factory's responsible person sign the form (S2.6)
    form = case.return_forms.get()
    form = return_form_sign(form=form, actor=qf, role="quality_follower")
    assert form.archived_id is None
    with pytest.raises(Conflict):
        return_form_sign(form=form, actor=qf, role="quality_follower")
    with pytest.raises(PermissionDenied):
        return_form_sign(form=form, actor=qf, role="factory")
    boss = make_user("factory", factory=f1, display_name="厂长赵")
    form = return_form_sign(form=form, actor=boss, role="factory")
    sig = form.signatures.get(role="factory")
    assert sig.name == "厂长赵" and sig.user == boss
    assert form.archived is not None and form.archived.content_type == "application/pdf"


def test_disposition_never_more_than_received_and_the_ledger(online_return, agent, warehouse):
    rma = rma_issue(case=online_return, actor=agent)
    receipt = receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 2))
    line = receipt.lines.get()
    disposition_record(receipt_line=line, actor=warehouse, disposition="restock", quantity=1)
    disposition_record(receipt_line=line, actor=warehouse, disposition="scrap", quantity=1,
                       note="污损")
    with pytest.raises(ValidationError) as exc:
        disposition_record(receipt_line=line, actor=warehouse, disposition="scrap", quantity=1)
    assert exc.value.code == "over_received"
    rows = list(selectors.ledger(user=warehouse))
    assert [(r.kind, r.disposition, r.quantity) for r in rows] == [
        ("disposition", "scrap", 1), ("disposition", "restock", 1), ("receipt", "", 2)]


def test_an_advance_replacement_ships_first_and_is_overdue_until_the_unit_is_back(
        online_return, agent, warehouse, clock):
    rma = rma_issue(case=online_return, actor=agent, advance_replacement=True)
    assert rma.advance_replacement and rma.defective_due_by > clock()
    shipment = shipment_create(case=rma.case, actor=warehouse, courier="顺丰",
                               tracking_number="SF9", freight_cost="12.00")
    assert shipment.number.startswith("SHP-") and shipment.rma == rma
    rma.case.refresh_from_db()
    assert rma.case.facts["replacement_shipped"]["record"] == shipment.number
    assert selectors.case_freight_costs(rma.case)["outbound"] == Decimal("12.00")
    assert Message.objects.filter(case=rma.case, topic="replacement_shipped").exists()
    assert not selectors.advance_replacements_overdue().exists()
    clock.at = rma.defective_due_by + timedelta(hours=1)
    assert list(selectors.advance_replacements_overdue()) == [rma]
    assert rmas_not_shipped_sweep() == 0  # an advance replacement is charged, not closed
    receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 2))
    rma.case.refresh_from_db()
    assert "defective_returned" in rma.case.facts
    assert not selectors.advance_replacements_overdue().exists()


def test_a_return_not_shipped_in_time_closes_the_case_with_a_notice(online_return, agent, clock):
    rma = rma_issue(case=online_return, actor=agent)
    assert rmas_not_shipped_sweep() == 0
    clock.at = rma.ship_back_by + timedelta(minutes=1)
    assert rmas_not_shipped_sweep() == 1  # online-shop: on_not_shipped close
    rma.refresh_from_db()
    rma.case.refresh_from_db()
    assert rma.status == RmaStatus.CLOSED and rma.case.is_closed
    assert Message.objects.filter(case=rma.case, topic="rma_not_shipped").exists()
    assert rmas_not_shipped_sweep() == 0  # once


def test_a_member_store_return_not_shipped_is_reminded_once(policies, clock, make_user):
    agent = make_user("customer_service")
    order = f.order(business_line="member_store", channel="member",
                    lines=[(f.product(category="drinkware"), 1, "300.00")])
    case = s.case_open(kind="exchange", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       lines=[{"line_no": 1, "quantity": 1}])
    case.agreed_option = {"resolution": "exchange", "shipping_paid_by": "customer"}
    case.save(update_fields=["agreed_option"])
    rma = rma_issue(case=case, actor=agent)
    clock.at = rma.ship_back_by + timedelta(minutes=1)
    assert rmas_not_shipped_sweep() == 1 and rmas_not_shipped_sweep() == 0
    rma.refresh_from_db()
    assert rma.status == RmaStatus.ISSUED and rma.reminded_at is not None
    assert Message.objects.filter(case=case, topic="rma_reminder").count() >= 1


def test_a_rejected_return_closes_the_rma_and_nothing_more_is_expected(
        online_return, agent, warehouse, specialist):
    rma = rma_issue(case=online_return, actor=agent)
    receipt = receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 1, "wrong_item"))
    d = receipt.discrepancies.get()
    assert d.kind == "goods"
    discrepancy_settle(discrepancy=d, actor=specialist, outcome="reject",
                       note="货不对单，原样退回客户")
    rma.refresh_from_db()
    assert rma.status == RmaStatus.CLOSED
    assert not selectors.warehouse_queue(user=warehouse)["to_receive_count"]
    with pytest.raises(Conflict):
        receipt_record(rma=rma, actor=warehouse, lines=_line(rma, 1))


def test_a_withdrawn_case_gets_no_reminder_its_rma_just_closes(online_return, agent, clock):
    rma = rma_issue(case=online_return, actor=agent)
    case = s.case_transition(case=rma.case, actor=None, transition="withdraw",
                             reason="不退了")
    assert case.is_closed
    clock.at = rma.ship_back_by + timedelta(minutes=1)
    rmas_not_shipped_sweep()
    rma.refresh_from_db()
    assert rma.status == RmaStatus.CLOSED
    assert not Message.objects.filter(case=case, topic__in=("rma_reminder",
                                                            "rma_not_shipped")).exists()
