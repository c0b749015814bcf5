"""The policy sees the real case (docs/case-facts.md): the unit's repairs and exchanges from
earlier cases, each line's condition, evidence by kind and catalogue goods in exchange decide
the options; facts the decision states (in warranty, S8.2; warranty card, S10.4) are set from
it and changed by a person only with a reason."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent, StateCategory
from aftersales.cases.tests import factories as f
from aftersales.core.errors import ValidationError
from aftersales.sales.models import WarrantyCard

SHANGHAI = ZoneInfo("Asia/Shanghai")
INTACT = {"unused": True, "packaging_intact": True, "seal_intact": True,
          "tags_attached": True, "all_parts_present": True}


def resolutions(case) -> set[str]:
    return {o["resolution"] for o in (case.decision or {}).get("options") or []}


def _repaired(case, *, at: datetime) -> None:
    """An earlier case agreed on repair, got the goods and closed at ``at`` (its records as
    the workflow leaves them: the resolution, the goods received, the closing)."""
    Case.objects.filter(pk=case.pk).update(
        resolution="repair", agreed_at=at, state_category=StateCategory.CLOSED, state="closed",
        closed_at=at, facts={"goods_received": {"value": True, "record": "RCV-1",
                                                "at": at.isoformat()}})


def _water_machine_repair(agent, order, *, defect="漏水"):
    return s.case_open(kind="repair", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       defect_category=defect, symptom=defect, evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1, "serial": "WM-0001"}])


@pytest.fixture
def water_machine_order(db):
    prod = f.product(category="water_machine", list_price=Decimal("2999.00"))
    return f.order(business_line="member_store", channel="offline",
                   placed_at=datetime(2026, 6, 1, 10, tzinfo=SHANGHAI),
                   lines=[(prod, 1, "2999.00")])


@pytest.mark.parametrize("second_fault, exchange", [("漏水", True), ("异响", False)])
def test_two_repairs_of_the_same_fault_give_return_or_exchange(
        policies, clock, agent, water_machine_order, second_fault, exchange):
    """S4.6: a water machine repaired twice for the same problem may be returned or
    exchanged; the history comes from the earlier cases of the same serial."""
    order = water_machine_order
    clock.set(2026, 9, 1, 10, 0)
    first = _water_machine_repair(agent, order)
    assert resolutions(first) == {"repair"}
    _repaired(first, at=datetime(2026, 9, 5, 10, tzinfo=SHANGHAI))
    clock.set(2026, 10, 1, 10, 0)
    second = _water_machine_repair(agent, order, defect=second_fault)
    assert resolutions(second) == {"repair"}  # one repair is not yet two
    _repaired(second, at=datetime(2026, 10, 10, 10, tzinfo=SHANGHAI))
    clock.set(2026, 11, 23, 10, 0)
    third = _water_machine_repair(agent, order, defect=second_fault)
    reason = next(r for r in third.decision["reasons"] if r["rule"] == "S4.6-repairs")
    assert reason["passed"] is exchange
    if exchange:
        assert {"return", "exchange"} <= resolutions(third), third.decision["reasons"]
    else:
        assert resolutions(third) == {"repair"}


def test_an_exchange_for_dearer_goods_shows_the_difference_to_pay(policies, clock, agent):
    """S4.2 多不退少补: the catalogue's price of the goods wanted, not the caller's."""
    old = f.product(category="health_food", list_price=Decimal("128.00"), points=128)
    dear = f.product(category="health_food", sku="CZT-LZ", name="灵芝孢子粉胶囊",
                     list_price=Decimal("158.00"), points=158)
    order = f.order(business_line="member_store", lines=[(old, 1, "128.00")])
    order.lines.update(points=128)
    case = s.case_open(kind="exchange", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="other", evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1, "condition": INTACT}],
                       exchange_for=[{"sku": "CZT-LZ", "quantity": 1, "unit_price": "1.00"}])
    assert case.exchange_for == [{"sku": "CZT-LZ", "name": dear.name, "unit_price": "158.00",
                                  "points": 158, "quantity": 1}]
    option = next(o for o in case.decision["options"] if o["resolution"] == "exchange")
    assert Decimal(option["customer_pays"]) == Decimal("30.00")


def test_an_opened_item_loses_the_seven_day_return_and_the_change_reevaluates(
        policies, clock, agent):
    """B7-8/B7-9: the condition stated per line decides the no-reason return; changing it
    evaluates the case again."""
    prod = f.product(category="apparel")
    order = f.order(lines=[(prod, 1, "300.00")],
                    signed_at=datetime(2026, 11, 21, 10, tzinfo=SHANGHAI))
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="no_reason", evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1, "condition": INTACT}])
    assert "return" in resolutions(case)
    line = case.lines.get()
    case = s.case_update_facts(case=case, actor=agent, conditions={
        line.pk: {**INTACT, "tags_attached": False, "all_parts_present": False}})
    assert "return" not in resolutions(case)
    line.refresh_from_db()
    assert line.condition["tags_attached"] is False
    event = case.events.filter(kind="evaluated").last()
    assert event.data["reevaluated"] and "✗" in event.data["note"]


def test_a_medical_certificate_opens_the_allergy_return(policies, clock, agent):
    """S4.5: a health food may be returned for an allergy with a doctor's certificate."""
    prod = f.product(category="health_food", list_price=Decimal("198.00"))
    order = f.order(business_line="member_store", channel="offline",
                    lines=[(prod, 1, "198.00")])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="allergy", evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1, "condition": {"unused": False}}])
    assert "return" not in resolutions(case)
    case = s.case_update_facts(case=case, actor=agent, evidence=["medical_certificate"])
    assert "return" in resolutions(case), case.decision["reasons"]
    assert case.evidence == ["medical_certificate"]


def test_bad_facts_are_refused_and_nothing_is_stored(policies, clock, agent):
    prod = f.product(category="health_food")
    order = f.order(business_line="member_store", lines=[(prod, 1, "300.00")])
    before = Case.objects.count()
    for kw, code in (
            ({"exchange_for": [{"sku": "NOT-THERE", "quantity": 1}]}, "unknown_goods"),
            ({"lines": [{"line_no": 1, "quantity": 1, "condition": {"shiny": True}}]},
             "unknown_condition"),
            ({"evidence": ["horoscope"]}, "unknown_evidence")):
        args = {"lines": [{"line_no": 1, "quantity": 1}], **kw}
        with pytest.raises(ValidationError) as err:
            s.case_open(kind="exchange", channel="phone", actor=agent, order=order,
                        verify_phone=order.customer.phone, reason="other", **args)
        assert err.value.code == code, kw
    assert Case.objects.count() == before
    case = s.case_open(kind="exchange", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="other",
                       lines=[{"line_no": 1, "quantity": 1, "condition": INTACT}])
    version, events = case.version, case.events.count()
    with pytest.raises(ValidationError) as err:
        s.case_update_facts(case=case, actor=agent, evidence=["photos", "tarot"],
                            exchange_for=[{"sku": prod.sku, "quantity": 1}])
    assert err.value.code == "unknown_evidence"
    case.refresh_from_db()
    assert (case.version, case.evidence, case.exchange_for, case.events.count()) == (
        version, [], [], events)


def test_in_warranty_follows_the_decision_and_an_override_needs_a_reason(
        policies, clock, agent, water_machine_order):
    """S8.2's fact "in warranty" is the decision's (here S4.4, one year from the order); a
    person changes it only with a reason, recorded on the timeline, and it stays theirs when
    the case is evaluated again."""
    case = _water_machine_repair(agent, water_machine_order)
    assert case.facts["in_warranty"]["value"] is True
    assert case.facts["in_warranty"]["source"] == "decision"
    with pytest.raises(ValidationError) as err:
        s.case_record_fact(case=case, actor=agent, fact="in_warranty", value=False)
    assert err.value.code == "override_reason_required"
    case.refresh_from_db()
    assert case.facts["in_warranty"]["value"] is True
    case = s.case_record_fact(case=case, actor=agent, fact="in_warranty", value=False,
                              note="机身有私拆痕迹，厂家不予保修")
    assert case.facts["in_warranty"] == {**case.facts["in_warranty"], "value": False,
                                         "override": True, "decided": True,
                                         "note": "机身有私拆痕迹，厂家不予保修"}
    event = CaseEvent.objects.filter(case=case, kind="fact_recorded").last()
    assert (event.actor, event.data["override"], event.data["note"]) == (
        agent, True, "机身有私拆痕迹，厂家不予保修")
    case = s.case_evaluate(case=case, actor=agent)
    assert case.facts["in_warranty"]["value"] is False  # the person's answer stands
    assert case.facts["in_warranty"]["decided"] is True


def test_an_online_quality_refund_asks_for_the_inspection_report(policies, clock, agent):
    """S7.3: a refund for a quality problem needs an inspection report or proof; until the
    case holds one the options say which evidence is still wanted."""
    order = f.order(lines=[(f.product(category="apparel"), 1, "300.00")])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality", evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1}])
    option = next(o for o in case.decision["options"] if o["resolution"] == "return")
    assert option.get("evidence_required") == ["inspection_report"]
    case = s.case_update_facts(case=case, actor=agent, evidence=["inspection_report"])
    option = next(o for o in case.decision["options"] if o["resolution"] == "return")
    assert "evidence_required" not in option


def test_online_shop_two_repairs_of_the_same_fault_give_a_full_refund(policies, clock, agent):
    """S6.1: after two repairs of the same quality problem the online shop refunds in full;
    the repairs are the earlier cases of the same order line (no serial)."""
    order = f.order(lines=[(f.product(category="small_appliance"), 1, "300.00")],
                    placed_at=datetime(2026, 5, 1, 10, tzinfo=SHANGHAI))
    opened = {"kind": "repair", "channel": "phone", "actor": agent, "order": order,
              "verify_phone": order.customer.phone, "reason": "quality", "evaluate": True,
              "defect_category": "不加热", "lines": [{"line_no": 1, "quantity": 1}]}
    for month in (7, 9):
        clock.set(2026, month, 1, 10, 0)
        earlier = s.case_open(**opened)
        assert "return" not in resolutions(earlier)
        _repaired(earlier, at=datetime(2026, month, 8, 10, tzinfo=SHANGHAI))
    clock.set(2026, 11, 23, 10, 0)
    case = s.case_open(**opened)
    assert "return" in resolutions(case), case.decision["reasons"]


@pytest.mark.parametrize("returned, in_time", [(datetime(2026, 6, 15).date(), True),
                                               (None, False)])
def test_the_warranty_card_fact_follows_the_dealers_card(policies, clock, agent, returned,
                                                         in_time):
    """S10.4: the warranty card back within 20 days of the sale (the order's card record)
    gives the case its warranty_card fact; without it the company gives no 三包."""
    tractor = f.product(category="tractor", list_price=Decimal("58000.00"))
    order = f.order(business_line="machinery", channel="dealer",
                    placed_at=datetime(2026, 6, 1, 10, tzinfo=SHANGHAI),
                    lines=[(tractor, 1, "58000.00")])
    WarrantyCard.objects.create(number=f"WC-{order.pk}", order=order,
                                sold_on=datetime(2026, 6, 1).date(), returned_on=returned)
    case = s.case_open(kind="repair", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality", evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1}])
    assert case.facts["warranty_card"]["value"] is in_time
    assert ("paid_repair" in resolutions(case)) is not in_time
