"""Inspection and responsibility (S2.2, S2.5, S5.5; issue 11 item 3): what facts a judgment
sets, where the case goes, the responsibility the charges app reads, re-evaluation."""

from decimal import Decimal

import pytest

from aftersales.cases import services as s
from aftersales.cases.models import CaseEvent, EventKind
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.quality import services as q
from aftersales.quality.models import Inspection
from aftersales.quality.selectors import inspection_for_case, responsibility_of
from aftersales.quality.tests import helpers as h


def test_factory_caused_fault_on_an_outsourced_product_approves_the_return(
        policies, clock, team):
    # given a B2B return of 20 pumps made by an outsourced factory, report reviewed by the VP
    factory, supplier = h.parties()
    case = h.outsourced_case(team, factory=factory)
    case, _report = h.report_reviewed(team, case)
    assert case.state == "quality_judgment"
    line = case.lines.get()

    # when quality inspects and finds a leak, the factory responsible (S2.5)
    inspection = q.inspection_record(
        case=case, actor=team["quality"], result="fail", defect_code="leak",
        responsibility="factory", report="20 台中 6 台密封圈装配不到位导致漏水",
        lines=[q.LineFinding(case_line=line.pk, quantity=20, defective=6, defect_code="leak",
                             finding="密封圈错位")])

    # then the inspection is numbered and names the case's factory
    assert inspection.number.startswith("QI-2026-")
    assert inspection.factory == factory
    # and the record facts are set with its number; the case made the one step waiting
    case.refresh_from_db()
    assert case.facts["quality_judgment"]["record"] == inspection.number
    assert case.facts["quality_judgment"]["responsibility"] == "factory"
    assert case.facts["factory_responsible"]["record"] == inspection.number
    assert "inspection_passed" not in case.facts  # it failed
    assert case.state == "approved"
    # and the charges app reads who pays: the factory takes the return (S2.2)
    assert responsibility_of(case) == "factory"
    assert inspection_for_case(case) == inspection


def test_customer_caused_fault_on_an_outsourced_product_becomes_a_chargeable_repair(
        policies, clock, team):
    factory, _supplier = h.parties()
    case = h.outsourced_case(team, factory=factory)
    case, _report = h.report_reviewed(team, case)

    # when quality finds misuse by the customer
    inspection = q.inspection_record(case=case, actor=team["quality"], result="fail",
                                     defect_code="misuse", responsibility="customer",
                                     report="外壳摔裂，属使用不当")

    # then the factory is not responsible and the case waits for the customer's quote (S2.2)
    case.refresh_from_db()
    assert "factory_responsible" not in case.facts
    assert case.facts["quality_judgment"]["responsibility"] == "customer"
    assert case.state == "chargeable_quote" and case.resolution == "paid_repair"
    assert responsibility_of(case) == "customer"
    assert inspection.factory is None


def test_a_supplier_caused_fault_judges_but_leaves_the_next_step_to_a_person(
        policies, clock, team):
    factory, supplier = h.parties()
    product_case = h.outsourced_case(team, factory=factory, supplier=supplier)
    case, _report = h.report_reviewed(team, product_case)
    inspection = q.inspection_record(case=case, actor=team["quality"], result="fail",
                                     defect_code="material", responsibility="supplier")
    case.refresh_from_db()
    assert inspection.supplier == supplier  # the product's supplier
    assert case.facts["quality_judgment"]["record"] == inspection.number
    assert case.state == "quality_judgment"  # not a chargeable repair: no customer fault
    assert responsibility_of(case) == "supplier"


def test_a_later_inspection_that_clears_the_factory_withdraws_the_fact(policies, clock, team):
    factory, _supplier = h.parties()
    case = h.outsourced_case(team, factory=factory)
    case, _report = h.report_reviewed(team, case)
    q.inspection_record(case=case, actor=team["quality"], result="fail", defect_code="leak",
                        responsibility="factory")
    second = q.inspection_record(case=case, actor=team["quality"], result="fail",
                                 defect_code="misuse", responsibility="customer")
    case.refresh_from_db()
    assert case.facts["factory_responsible"]["value"] is False
    assert case.facts["factory_responsible"]["record"] == second.number
    assert responsibility_of(case) == "customer"


def test_only_quality_judges_and_bad_input_stores_nothing(policies, clock, team):
    case = h.outsourced_case(team)
    line = case.lines.get()
    with pytest.raises(PermissionDenied):
        q.inspection_record(case=case, actor=team["specialist"], result="pass")
    # the outsourced policy doesn't let the warehouse inspect
    with pytest.raises(PermissionDenied):
        q.inspection_record(case=case, actor=team["warehouse"], result="pass")
    with pytest.raises(ValidationError) as e:
        q.inspection_record(case=case, actor=team["quality"], result="fail")
    assert "defect_code" in e.value.fields
    with pytest.raises(ValidationError) as e:
        q.inspection_record(case=case, actor=team["quality"], result="fail",
                            defect_code="not-in-policy")
    assert e.value.code == "unknown_defect_code"
    with pytest.raises(ValidationError):
        q.inspection_record(case=case, actor=team["quality"], result="pass",
                            lines=[q.LineFinding(case_line=line.pk, quantity=21)])
    with pytest.raises(ValidationError):
        q.inspection_record(case=case, actor=team["quality"], result="pass",
                            lines=[q.LineFinding(case_line=line.pk, quantity=5, defective=6)])
    with pytest.raises(ValidationError):
        q.inspection_record(case=case, actor=team["quality"], result="pass",
                            responsibility="nobody")
    assert not Inspection.objects.exists()
    case.refresh_from_db()
    assert "quality_judgment" not in case.facts


def test_warehouse_inspection_on_receipt_moves_a_consumer_return_on(policies, clock, team):
    # given a consumer return received by the warehouse (S5.5)
    case = h.consumer_case_received(team)
    line = case.lines.get()
    # the warehouse doesn't judge responsibility (S2.5)
    with pytest.raises(ValidationError):
        q.inspection_record(case=case, actor=team["warehouse"], result="pass",
                            responsibility="company")
    # when it records the simple inspection, all in order
    inspection = q.inspection_record(
        case=case, actor=team["warehouse"], result="pass", receipt_number="RCV-2026-000001",
        lines=[q.LineFinding(case_line=line.pk, quantity=1,
                             condition={"unused": True, "tags_attached": True})])
    # then inspection_passed is set by the record and the case is inspected
    case.refresh_from_db()
    assert case.facts["inspection_passed"]["record"] == inspection.number
    assert case.state == "inspected"
    assert inspection.reevaluation is None  # nothing differs from what was stated


def test_inspection_that_finds_tags_removed_reevaluates_and_shows_the_difference(
        policies, clock, team):
    # given a no-reason return of a 300.00 shirt, stated with tags attached
    case = h.consumer_case_received(team)
    before_refund = Decimal(case.agreed_option["refund"]["total"])
    assert before_refund == Decimal("300.00")

    # when the inspection finds the tags removed (B7-9: apparel without tags is not returnable)
    inspection = q.inspection_record(case=case, actor=team["quality"], result="fail",
                                     defect_code="tags_removed", responsibility="customer")

    # then the decision is re-evaluated with the inspected condition and the difference shown
    diff = inspection.reevaluation
    assert diff["before"]["refund_total"] == "300.00"
    assert "return" in diff["before"]["options"]
    assert "return" not in diff["after"]["options"]
    assert Decimal(diff["after"]["refund_total"]) < Decimal("300.00")
    assert Decimal(diff["difference"]) == Decimal(diff["after"]["refund_total"]) - 300
    assert diff["conditions"] == {str(case.lines.get().pk): {"tags_attached": False}}
    # and the case holds the new decision, the inspected condition and a re-evaluated event
    case.refresh_from_db()
    assert "return" not in [o["resolution"] for o in case.decision["options"]]
    assert case.lines.get().condition["tags_attached"] is False
    assert "inspection_report" in case.evidence
    ev = CaseEvent.objects.filter(case=case, kind=EventKind.EVALUATED).last()
    assert ev.data["reevaluated"] is True and ev.data["record"] == inspection.number
    # and the failed inspection doesn't move the case to refund
    assert case.state == "received" and "inspection_passed" not in case.facts


def test_case_reevaluate_refuses_unknown_lines_and_causes(policies, clock, team):
    case = h.consumer_case_received(team)
    with pytest.raises(ValidationError):
        s.case_reevaluate(case=case, actor=team["quality"], conditions={999999: {}})
    with pytest.raises(ValidationError):
        s.case_reevaluate(case=case, actor=team["quality"], damage_cause="ghosts")
