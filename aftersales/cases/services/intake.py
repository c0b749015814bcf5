"""Intake from any channel (S1.1), verification (S1.2), problem confirmation (S1.3); files are
in services/attachments.py, the input and its claim checks in services/intake_input.py. One
transaction and one timeline event per action.

Opening a case reads as four steps over one IntakeRequest:

1. validate — every field against what the model declares (lengths, known codes, a phone and
   an e-mail that are one, no NUL), the order rules (S1.2), and the lines: each names a line of
   the order (read as plain data, policy.order_data). Nothing is written.
2. build — the unsaved case and its lines, in the workflow's first state (the SLA clock).
3. evaluate — with evaluate=True, the policy decision for a verified order (S1.4).
4. persist — one transaction: the case number (its row stays locked until commit, so intakes
   queue there one at a time), then the claims: each line asks for no more than is still
   claimable (bought minus what other open cases claim) and a serial on another open case is
   refused — read once, under that lock, so two intakes racing for the same unit cannot both
   win; then the case and every row it brings.

A refused claim rolls the transaction back with its number, so a refused intake burns none.
A retry with the same idempotency key fails on the way (the key is unique) and is answered
with the first case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases import events
from aftersales.cases.access import new_portal_salt
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.history import unit_history
from aftersales.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseLine,
    CaseNumberSequence,
    Priority,
)
from aftersales.cases.services.agreement import (
    EVALUABLE,
    decision_event_data,
    decision_facts_apply,
    policy_request_for,
)
from aftersales.cases.services.common import (
    actor_label,
    actor_roles,
    customer_messages,
    enter_state,
    lock_case,
    now,
    order_placed_date,
    policy_name_for,
    resolve_policy,
    save_case,
    staff,
)
from aftersales.cases.services.facts_input import (
    clean_condition,
    clean_evidence,
    clean_exchange_for,
)
from aftersales.cases.services.intake_input import (
    IntakeLine,
    IntakeRequest,
    Problems,
    check_claimable,
    check_fields,
    claims_for,
    intake_lines,
    too_long,
)
from aftersales.cases.services.permissions import require_works_on
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import ValidationError
from aftersales.core.validators import (
    NUL_MESSAGE,
    holds_nul,
)
from aftersales.notify.models import Message
from aftersales.policy import documents
from aftersales.policy.models import EvaluationChannel
from aftersales.policy.order_data import OrderData, OrderLineData, order_data_get
from aftersales.policy.services.evaluation import evaluation_log_build
from aftersales.sales.selectors import phone_digits, phone_matches
from aftersales.workflow.definitions import workflow_for

if TYPE_CHECKING:
    from aftersales.parties.models import Customer
    from aftersales.policy.models import PolicyVersion

# Kinds that are about goods coming back: they name the lines (S1.1).
NEEDS_LINES = {CaseKind.RETURN, CaseKind.EXCHANGE}


# ----------------------------------------------------------------------------- the input


# ----------------------------------------------------------------------------- the entry
def case_open(*, kind: str, channel: str, actor=None, order=None, customer=None,
              business_line: str | None = None, lines: list[dict] | None = None,
              verify_phone: str | None = None, contact_name: str = "", contact_phone: str = "",
              contact_email: str = "", reason: str = "", symptom: str = "",
              defect_category: str = "", description: str = "",
              quantity_affected: int | None = None, priority: str = Priority.NORMAL,
              key_account: bool | None = None, evidence: list[str] | None = None,
              exchange_for: list[dict] | None = None, idempotency_key: str | None = None,
              evaluate: bool = False, order_data: OrderData | None = None) -> Case:
    """Open a case (S1.1) from any channel. Only an enquiry may come without an order (S1.2).

    With verify_phone the order is verified in the same step (the portal; an agent who has the
    caller's phone). The same idempotency_key with the same request returns the case it
    created the first time (``case.created`` tells which); with a different request it is
    refused (idempotency_key_reused).

    With evaluate=True a verified return, exchange, repair or refund is evaluated by the policy
    engine in the same transaction (S1.4, as case_evaluate does: the decision on the case, one
    evaluation log row, an "evaluated" event). order_data (policy.order_data.order_data_get)
    is the order as plain data, when the caller has it; otherwise intake reads it.

    The order is taken as given: callers look it up through the user's scope
    (sales.selectors.orders_visible_to), the portal by the buyer's phone.
    """
    request = IntakeRequest(
        kind=kind, channel=channel, order=order, order_data=order_data, customer=customer,
        business_line=business_line,
        lines=intake_lines(lines), verify_phone=verify_phone, contact_name=contact_name,
        contact_phone=contact_phone, contact_email=contact_email, reason=reason,
        symptom=symptom, defect_category=defect_category, description=description,
        quantity_affected=quantity_affected, priority=priority, key_account=key_account,
        evidence=tuple(evidence or ()), exchange_for=tuple(exchange_for or ()),
        idempotency_key=idempotency_key or None, evaluate=evaluate)
    return case_intake(request=request, actor=actor)


def case_intake(*, request: IntakeRequest, actor=None) -> Case:
    """case_open with its input in one IntakeRequest: validate → build → evaluate → persist.

    An idempotency key is not looked up first: the case's key is unique, so a retry fails
    (the key taken: IntegrityError; its units taken: ValidationError; or a different request
    found invalid) and is answered then with the first case — or refused as a reused key.
    A new key, the usual case, costs no read."""
    try:
        valid = _validate(request)
        case, case_lines = _build(request, valid, actor=actor)
        evaluated = None
        if request.evaluate and case.verified_at is not None and case.kind in EVALUABLE:
            evaluated = _evaluate_new(case, order=valid.order_data, case_lines=case_lines,
                                      version=valid.version, doc=valid.document)
        _persist(case, case_lines, valid=valid, evaluated=evaluated, actor=actor)
    except (IntegrityError, ValidationError):
        # Ours is rolled back, with its number; a retry (or a concurrent one that won the
        # race) is answered with the case the key opened.
        if request.idempotency_key:
            earlier = _case_for_key(request)
            if earlier is not None:
                return earlier
        raise
    case.created = True
    return case


def _case_for_key(request: IntakeRequest) -> Case | None:
    """The case this idempotency key opened, if any; refused when it came with another
    request. A case stored before request hashes were kept matches any request."""
    found = (Case.objects.filter(idempotency_key=request.idempotency_key)
             .values_list("pk", "idempotency_hash").first())  # usually nothing: a narrow read
    if found is None:
        return None
    pk, body_hash = found
    if body_hash and body_hash != request.body_hash:
        raise ValidationError(
            _("This idempotency key was already used for a different request; send a new key "
              "for a new request."),
            code=CaseErrorCode.IDEMPOTENCY_KEY_REUSED,
            fields={"idempotency_key": _("used for a different request")})
    earlier = Case.objects.get(pk=pk)
    earlier.created = False
    return earlier


# ----------------------------------------------------------------------------- 1. validate


@dataclass(frozen=True)
class _Valid:
    """What validation found: the order's side of the request, and each claimed line."""

    business_line: str
    customer: Customer | None
    order_data: OrderData | None
    claims: list[tuple[OrderLineData, IntakeLine]]  # each order line and what is claimed of it
    version: PolicyVersion  # the version the case is opened under, and its merged document
    document: dict
    conditions: tuple[dict, ...] = ()  # each claimed line's condition, checked
    evidence: tuple[str, ...] = ()  # checked against the vocabulary
    exchange_for: tuple[dict, ...] = ()  # catalogue goods with the catalogue's price and points


def _validate(request: IntakeRequest) -> _Valid:
    """Every rule of intake that needs no write; raises ValidationError naming the fields."""
    check_fields(request)
    problems = Problems()  # the facts the policy decides from (services/facts_input.py)
    conditions = tuple(clean_condition(problems, f"lines[{i}].condition", line.condition)
                       for i, line in enumerate(request.lines))
    evidence = tuple(clean_evidence(problems, list(request.evidence)))
    if request.exchange_for and request.kind != CaseKind.EXCHANGE:
        problems.add("exchange_for", _("Goods in exchange are asked for in an exchange only."))
    exchange_for = tuple(clean_exchange_for(problems, list(request.exchange_for)))
    problems.raise_any()
    order, customer = request.order, request.customer
    if order is None and request.kind != CaseKind.CONSULT:
        raise ValidationError(
            _("Only an enquiry can be opened without an order; give the order number (S1.2)."),
            code=CaseErrorCode.ORDER_REQUIRED,
            fields={"order": _("required for this kind of case")})
    business_line = request.business_line
    if order is not None:
        business_line, customer = order.business_line, customer or order.customer
        if customer.pk != order.customer_id:
            raise ValidationError(_("The order belongs to another customer."),
                                  fields={"order": _("not this customer's order")})
    if business_line not in BusinessLine.values:
        raise ValidationError(_("Which business line?"),
                              fields={"business_line": _("required")})
    if request.kind in NEEDS_LINES and not request.lines:
        raise ValidationError(_("Name at least one item of the order for a return or an "
                                "exchange."), code=CaseErrorCode.LINES_REQUIRED,
                              fields={"lines": _("at least one line")})
    data = None
    if order is not None:
        data = request.order_data or order_data_get(pk=order.pk)
    claims = claims_for(data, request.lines)  # how many are claimable: in step 4
    if (request.verify_phone is not None and order is not None
            and not phone_matches(order, request.verify_phone)):
        raise ValidationError(_("The phone number does not match the order."),
                              code=CaseErrorCode.VERIFICATION_FAILED,
                              fields={"phone": _("does not match")})
    version, document = resolve_policy(business_line=business_line,
                                       at_date=order_placed_date(order))
    return _Valid(business_line=business_line, customer=customer, order_data=data, claims=claims,
                  version=version, document=document, conditions=conditions, evidence=evidence,
                  exchange_for=exchange_for)


# ----------------------------------------------------------------------------- 2. build
def _build(request: IntakeRequest, valid: _Valid, *, actor) -> tuple[Case, list[CaseLine]]:
    """The unsaved case in its workflow's first state, and its unsaved lines."""
    order, customer, kind = request.order, valid.customer, request.kind
    at = now()
    workflow = workflow_for(valid.document, business_line=valid.business_line, case_kind=kind)
    case_lines = [CaseLine(order_line_id=ol.pk, quantity=line.quantity, serial=line.serial,
                           condition=condition, reason=line.reason)
                  for (ol, line), condition in zip(valid.claims, valid.conditions, strict=True)]
    who = staff(actor)
    case = Case(
        number="", kind=kind, channel=request.channel, business_line=valid.business_line,
        customer=customer, order=order,
        contact_name=request.contact_name or (customer.name if customer else ""),
        contact_phone=(request.contact_phone or request.verify_phone
                       or (customer.phone if customer else "")),
        contact_email=request.contact_email or (customer.email if customer else ""),
        dealer_id=order.dealer_id if order is not None else None,
        # S2.6: the outsourced factory that made the goods answers for them (and sees the case).
        factory_id=next((ol.factory_id for ol, _line in valid.claims if ol.factory_id), None),
        reason=request.reason, symptom=request.symptom,
        defect_category=request.defect_category, description=request.description,
        quantity_affected=request.quantity_affected, priority=request.priority,
        key_account=(customer.key_account if request.key_account is None and customer
                     else bool(request.key_account)),
        evidence=list(valid.evidence), exchange_for=list(valid.exchange_for),
        workflow_key=workflow.key, policy_version=valid.version, state="", state_entered_at=at,
        portal_salt=new_portal_salt(), idempotency_key=request.idempotency_key,
        idempotency_hash=request.body_hash if request.idempotency_key else "",
        created_by=who, updated_by=who, updated_by_label="" if who else actor_label(actor),
    )
    if request.verify_phone is not None and order is not None:
        case.verified_at, case.verified_by = at, who
    enter_state(case, workflow, workflow.initial, at=at, previous=None)
    if who is not None and actor_roles(actor) & set(workflow.state(workflow.initial).roles):
        case.assignee, case.assigned_at = actor, at
    return case, case_lines


# ----------------------------------------------------------------------------- 3. evaluate
def _evaluate_new(case: Case, *, order: OrderData, case_lines: list[CaseLine], version, doc):
    """The policy decision for a case being opened (S1.4), from what intake holds in hand:
    the version the case is opened under and its merged document (no second resolve), the
    order, the unsaved lines. Sets case.decision; returns (version, request) for the
    evaluation log."""
    from aftersales.policy.services.evaluation import decide

    at = case.state_entered_at
    case.created_at = at  # asked_at; the insert stamps its own creation time
    request = policy_request_for(case, order=order, case_lines=case_lines,
                                 policy=policy_name_for(case.business_line),
                                 policy_version=version.number,
                                 history=unit_history(case=case, case_lines=case_lines))
    applied, decision = decide(request, version_override=(version, doc))
    case.decision, case.decided_at = documents.jsonable(decision), at
    decision_facts_apply(case, case.decision, at=at)  # S8.2, S10.4 from the decision
    return applied, request


# ----------------------------------------------------------------------------- 4. persist
def _persist(case: Case, case_lines: list[CaseLine], *, valid: _Valid, evaluated, actor
             ) -> None:
    """One transaction: the number (its year's row stays locked until commit, so intakes
    queue here one at a time), the claims checked under that lock (what other open cases
    claim is read once, here, where no other intake can change it), then the case, its
    lines, its first events, the evaluation log and the customer's message. Everything is
    built before, so the lock is held for these statements alone; a failure — a claim
    refused — rolls the number back with the rest."""
    with transaction.atomic():
        case.number = case_number_next(case.state_entered_at)
        if valid.claims:
            check_claimable(valid.claims)
        case.save(force_insert=True)
        for line in case_lines:
            line.case = case
        CaseLine.objects.bulk_create(case_lines)
        CaseEvent.objects.bulk_create(_first_events(case, case_lines, evaluated, actor=actor))
        if evaluated is not None:
            log_version, request = evaluated
            evaluation_log_build(data=request, decision=case.decision, version=log_version,
                                 actor=staff(actor), channel=EvaluationChannel.CASE
                                 ).save(force_insert=True)
        Message.objects.bulk_create(customer_messages(
            case, topic="case_opened", subject=_("We have received your request"),
            body=_opened_text(case)))


def _opened_text(case: Case) -> str:
    """The customer's confirmation; the reply date only when the case's first step has one."""
    if case.due_at is None:
        return _("Your after-sales case %(number)s is open. We will reply soon.") % {
            "number": case.number}
    return _("Your after-sales case %(number)s is open. We will reply by %(due)s.") % {
        "number": case.number, "due": _local(case.due_at)}


def _first_events(case: Case, case_lines: list[CaseLine], evaluated, *, actor
                  ) -> list[CaseEvent]:
    order = case.order
    timeline = [events.event_opened(
        case=case, actor=staff(actor), actor_label=actor_label(actor), save=False, data={
            "kind": case.kind, "channel": case.channel,
            "order": order.number if order else None,
            "lines": [{"order_line": cl.order_line_id, "quantity": cl.quantity}
                      for cl in case_lines],
            "verified": case.verified_at is not None, "due_at": _iso(case.due_at),
            "policy_version": case.policy_version_id,
        })]
    if evaluated is not None:
        timeline.append(events.event_evaluated(
            case=case, actor=staff(actor), data=decision_event_data(case.decision),
            save=False))
    return timeline


def case_number_next(at=None) -> str:
    """The next AS-<year>-<nnnnnn>. Inside a transaction the year's row stays locked until
    commit (the UPDATE takes the row lock), which keeps numbers unique under concurrent
    intake; a rolled-back transaction gives its number back."""
    year = timezone.localtime(at or now(), SHANGHAI).year
    last = _sequence_bump(year)
    if last is None:
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(year=year, last=1)
            last = 1
        except IntegrityError:  # another intake created the row first
            last = _sequence_bump(year)
    return f"AS-{year}-{last:06d}"


def _sequence_bump(year: int) -> int | None:
    """Increment the year's counter; its new value, or None when the year has no row yet.
    One statement: save() with an expression reads the new value back (UPDATE … RETURNING).
    A save that finds no row (once a year) raises NotUpdated after an UPDATE that simply
    matched nothing: the database transaction is unharmed, so instead of a savepoint around
    every bump (two more round trips per intake) the rollback mark save() set is lifted."""
    sequence = CaseNumberSequence(year=year, last=F("last") + 1)
    try:
        sequence.save(update_fields=["last"])
    except CaseNumberSequence.NotUpdated:
        if not transaction.get_autocommit():
            transaction.set_rollback(False)
        return None
    return sequence.last


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _local(value) -> str:
    return timezone.localtime(value, SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "-"


@transaction.atomic
def case_verify(*, case: Case, actor, order, phone: str,
                expected_version: int | None = None) -> Case:
    """Verify the order and the caller (S1.2): the order's buyer/receiver phone must match."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise ValidationError(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_works_on(case, actor)
    if order is None or not phone_matches(order, phone):
        # An unknown order and someone else's order get the same answer.
        raise ValidationError(_("No order with this number matches this phone number."),
                              code=CaseErrorCode.VERIFICATION_FAILED,
                              fields={"order": _("not found for this phone")})
    if case.order_id and case.order_id != order.pk:
        raise ValidationError(_("This case is about another order."),
                              fields={"order": _("another order")})
    at = now()
    case.order, case.customer = order, order.customer
    case.dealer = case.dealer or order.dealer
    case.verified_at, case.verified_by = at, staff(actor)
    save_case(case, ["order", "customer", "dealer", "verified_at", "verified_by"], actor)
    events.event_verified(case=case, actor=staff(actor),
                          data={"order": order.number, "phone_last4": phone_digits(phone)[-4:]})
    return case


@transaction.atomic
def case_confirm_problem(*, case: Case, actor, symptom: str, description: str = "",
                         defect_category: str = "", quantity_affected: int | None = None,
                         lines: list[dict] | None = None,
                         expected_version: int | None = None) -> Case:
    """Record the structured problem (S1.3); replaces the case lines when lines are given."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise ValidationError(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_works_on(case, actor)
    if not (symptom or "").strip():
        raise ValidationError(_("Describe the symptom."), fields={"symptom": _("required")})
    problems = Problems()
    for name, value in (("symptom", symptom), ("description", description or ""),
                        ("defect_category", defect_category or "")):
        if holds_nul(value):
            problems.add(name, NUL_MESSAGE)
        too_long(problems, name, value, Case._meta.get_field(name))
    if quantity_affected is not None and quantity_affected < 1:
        problems.add("quantity_affected", _("Quantity affected must be at least 1."))
    problems.raise_any()
    if lines is not None:
        given = intake_lines(lines)
        check_fields(IntakeRequest(kind=case.kind, channel=case.channel, lines=given,
                                    priority=case.priority))
        for i, line in enumerate(given):
            clean_condition(problems, f"lines[{i}].condition", line.condition)
        problems.raise_any()
        claims = claims_for(order_data_get(pk=case.order_id) if case.order_id else None, given)
        if claims:  # this case's own lines are replaced, so they don't count against it
            check_claimable(claims, exclude_case=case)
        case.lines.all().delete()
        CaseLine.objects.bulk_create([
            CaseLine(case=case, order_line_id=ol.pk, quantity=line.quantity, serial=line.serial,
                     condition=line.condition, reason=line.reason) for ol, line in claims])
    case.symptom = symptom
    case.description = description or case.description
    case.defect_category = defect_category or case.defect_category
    if quantity_affected is not None:
        case.quantity_affected = quantity_affected
    case.problem_confirmed_at = now()
    save_case(case, ["symptom", "description", "defect_category", "quantity_affected",
                     "problem_confirmed_at"], actor)
    events.event_problem_confirmed(case=case, actor=staff(actor), data={
        "symptom": case.symptom, "defect_category": case.defect_category,
        "quantity_affected": case.quantity_affected})
    return case


__all__ = ["IntakeLine", "IntakeRequest", "case_confirm_problem", "case_intake",
           "case_number_next", "case_open", "case_verify", "intake_lines", "phone_matches"]
