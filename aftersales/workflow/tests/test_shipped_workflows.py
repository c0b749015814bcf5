"""The five shipped workflows load, validate, hang together and can be walked (issue 4 item 3)."""

from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import NotFound
from aftersales.workflow.definitions import (
    CASE_KINDS,
    workflow_for,
    workflows_from_document,
)
from aftersales.workflow.engine import transition_check
from aftersales.workflow.graph import reachable_states, validate_section
from aftersales.workflow.vocabulary import Category, SlaUnit

from .conftest import SHIPPED, load_section

LINE_OF = {
    "online-shop": BusinessLine.ONLINE_SHOP,
    "member-store": BusinessLine.MEMBER_STORE,
    "outsourced-manufacturer": BusinessLine.OUTSOURCED,
    "electronics-rework": BusinessLine.ELECTRONICS,
    "machinery-dealer": BusinessLine.MACHINERY,
}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_workflow_validates_and_every_case_kind_has_a_workflow(name):
    section = load_section(name)
    validate_section(section, source=name)  # parse + graph check; raises on any problem
    for kind in CASE_KINDS:
        wf = workflow_for({"workflow": section}, business_line=LINE_OF[name], case_kind=kind)
        assert wf.business_line == LINE_OF[name]


@pytest.mark.parametrize("name", SHIPPED)
def test_graph_every_state_reachable_and_every_open_state_has_an_exit(shipped, name):
    for wf in shipped[name].values():
        assert reachable_states(wf) == set(wf.states), wf.key
        for code, state in wf.states.items():
            if state.category != Category.CLOSED:
                assert wf.transitions_from(code), (wf.key, code)
                assert state.roles, (wf.key, code)
        for t in wf.transitions:
            assert t.roles, (wf.key, t.code)
            assert t.rule.startswith("S"), (wf.key, t.code)
            assert set(t.roles) <= set(Role.values)


def test_workflow_for_unknown_combination_is_a_clear_not_found():
    with pytest.raises(NotFound) as exc:
        workflow_for({"workflow": load_section("online-shop")},
                     business_line=BusinessLine.MACHINERY, case_kind="repair")
    assert exc.value.extra == {"business_line": "machinery", "case_kind": "repair"}
    with pytest.raises(NotFound):
        workflow_for({"rules": []}, business_line="online_shop", case_kind="return")


def test_parsed_document_is_cached_per_document_object():
    doc = {"workflow": load_section("online-shop")}
    assert workflows_from_document(doc) is workflows_from_document(doc)


def test_seed_numbers_are_in_the_data(shipped):
    """S9.2 15 working days end to end; S9.3 3 working days review; S9.5 7 working days after
    receipt; S3.4 24 h report with fines 50/day, 50/violation, doubled; S11.3 3 working days,
    urgent next day; S11.5 2 days; S11.1 threshold 200; S1.5 authority in the policy."""
    shop = shipped["online-shop"]["consumer"]
    assert (shop.sla_end_to_end.amount, shop.sla_end_to_end.unit) == (15, SlaUnit.WORKING_DAYS)
    assert shop.states["intake"].sla.amount == 3 and shop.states["intake"].sla.source == "S9.3"
    assert shop.states["received"].sla.amount == 7
    assert shop.authority[Role.CUSTOMER_SERVICE] < shop.authority[Role.CS_SUPERVISOR]
    for state in ("options_offered", "awaiting_return"):
        assert shop.states[state].category == Category.WAITING_CUSTOMER

    b2b = shipped["outsourced-manufacturer"]["quality_return"]
    sla = b2b.states["report_review"].sla
    assert (sla.amount, sla.unit, sla.escalate_to) == (24, SlaUnit.HOURS, Role.SALES_VP)
    assert (sla.fine.per_day_late, sla.fine.per_violation, sla.fine.serious_multiplier) == (
        Decimal("50"), Decimal("50"), Decimal("2"))
    assert sla.fine.waiver_role == Role.SALES_VP
    assert b2b.states["quality_judgment"].sla.clock == sla.clock == "report"

    rework = shipped["electronics-rework"]["rework"]
    onsite = rework.states["registered"].sla
    assert (onsite.amount, onsite.unit) == (3, SlaUnit.WORKING_DAYS)
    assert (onsite.urgent.amount, onsite.urgent.unit) == (1, SlaUnit.DAYS)
    assert (rework.states["warehoused"].sla.amount, rework.states["warehoused"].sla.unit) == (
        2, SlaUnit.DAYS)
    assert rework.derive_facts({"quantity": 200}) == set()
    assert rework.derive_facts({"quantity": 201}) == {"large_lot"}


# Happy paths walked through transition_check, each step by its first role with exactly the
# facts the case would have by then (facts accumulate; `sets.facts` are added as in the cases app).
WALKS = {
    ("online-shop", "consumer"): (
        # the customer accepted an option on the portal (S5.1): confirming the problem agrees
        ["verify", "confirm_problem_agreed", "send_return_instructions", "ship_back",
         "receive", "inspect", "submit_refund", "approve_refund", "pay_refund", "close",
         "rate"],
        {"verified_order", "problem_confirmed", "policy_decision", "option_accepted",
         "rma_issued", "tracking_number", "goods_received", "inspection_passed",
         "refund_reviewed", "finance_approval", "refund_paid", "rating"},
    ),
    ("online-shop", "consult"): (["answer", "close", "rate"], {"rating"}),
    ("member-store", "exchange"): (
        ["tell_rules", "submit_application", "approve_application", "goods_back",
         "collect_difference", "ship", "close", "rate"],
        {"verified_order", "policy_decision", "exchange_application", "option_accepted",
         "rma_issued", "goods_received", "difference_collected", "rating"},
    ),
    ("member-store", "service"): (
        ["confirm_problem", "accept_repair", "receive_for_repair", "repaired",
         "ship_back", "close", "rate"],
        {"verified_order", "problem_confirmed", "policy_decision", "option_accepted",
         "purchase_proof", "goods_received", "rating"},
    ),
    ("outsourced-manufacturer", "quality_return"): (
        ["escalate", "open_report", "review_report", "approve_return", "notify_ship",
         "receive_at_plant", "confirm_receipt", "plan_rework", "finish_rework",
         "pass_inspection", "ship", "close_report"],
        {"return_form", "report_opened", "report_reviewed", "quality_judgment",
         "factory_responsible", "rma_issued", "goods_received", "receipt_matches",
         "outgoing_inspection"},
    ),
    ("electronics-rework", "rework"): (
        ["confirm_on_site", "warehouse_units", "classify", "route_production",
         "production_disassembled", "production_material_ready", "production_repaired",
         "confirm_repair", "ship_back", "close"],
        {"dispatch_form", "in_warranty", "problem_sheet", "ipqc_confirmed", "material_ready"},
    ),
    ("electronics-rework", "return_exchange"): (
        ["advance_replacement", "defective_received", "restock", "close"],
        {"rma_form", "goods_received"},
    ),
    ("machinery-dealer", "sanbao_service"): (
        ["request_appraisal", "approve_sanbao_repair", "dealer_repaired", "recover_old_part",
         "close"],
        {"service_register", "appraisal", "warranty_card", "old_part_recovered"},
    ),
}


@pytest.mark.parametrize(("name", "key"), sorted(WALKS))
def test_walk_happy_path_to_a_closed_state(shipped, name, key):
    wf = shipped[name][key]
    steps, facts = WALKS[(name, key)]
    facts = set(facts)
    state = wf.initial
    values = {"quantity": 500}
    for code in steps:
        t = wf.transition(code)
        assert t is not None, code
        transition_check(workflow=wf, state=state, transition_code=code, roles={t.roles[0]},
                         facts=facts, values=values)
        facts |= set(t.sets.get("facts", ()))
        state = t.target
    assert wf.states[state].category == Category.CLOSED
