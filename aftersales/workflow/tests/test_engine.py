"""transition_check, available_transitions and queues (issue 4 item 3; X4; STYLE.md "State").

Each denial shares its setup with an allowed call that differs in exactly one input, so a
denial can't pass for the wrong reason.
"""

import pytest
from django.utils import translation

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.workflow.engine import (
    InvalidTransition,
    available_transitions,
    queue_states_for_roles,
    transition_check,
)
from aftersales.workflow.vocabulary import CUSTOMER


@pytest.fixture
def shop(shipped):
    return shipped["online-shop"]["consumer"]


# The S2.5 step: quality approves the return form only after judging responsibility.
APPROVE = dict(state="quality_judgment", transition_code="approve_return",
               roles={Role.QUALITY},
               facts={"report_reviewed", "quality_judgment", "factory_responsible"})


@pytest.fixture
def b2b(shipped):
    return shipped["outsourced-manufacturer"]["quality_return"]


def test_allowed_returns_the_transition(b2b):
    t = transition_check(workflow=b2b, **APPROVE)
    assert (t.code, t.target) == ("approve_return", "approved")


def test_wrong_role_is_permission_denied(b2b):
    with pytest.raises(PermissionDenied) as exc:
        transition_check(workflow=b2b, **{**APPROVE, "roles": {Role.SALES_SPECIALIST}})
    assert exc.value.code == "role_not_allowed"
    assert exc.value.extra["roles"] == [Role.QUALITY]


def test_wrong_state_is_invalid_transition_with_from_and_to(b2b):
    with pytest.raises(InvalidTransition) as exc:
        transition_check(workflow=b2b, **{**APPROVE, "state": "report_review"})
    assert isinstance(exc.value, Conflict) and exc.value.status == 409
    assert (exc.value.from_state, exc.value.to_state, exc.value.transition) == (
        "report_review", "approved", "approve_return")
    assert exc.value.extra == {"from": "report_review", "to": "approved",
                               "transition": "approve_return"}


@pytest.mark.parametrize("missing", ["report_reviewed", "quality_judgment", "factory_responsible"])
def test_missing_requirement_is_a_validation_error_naming_it(b2b, missing):
    """S2.5 quality judgment and S3.2 the VP's review come before approval."""
    with pytest.raises(ValidationError) as exc:
        transition_check(workflow=b2b, **{**APPROVE, "facts": APPROVE["facts"] - {missing}})
    assert exc.value.code == "requirement_missing"
    assert exc.value.extra["requirement"] == missing
    assert list(exc.value.fields) == [missing]


def test_state_is_checked_before_role_and_role_before_requirements(b2b):
    with pytest.raises(InvalidTransition):
        transition_check(workflow=b2b, **{**APPROVE, "state": "feedback", "roles": set(),
                                          "facts": set()})
    with pytest.raises(PermissionDenied):
        transition_check(workflow=b2b, **{**APPROVE, "roles": {Role.WAREHOUSE}, "facts": set()})


def test_closed_case_message_says_it_is_closed(shop):
    with translation.override("en"):
        with pytest.raises(InvalidTransition) as exc:
            transition_check(workflow=shop, state="closed", transition_code="reject",
                             roles={Role.CUSTOMER_SERVICE}, facts=set())
    assert "closed case can't" in str(exc.value.message)
    # the same move from an open state works
    transition_check(workflow=shop, state="intake", transition_code="reject",
                     roles={Role.CUSTOMER_SERVICE}, facts=set())


def test_unknown_transition_is_invalid(shop):
    with pytest.raises(InvalidTransition) as exc:
        transition_check(workflow=shop, state="intake", transition_code="teleport",
                         roles={Role.ADMIN}, facts=set())
    assert exc.value.to_state is None


def test_unverified_case_cant_proceed_to_a_solution(shop):
    """S1.2: without a verified order the case stays at intake."""
    with pytest.raises(ValidationError) as exc:
        transition_check(workflow=shop, state="intake", transition_code="verify",
                         roles={Role.CUSTOMER_SERVICE}, facts=set())
    assert exc.value.extra["requirement"] == "verified_order"
    transition_check(workflow=shop, state="intake", transition_code="verify",
                     roles={Role.CUSTOMER_SERVICE}, facts={"verified_order"})


def test_customer_pseudo_role_only_for_customer_transitions(shop):
    """The customer accepts an option on the portal (S1.5) but can't approve a refund."""
    transition_check(workflow=shop, state="options_offered", transition_code="accept_option",
                     roles={CUSTOMER}, facts={"option_accepted"})
    with pytest.raises(PermissionDenied):
        transition_check(workflow=shop, state="refund_approval", transition_code="approve_refund",
                         roles={CUSTOMER}, facts=set())
    transition_check(workflow=shop, state="refund_approval", transition_code="approve_refund",
                     roles={Role.FINANCE}, facts={"finance_approval"})


def test_adjustment_above_authority_needs_the_supervisor(shop):
    """S1.5: within authority the agent agrees; above it only the supervisor approves."""
    assert shop.max_adjustment({Role.CUSTOMER_SERVICE}) < shop.max_adjustment(
        {Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR})
    with pytest.raises(ValidationError):
        transition_check(workflow=shop, state="negotiation", transition_code="agree_adjustment",
                         roles={Role.CUSTOMER_SERVICE}, facts=set())
    transition_check(workflow=shop, state="negotiation",
                     transition_code="request_adjustment_approval",
                     roles={Role.CUSTOMER_SERVICE}, facts=set())
    with pytest.raises(PermissionDenied):
        transition_check(workflow=shop, state="adjustment_approval",
                         transition_code="approve_adjustment", roles={Role.CUSTOMER_SERVICE},
                         facts=set())
    transition_check(workflow=shop, state="adjustment_approval",
                     transition_code="approve_adjustment", roles={Role.CS_SUPERVISOR},
                     facts=set())


def test_refund_is_paid_only_after_finance_approval(shop):
    """S7.2: the approval step needs finance's approval record (finance.Refund, maker-checker);
    paying needs it too."""
    approve = shop.transition("approve_refund")
    assert "finance_approval" in approve.requires
    with pytest.raises(ValidationError) as exc:
        transition_check(workflow=shop, state="refund_payment", transition_code="pay_refund",
                         roles={Role.FINANCE}, facts={"refund_paid"})
    assert exc.value.extra["requirement"] == "finance_approval"
    transition_check(workflow=shop, state="refund_payment", transition_code="pay_refund",
                     roles={Role.FINANCE}, facts={"refund_paid", "finance_approval"})


def test_appeal_needs_new_evidence_and_goes_to_the_supervisor(shop):
    """S9.3."""
    with pytest.raises(ValidationError):
        transition_check(workflow=shop, state="rejected", transition_code="appeal",
                         roles={CUSTOMER}, facts=set())
    t = transition_check(workflow=shop, state="rejected", transition_code="appeal",
                         roles={CUSTOMER}, facts={"new_evidence"})
    assert shop.states[t.target].roles == (Role.CS_SUPERVISOR,)


def test_reason_required_when_a_reason_is_given_empty(shop):
    common = dict(workflow=shop, state="intake", transition_code="reject",
                  roles={Role.CUSTOMER_SERVICE}, facts=set())
    with pytest.raises(ValidationError) as exc:
        transition_check(**common, reason="  ")
    assert exc.value.code == "reason_required"
    transition_check(**common, reason="订单号不存在")


def test_routing_by_lot_quantity_threshold_in_data(shipped):
    """S11.1: ≤200 pcs to the repair shop, >200 to production; key accounts to R&D (S8.5)."""
    wf = shipped["electronics-rework"]["rework"]
    common = dict(workflow=wf, state="classified", roles={Role.QUALITY}, facts=set())
    transition_check(**common, transition_code="route_repair_shop", values={"quantity": 200})
    with pytest.raises(ValidationError) as exc:
        transition_check(**common, transition_code="route_repair_shop", values={"quantity": 201})
    assert exc.value.code == "requirement_forbids"
    transition_check(**common, transition_code="route_production", values={"quantity": 201})
    with pytest.raises(ValidationError):
        transition_check(**common, transition_code="route_production", values={"quantity": 200})
    with pytest.raises(ValidationError):
        transition_check(**{**common, "facts": {"key_account"}},
                         transition_code="route_production", values={"quantity": 201})
    transition_check(**{**common, "facts": {"key_account"}}, transition_code="route_rnd")


def test_receipt_routing_batch_vs_sporadic(shipped):
    """S2.6: a whole batch goes to the factory, sporadic items to our plant."""
    wf = shipped["outsourced-manufacturer"]["quality_return"]
    common = dict(workflow=wf, state="awaiting_goods", roles={Role.WAREHOUSE})
    received = {"goods_received"}  # either way only once the receipt is recorded
    transition_check(**common, transition_code="receive_at_factory",
                     facts={"whole_batch"} | received)
    with pytest.raises(ValidationError):
        transition_check(**common, transition_code="receive_at_plant",
                         facts={"whole_batch"} | received)
    transition_check(**common, transition_code="receive_at_plant", facts=received)
    with pytest.raises(ValidationError):  # no receipt, no receiving step
        transition_check(**common, transition_code="receive_at_plant", facts=set())


def test_available_transitions_only_for_the_actor_and_with_why(shop):
    with translation.override("en"):
        options = available_transitions(workflow=shop, state="intake",
                                        roles={Role.CUSTOMER_SERVICE}, facts=set())
    by_code = {t.code: (ok, why) for t, ok, why in options}
    assert set(by_code) == {"verify", "reject", "withdraw"}
    assert by_code["verify"][0] is False and "verified" in by_code["verify"][1]
    assert by_code["reject"] == (True, "")
    finance = available_transitions(workflow=shop, state="intake", roles={Role.FINANCE},
                                    facts=set())
    assert finance == []
    everything = available_transitions(workflow=shop, state="intake", roles={Role.FINANCE},
                                       facts=set(), include_forbidden=True)
    assert len(everything) == 3 and not any(ok for _, ok, _ in everything)


def test_queue_states_for_roles(shipped):
    workflows = [wf for name in shipped for wf in shipped[name].values()]
    vp = queue_states_for_roles(workflows, {Role.SALES_VP})
    assert vp == {("quality_return", "report_review")}
    finance = queue_states_for_roles(shipped["online-shop"], {Role.FINANCE})
    assert finance == {("consumer", "refund_approval"), ("consumer", "refund_payment")}
    assert queue_states_for_roles(workflows, set()) == set()
