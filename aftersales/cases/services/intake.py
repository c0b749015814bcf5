"""Intake from any channel (S1.1), verification (S1.2), problem confirmation (S1.3); files are
in services/attachments.py. One transaction and one timeline event per action.

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

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases import events
from aftersales.cases.access import new_portal_salt
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import (
    Case,
    CaseChannel,
    CaseEvent,
    CaseKind,
    CaseLine,
    CaseNumberSequence,
    Priority,
    StateCategory,
)
from aftersales.cases.services.agreement import (
    EVALUABLE,
    decision_event_data,
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
from aftersales.cases.services.permissions import require_works_on
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import ErrorCode, ValidationError
from aftersales.core.validators import (
    EMAIL_MESSAGE,
    NUL_MESSAGE,
    PHONE_MESSAGE,
    holds_nul,
    is_email,
    is_phone,
)
from aftersales.notify.models import Message
from aftersales.policy import documents
from aftersales.policy.engine.request import REASONS
from aftersales.policy.models import EvaluationChannel
from aftersales.policy.order_data import OrderData, OrderLineData, order_data_get
from aftersales.policy.services.evaluation import evaluation_log_build
from aftersales.sales.selectors import phone_digits, phone_matches
from aftersales.workflow.definitions import workflow_for

if TYPE_CHECKING:
    from aftersales.parties.models import Customer
    from aftersales.policy.models import PolicyVersion
    from aftersales.sales.models import Order

# Kinds that are about goods coming back: they name the lines (S1.1).
NEEDS_LINES = {CaseKind.RETURN, CaseKind.EXCHANGE}


# ----------------------------------------------------------------------------- the input
@dataclass(frozen=True, kw_only=True)
class IntakeLine:
    """One order line claimed: by id (order_line) or by line number, and how many units.
    quantity is None when what was given is not a whole number."""

    order_line: int | None = None
    line_no: int | None = None
    quantity: int | None = None
    serial: str = ""
    condition: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class IntakeRequest:
    """Everything a case is opened from, as the channel gave it."""

    kind: str
    channel: str
    order: Order | None = None
    order_data: OrderData | None = None  # the order as plain data; read when not given
    customer: Customer | None = None  # the order's when there is an order
    business_line: str | None = None  # the order's when there is an order
    lines: tuple[IntakeLine, ...] = ()
    verify_phone: str | None = None  # verifies the order in the same step (S1.2)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    reason: str = ""  # a POLICY-API reason code
    symptom: str = ""
    defect_category: str = ""
    description: str = ""
    quantity_affected: int | None = None
    priority: str = Priority.NORMAL
    key_account: bool | None = None
    evidence: tuple[str, ...] = ()
    exchange_for: tuple[dict[str, Any], ...] = ()
    idempotency_key: str | None = None
    evaluate: bool = False

    @property
    def body_hash(self) -> str:
        """SHA-256 of what was asked (not of the key): a retry with the same key must ask the
        same thing."""
        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("idempotency_key", "order_data")}
        data["lines"] = [asdict(line) for line in self.lines]
        data["order"] = self.order.number if self.order is not None else None
        data["customer"] = self.customer.pk if self.customer is not None else None
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def intake_lines(raw: list[dict[str, Any]] | None) -> tuple[IntakeLine, ...]:
    """IntakeLines from [{"order_line" (an OrderLine or its id) | "line_no", "quantity",
    "serial", "condition", "reason"}], values as a form or a JSON body gives them."""
    out = []
    for item in raw or ():
        ref = item.get("order_line")
        out.append(IntakeLine(
            order_line=getattr(ref, "pk", ref), line_no=_whole(item.get("line_no")),
            quantity=_whole(item.get("quantity")),
            serial=str(item.get("serial") or "").strip(),
            condition=item.get("condition") or {}, reason=str(item.get("reason") or "")))
    return tuple(out)


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    return int(text) if text.lstrip("-").isdigit() else None


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
class _Problems:
    """Problems found so far, raised together as one ValidationError naming each field."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.messages: list[str] = []
        self.code: ErrorCode | None = None

    def add(self, name: str, message: str, *, code: ErrorCode | None = None) -> None:
        if name not in self.fields:
            self.fields[name] = message
            self.messages.append(message)
            self.code = self.code or code

    def raise_any(self) -> None:
        if not self.fields:
            return
        message = self.messages[0]
        if len(self.messages) > 1:
            message = _("%(first)s (and %(more)d more problems)") % {
                "first": message, "more": len(self.messages) - 1}
        raise ValidationError(message, code=self.code, fields=self.fields)


@dataclass(frozen=True)
class _Valid:
    """What validation found: the order's side of the request, and each claimed line."""

    business_line: str
    customer: Customer | None
    order_data: OrderData | None
    claims: list[tuple[OrderLineData, IntakeLine]]  # each order line and what is claimed of it
    version: PolicyVersion  # the version the case is opened under, and its merged document
    document: dict


def _validate(request: IntakeRequest) -> _Valid:
    """Every rule of intake that needs no write; raises ValidationError naming the fields."""
    _check_fields(request)
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
    claims = _claims(data, request.lines)  # how many are claimable: in step 4
    if (request.verify_phone is not None and order is not None
            and not phone_matches(order, request.verify_phone)):
        raise ValidationError(_("The phone number does not match the order."),
                              code=CaseErrorCode.VERIFICATION_FAILED,
                              fields={"phone": _("does not match")})
    version, document = resolve_policy(business_line=business_line,
                                       at_date=order_placed_date(order))
    return _Valid(business_line=business_line, customer=customer, order_data=data, claims=claims,
                  version=version, document=document)


# Text fields of the request stored in the Case field of the same name, and of a line in
# CaseLine's: the limit is the model's max_length.
_CASE_TEXT = ("contact_name", "contact_phone", "contact_email", "reason", "symptom",
              "defect_category")
_LINE_TEXT = ("serial", "reason")


def _too_long(problems: _Problems, name: str, value: str, model_field) -> None:
    limit = model_field.max_length
    if limit is not None and len(value) > limit:
        problems.add(name, _("%(field)s: at most %(max)d characters (%(n)d given).") % {
            "field": model_field.verbose_name, "max": limit, "n": len(value)})


def _check_fields(request: IntakeRequest) -> None:
    """Each field on its own: no NUL anywhere, known codes, lengths as the model declares,
    a real phone number and e-mail address."""
    problems = _Problems()
    texts: dict[str, Any] = {
        name: getattr(request, name) for name in (
            *_CASE_TEXT, "description", "verify_phone", "idempotency_key", "kind", "channel",
            "priority", "business_line", "evidence", "exchange_for")}
    for i, line in enumerate(request.lines):
        texts.update({f"lines[{i}].serial": line.serial, f"lines[{i}].reason": line.reason,
                      f"lines[{i}].condition": line.condition})
    for name, value in texts.items():
        if holds_nul(value):
            problems.add(name, NUL_MESSAGE)
    problems.raise_any()  # nothing more is worth saying about text with a NUL in it

    for name, value, known in (("kind", request.kind, CaseKind.values),
                               ("channel", request.channel, CaseChannel.values),
                               ("priority", request.priority, Priority.values),
                               ("reason", request.reason or "", ("", *REASONS))):
        if value not in known:
            problems.add(name, _("Unknown %(field)s “%(value)s”; one of: %(known)s.") % {
                "field": Case._meta.get_field(name).verbose_name, "value": str(value)[:40],
                "known": ", ".join(k for k in known if k)})
    for name in _CASE_TEXT:
        _too_long(problems, name, getattr(request, name) or "", Case._meta.get_field(name))
    if request.idempotency_key:
        _too_long(problems, "idempotency_key", request.idempotency_key,
                  Case._meta.get_field("idempotency_key"))
    if request.contact_phone and not is_phone(request.contact_phone):
        problems.add("contact_phone", str(PHONE_MESSAGE))
    if request.verify_phone and not is_phone(request.verify_phone):
        problems.add("phone", str(PHONE_MESSAGE))
    if request.contact_email and not is_email(request.contact_email):
        problems.add("contact_email", str(EMAIL_MESSAGE))
    if request.quantity_affected is not None and (
            isinstance(request.quantity_affected, bool) or not isinstance(
                request.quantity_affected, int) or request.quantity_affected < 1):
        problems.add("quantity_affected", _("Quantity affected must be at least 1."))
    for i, line in enumerate(request.lines):
        for name in _LINE_TEXT:
            _too_long(problems, f"lines[{i}].{name}", getattr(line, name),
                      CaseLine._meta.get_field(name))
        if not isinstance(line.condition, dict):
            problems.add(f"lines[{i}].condition", _("The condition is a set of named checks."))
    problems.raise_any()


def _claims(order: OrderData | None, lines: tuple[IntakeLine, ...]
            ) -> list[tuple[OrderLineData, IntakeLine]]:
    """Each claimed line with its order line; every line must be on the order."""
    if not lines:
        return []
    if order is None:
        raise ValidationError(_("Lines need an order."), fields={"lines": _("no order given")})
    by_id = {ol.pk: ol for ol in order.lines}
    by_no = {ol.line_no: ol for ol in by_id.values()}
    problems = _Problems()
    claims = []
    for i, line in enumerate(lines):
        ol = by_id.get(line.order_line) if line.order_line is not None else by_no.get(
            line.line_no)
        if ol is None:
            problems.add(f"lines[{i}]", _("Line %(n)d is not on order %(order)s.")
                         % {"n": i + 1, "order": order.number})
        else:
            claims.append((ol, line))
    problems.raise_any()
    return claims


def _claimed_elsewhere(claims: list[tuple[OrderLineData, IntakeLine]], *, exclude_case=None
                       ) -> tuple[dict[int, int], set[str]]:
    """What other open cases claim: units per order line (of these), and which of these
    serials. One query."""
    line_ids = {ol.pk for ol, _line in claims}
    serials = {line.serial for _ol, line in claims if line.serial}
    where = Q(order_line_id__in=line_ids)
    if serials:
        where |= Q(serial__in=serials)
    rows = CaseLine.objects.filter(where).exclude(case__state_category=StateCategory.CLOSED)
    if exclude_case is not None:
        rows = rows.exclude(case_id=exclude_case.pk)
    units: dict[int, int] = defaultdict(int)
    taken: set[str] = set()
    for order_line_id, quantity, serial in rows.values_list("order_line_id", "quantity",
                                                            "serial"):
        if order_line_id in line_ids:
            units[order_line_id] += quantity
        if serial in serials:
            taken.add(serial)
    return units, taken


def _check_claimable(claims: list[tuple[OrderLineData, IntakeLine]], *, exclude_case=None
                     ) -> None:
    """Each quantity is 1 … what is still claimable on its order line: bought, minus the units
    other open cases claim, minus what earlier lines of this request claim. A serial is
    claimed once: not twice here, not by another open case."""
    elsewhere, taken = _claimed_elsewhere(claims, exclude_case=exclude_case)
    problems = _Problems()
    here: dict[int, int] = defaultdict(int)
    serials_here: set[str] = set()
    for i, (ol, line) in enumerate(claims):
        claimable = ol.quantity - elsewhere[ol.pk] - here[ol.pk]
        if line.quantity is None or line.quantity < 1:
            problems.add(f"lines[{i}].quantity",
                         _("Quantity for %(name)s must be a whole number from 1 to %(n)d.")
                         % {"name": ol.name, "n": max(claimable, 1)})
        elif line.quantity > claimable:
            problems.add(
                f"lines[{i}].quantity",
                _("Only %(n)d of %(name)s can still be claimed: %(bought)d bought, "
                  "%(open)d on other open cases.")
                % {"n": max(claimable, 0), "name": ol.name, "bought": ol.quantity,
                   "open": elsewhere[ol.pk]},
                code=CaseErrorCode.QUANTITY_NOT_CLAIMABLE)
        else:
            here[ol.pk] += line.quantity
        if line.serial and (line.serial in taken or line.serial in serials_here):
            problems.add(f"lines[{i}].serial",
                         _("Serial number %(serial)s is already claimed by another open case.")
                         % {"serial": line.serial}, code=CaseErrorCode.SERIAL_CLAIMED)
        serials_here.add(line.serial)
    problems.raise_any()


# ----------------------------------------------------------------------------- 2. build
def _build(request: IntakeRequest, valid: _Valid, *, actor) -> tuple[Case, list[CaseLine]]:
    """The unsaved case in its workflow's first state, and its unsaved lines."""
    order, customer, kind = request.order, valid.customer, request.kind
    at = now()
    workflow = workflow_for(valid.document, business_line=valid.business_line, case_kind=kind)
    case_lines = [CaseLine(order_line_id=ol.pk, quantity=line.quantity, serial=line.serial,
                           condition=line.condition, reason=line.reason)
                  for ol, line in valid.claims]
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
        evidence=list(request.evidence), exchange_for=list(request.exchange_for),
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
                                 policy_version=version.number)
    applied, decision = decide(request, version_override=(version, doc))
    case.decision, case.decided_at = documents.jsonable(decision), at
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
            _check_claimable(valid.claims)
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
    problems = _Problems()
    for name, value in (("symptom", symptom), ("description", description or ""),
                        ("defect_category", defect_category or "")):
        if holds_nul(value):
            problems.add(name, NUL_MESSAGE)
        _too_long(problems, name, value, Case._meta.get_field(name))
    if quantity_affected is not None and quantity_affected < 1:
        problems.add("quantity_affected", _("Quantity affected must be at least 1."))
    problems.raise_any()
    if lines is not None:
        given = intake_lines(lines)
        _check_fields(IntakeRequest(kind=case.kind, channel=case.channel, lines=given,
                                    priority=case.priority))
        claims = _claims(order_data_get(pk=case.order_id) if case.order_id else None, given)
        if claims:  # this case's own lines are replaced, so they don't count against it
            _check_claimable(claims, exclude_case=case)
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
