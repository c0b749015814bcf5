"""Options and agreement (S1.4, S1.5): the policy decision stored with the case, the accepted
option, adjustments within the agent's authority and the supervisor's approval above it, and
recorded facts the workflow requires (quality judgment, report reviewed, …)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.roles import SUPERVISOR_ROLES
from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.history import unit_history
from aftersales.cases.labels import resolution_label
from aftersales.cases.models import AdjustmentStatus, Case, CaseKind
from aftersales.cases.services.common import (
    actor_label,
    actor_roles,
    case_workflow,
    lock_case,
    notify_customer,
    now,
    save_case,
    staff,
)
from aftersales.cases.services.permissions import require_scope, require_works_on
from aftersales.cases.services.transition import (
    acceptance_step,
    apply_transition,
    case_transition,
)
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.core.money import amount_parse, fmt, to_money, yuan
from aftersales.policy.engine.evaluate import DECISION_FACTS
from aftersales.policy.engine.request import CONDITION_KEYS, DAMAGE_CAUSES, EVIDENCE
from aftersales.policy.models import EvaluationChannel
from aftersales.policy.order_data import order_data_get
from aftersales.policy.selectors import request_from_data
from aftersales.policy.services.evaluation import policy_evaluate
from aftersales.workflow.errors import WorkflowErrorCode
from aftersales.workflow.vocabulary import CUSTOMER, RECORD_FACTS, Requirement

EVALUABLE = {CaseKind.RETURN, CaseKind.EXCHANGE, CaseKind.REPAIR, CaseKind.REFUND_ONLY}


def case_policy_request(case: Case) -> dict:
    """The POLICY-API request for this case: its order, lines, conditions and evidence, under
    the policy version the case was opened with (the one in force when the customer bought,
    S9.7)."""
    version = case.policy_version
    case_lines = list(case.lines.all())
    return policy_request_for(case, order=order_data_get(pk=case.order_id),
                              case_lines=case_lines,
                              policy=version.policy.name if version else None,
                              policy_version=version.number if version else None,
                              history=unit_history(case=case, case_lines=case_lines))


def policy_request_for(case: Case, *, order, case_lines, policy: str | None,
                       policy_version: int | None, history: dict | None = None) -> dict:
    """The request from parts in hand: the order as plain data (policy.order_data), the case
    lines — saved or not — so intake evaluates before anything is re-read, and the unit's
    repairs and exchanges before this case (cases.history.unit_history)."""
    index_of = {ln.pk: i for i, ln in enumerate(order.lines)}
    items = [{"line": index_of[cl.order_line_id], "quantity": cl.quantity,
              "condition": cl.condition or {}} for cl in case_lines]
    return request_from_data(
        order, kind=case.kind, reason=case.reason or "other", items=items or None,
        policy=policy, policy_version=policy_version, asked_at=case.created_at,
        history=history, evidence=[e for e in case.evidence or [] if e in EVIDENCE],
        damage_cause=case.damage_cause or None, exchange_for=case.exchange_for or None)


def decision_facts_apply(case: Case, decision: dict, *, at=None) -> bool:
    """Set the workflow facts the decision states (S8.2 ``in_warranty``, S10.4
    ``warranty_card``) on the case, unless a person overrode the fact with a reason
    (case_override_fact). Returns whether case.facts changed (the caller saves it)."""
    found = decision.get("facts") or {}
    facts = dict(case.facts or {})
    for name in DECISION_FACTS:
        if name not in found:
            continue
        current = facts.get(name)
        if isinstance(current, dict) and current.get("override"):
            facts[name] = {**current, "decided": bool(found[name])}
            continue
        facts[name] = {"value": bool(found[name]), "source": "decision",
                       "by": None, "by_label": _("policy decision"),
                       "at": (at or now()).isoformat()}
    changed = facts != (case.facts or {})
    case.facts = facts
    return changed


def decision_event_data(decision: dict) -> dict:
    return {"allowed": decision.get("allowed"), "policy": decision.get("policy"),
            "options": [o.get("resolution") for o in decision.get("options") or []]}


@transaction.atomic
def case_evaluate(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """Ask the policy engine for the options (S1.4) and store the decision with the case.

    Needs a verified order (S1.2); an enquiry or complaint has no options to evaluate.
    """
    case = lock_case(case, expected_version=expected_version)
    require_works_on(case, actor, customer=True)  # the customer: at intake on the portal
    if case.kind not in EVALUABLE:
        raise ValidationError(_("Only returns, exchanges, repairs and refunds have options."),
                              code=CaseErrorCode.NOT_EVALUABLE, fields={"kind": _("no options")})
    if case.verified_at is None or case.order_id is None:
        raise ValidationError(_("Verify the order and the customer first (S1.2)."),
                              code=WorkflowErrorCode.REQUIREMENT_MISSING,
                              fields={"verified_order": _("not verified")})
    decision = policy_evaluate(data=case_policy_request(case), actor=staff(actor),
                               channel=EvaluationChannel.CASE)
    case.decision, case.decided_at = decision, now()
    fields = ["decision", "decided_at"]
    if decision_facts_apply(case, decision):
        fields.append("facts")
    save_case(case, fields, actor)
    events.event_evaluated(case=case, actor=staff(actor), data=decision_event_data(decision))
    return case


def _option(case: Case, index: int) -> dict:
    options = (case.decision or {}).get("options") or []
    if not case.decision:
        raise ValidationError(_("There are no options yet: evaluate the case first."),
                              code=WorkflowErrorCode.REQUIREMENT_MISSING,
                              fields={"option": _("no decision")})
    if not isinstance(index, int) or not 0 <= index < len(options):
        raise ValidationError(_("Choose one of the options offered."),
                              fields={"option": _("not offered")})
    return options[index]


@transaction.atomic
def case_accept_option(*, case: Case, actor, option: int,
                       expected_version: int | None = None) -> Case:
    """Record the option the customer accepts (S1.5), by the customer or an agent for them.

    Moves the case on when its workflow has an ``accept_option`` transition from here."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise Conflict(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_works_on(case, actor, customer=True)
    chosen = _option(case, option)
    at = now()
    case.agreed_option = {**chosen, "index": option}
    case.agreed_at, case.agreed_by_customer = at, staff(actor) is None
    case.resolution = str(chosen.get("resolution") or "")
    fields = ["agreed_option", "agreed_at", "agreed_by_customer", "resolution"]
    workflow = case_workflow(case)
    from_state = case.state
    # Accepting moves the case where the workflow has that step from here: ``accept_option``,
    # or the step marked ``follows: option_accepted`` for the chosen solution. On the portal
    # the customer may accept before an agent formally offered the options (S5.1); the step is
    # then made when the case reaches it (services.transition.case_transition).
    step = next((t for t in workflow.transitions_from(case.state)
                 if t.code == "accept_option"), None) or acceptance_step(workflow, case, actor)
    if step is not None:
        _t, from_state, more = apply_transition(case, workflow=workflow, code=step.code,
                                                actor=actor)
        fields += more
    save_case(case, fields, actor)
    events.event_option_accepted(case=case, actor=staff(actor), actor_label=actor_label(actor),
                                 data={"option": case.agreed_option, "from_state": from_state,
                                       "to_state": case.state})
    option_text = agreed_option_text(case.agreed_option)
    notify_customer(case, topic="option_accepted", subject=_("Your choice is recorded"),
                    body=_("You chose: %(resolution)s.") % {"resolution": option_text},
                    params={"option": option_text})
    return case


def agreed_option_text(option: dict) -> str:
    """The accepted option as the customer reads it: "退货退款，退款 ¥600.00" (what is
    refunded, what they pay), for the message and its SMS template."""
    text = resolution_label(option.get("resolution"))
    refund = to_money((option.get("refund") or {}).get("total") or 0)
    pays = to_money(option.get("customer_pays") or 0)
    if refund > 0:
        text = _("%(option)s, refund %(amount)s") % {"option": text, "amount": yuan(refund)}
    if pays > 0:
        text = _("%(option)s, you pay %(amount)s") % {"option": text, "amount": yuan(pays)}
    return text


@transaction.atomic
def case_adjust(*, case: Case, actor, amount, note: str,
                expected_version: int | None = None) -> Case:
    """Propose an adjustment (partial refund, goodwill gesture; S1.5). Within the actor's
    authority in the workflow it is agreed at once; above it a supervisor must approve."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise Conflict(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_works_on(case, actor)
    try:
        amount = amount_parse(amount)  # 0 to 10⁹ yuan, two decimals
    except ValueError:
        raise ValidationError(_("Not an amount."), fields={"amount": _("not an amount")}) \
            from None
    if amount <= 0:
        raise ValidationError(_("The adjustment must be more than zero."),
                              fields={"amount": _("more than zero")})
    if not (note or "").strip():
        raise ValidationError(_("Say what the adjustment is for."),
                              fields={"note": _("required")})
    authority = case_workflow(case).max_adjustment(actor_roles(actor))
    within = amount <= authority
    case.adjustment_amount, case.adjustment_note = amount, note.strip()
    case.adjusted_by = staff(actor)
    case.adjustment_status = AdjustmentStatus.APPROVED if within else AdjustmentStatus.PENDING
    case.approved_by = staff(actor) if within else None
    save_case(case, ["adjustment_amount", "adjustment_note", "adjusted_by",
                     "adjustment_status", "approved_by"], actor)
    events.event_adjusted(case=case, actor=staff(actor), data={
        "amount": fmt(amount), "note": case.adjustment_note, "authority": fmt(authority),
        "within_authority": within})
    return case


@transaction.atomic
def case_approve_adjustment(*, case: Case, actor, approve: bool = True, note: str = "",
                            expected_version: int | None = None) -> Case:
    """A supervisor approves (or refuses) an adjustment above the agent's authority (S1.5)."""
    case = lock_case(case, expected_version=expected_version)
    require_scope(case, actor)
    if case.adjustment_status != AdjustmentStatus.PENDING:
        raise Conflict(_("No adjustment is waiting for approval."),
                       code=CaseErrorCode.NOTHING_PENDING)
    roles = actor_roles(actor)
    authority = case_workflow(case).max_adjustment(roles)
    if not (roles & SUPERVISOR_ROLES) or (authority and authority < case.adjustment_amount):
        raise PermissionDenied(_("Approving %(amount)s yuan is above your authority.")
                               % {"amount": fmt(case.adjustment_amount)},
                               code=CaseErrorCode.ABOVE_AUTHORITY)
    if staff(actor) is not None and case.adjusted_by_id == actor.pk:
        raise PermissionDenied(_("Someone other than the proposer must approve."),
                               code=CaseErrorCode.MAKER_CHECKER)
    if not approve and not (note or "").strip():
        raise ValidationError(_("Give the reason for refusing."), fields={"note": _("required")})
    case.adjustment_status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REFUSED
    case.approved_by = staff(actor) if approve else None
    save_case(case, ["adjustment_status", "approved_by"], actor)
    events.event_adjustment_decided(case=case, actor=staff(actor), approved=approve, data={
        "amount": fmt(case.adjustment_amount or Decimal(0)), "note": note})
    # One click (issue 10 item 4): the workflow's step that follows this decision is made in
    # the same action (`follows: adjustment_approved | adjustment_refused`).
    decision = "adjustment_approved" if approve else "adjustment_refused"
    step = next((t for t in case_workflow(case).transitions_from(case.state)
                 if t.follows == decision), None)
    if step is not None:
        case = case_transition(case=case, actor=actor, transition=step.code,
                               reason=note if step.reason_required else None, note=note)
    return case


@transaction.atomic
def case_record_fact(*, case: Case, actor, fact: str, value: bool = True, note: str = "",
                     data: dict | None = None, expected_version: int | None = None) -> Case:
    """Record a fact a transition requires (e.g. quality's responsibility judgment S2.5, the
    sales VP's review of the report S3.2, the tracking number S5.4). Only a role that acts on
    the case's current state may record it."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise Conflict(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_scope(case, actor)
    if fact not in Requirement.values and fact not in {
            d.fact for d in case_workflow(case).derived}:
        raise ValidationError(_("Unknown fact."), fields={"fact": _("unknown")})
    if fact in RECORD_FACTS:  # records, not ticks (issue 11 item 9)
        raise ValidationError(
            _("“%(fact)s” is recorded by its own record (the return authorization, the "
              "receipt, the inspection, the refund…), not ticked.")
            % {"fact": Requirement(fact).label},
            code=CaseErrorCode.RECORD_REQUIRED, fields={"fact": _("needs its record")})
    override = fact in DECISION_FACTS
    if override and not (note or "").strip():
        # S8.2, S10.4: the policy decision sets these; a person changes them only saying why.
        raise ValidationError(
            _("“%(fact)s” follows from the policy decision; give the reason for changing it.")
            % {"fact": Requirement(fact).label},
            code=CaseErrorCode.OVERRIDE_REASON_REQUIRED, fields={"note": _("required")})
    workflow = case_workflow(case)
    state = workflow.state(case.state)
    roles = actor_roles(actor)
    # The customer records what a step of theirs needs (S5.4: the tracking number).
    customer_fact = CUSTOMER in roles and any(
        t.customer and fact in t.requires for t in workflow.transitions_from(case.state))
    if not (roles & set(state.roles)) and not customer_fact:
        raise PermissionDenied(_("Your role does not act on this case now."),
                               code=WorkflowErrorCode.ROLE_NOT_ALLOWED)
    extra = dict(data or {})
    if override:  # what the decision said stays beside the person's answer
        before = (case.facts or {}).get(fact)
        before = before if isinstance(before, dict) else {}
        decided = (before.get("value") if before.get("source") == "decision"
                   else before.get("decided"))
        extra.update(override=True, decided=decided)
        note = note.strip()
    case.facts = {**(case.facts or {}), fact: {
        "value": bool(value), "by": getattr(staff(actor), "pk", None),
        "by_label": actor_label(actor), "at": now().isoformat(), "note": note, **extra}}
    save_case(case, ["facts"], actor)
    events.event_fact_recorded(case=case, actor=staff(actor), data={
        "fact": fact, "value": bool(value), "note": note, **extra})
    return case


@transaction.atomic
def case_reevaluate(*, case: Case | int, actor, conditions: dict[int, dict] | None = None,
                    damage_cause: str | None = None, evidence: list[str] | None = None,
                    record: str = "") -> tuple[Case, dict | None]:
    """Evaluate the policy again with what an inspection found (issue 11 item 3, S5.5): the
    inspected condition of case lines (``conditions``: CaseLine pk → the keys found, e.g.
    ``{"unused": False}``), the damage cause found (misuse, liquid, …), evidence now held
    (``inspection_report``). The new decision is stored; an agreed option follows the new
    decision's option of the same resolution (its refund may now differ). Returns the case and
    the decision it had before. The record's service (quality.Inspection) checks its actor's
    role; here only the case's scope."""
    case = lock_case(case)
    require_scope(case, actor)
    if case.is_closed:
        raise Conflict(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    if case.kind not in EVALUABLE or case.order_id is None:
        raise ValidationError(_("Only returns, exchanges, repairs and refunds have options."),
                              code=CaseErrorCode.NOT_EVALUABLE, fields={"kind": _("no options")})
    if damage_cause and damage_cause not in DAMAGE_CAUSES:
        raise ValidationError(_("Unknown damage cause."),
                              fields={"damage_cause": _("unknown")})
    before = case.decision
    lines = {ln.pk: ln for ln in case.lines.all()}
    for pk, found in (conditions or {}).items():
        line = lines.get(pk)
        if line is None:
            raise ValidationError(_("That line is not on the case."), fields={"line": _("unknown")})
        line.condition = {**(line.condition or {}),
                          **{k: bool(v) for k, v in found.items() if k in CONDITION_KEYS}}
        line.save(update_fields=["condition"])
    fields = []
    if damage_cause is not None:
        case.damage_cause = damage_cause
        fields.append("damage_cause")
    new_evidence = [e for e in evidence or [] if e in EVIDENCE and e not in (case.evidence or [])]
    if new_evidence:
        case.evidence = [*(case.evidence or []), *new_evidence]
        fields.append("evidence")
    decide_again(case, actor=actor, fields=fields, data={"record": record})
    return case, before


def decide_again(case: Case, *, actor, fields: list[str], data: dict) -> dict:
    """Inside a service that holds the case's lock and changed what the policy decides from:
    evaluate again, store the decision and the facts it states (decision_facts_apply), let an
    agreed option follow the new decision's option of the same resolution, save ``fields``
    with those, and write one "evaluated" event carrying ``data``. Returns the decision."""
    decision = policy_evaluate(data=case_policy_request(case), actor=staff(actor),
                               channel=EvaluationChannel.CASE)
    case.decision, case.decided_at = decision, now()
    fields = [*fields, *(f for f in ("decision", "decided_at") if f not in fields)]
    if decision_facts_apply(case, decision) and "facts" not in fields:
        fields.append("facts")
    agreed = case.agreed_option
    if agreed:
        same = [(i, o) for i, o in enumerate(decision.get("options") or [])
                if o.get("resolution") == agreed.get("resolution")]
        if same:
            case.agreed_option = {**same[0][1], "index": same[0][0]}
            fields.append("agreed_option")
    save_case(case, fields, actor)
    events.event_evaluated(case=case, actor=staff(actor), data={
        **decision_event_data(decision), **data, "reevaluated": True})
    return decision
