"""What an intake is given and the checks that need no case yet (S1.1, S1.2): the input
dataclasses, field checks against what the models declare, and the claims on order lines —
how many units are still claimable (bought minus what other open cases claim) and serials
on another open case. services/intake.py runs them in its validate and persist steps;
problem confirmation reuses the claim checks."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case, CaseChannel, CaseKind, CaseLine, Priority, StateCategory
from aftersales.core.errors import ErrorCode, ValidationError
from aftersales.core.validators import (
    EMAIL_MESSAGE,
    NUL_MESSAGE,
    PHONE_MESSAGE,
    holds_nul,
    is_email,
    is_phone,
)
from aftersales.policy.engine.request import REASONS
from aftersales.policy.order_data import OrderData, OrderLineData

if TYPE_CHECKING:
    from aftersales.parties.models import Customer
    from aftersales.sales.models import Order

# Text fields of the request stored in the Case field of the same name, and of a line in
# CaseLine's: the limit is the model's max_length.
_CASE_TEXT = ("contact_name", "contact_phone", "contact_email", "reason", "symptom",
              "defect_category")
_LINE_TEXT = ("serial", "reason")


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
            order_line=getattr(ref, "pk", ref), line_no=whole_number(item.get("line_no")),
            quantity=whole_number(item.get("quantity")),
            serial=str(item.get("serial") or "").strip(),
            condition=item.get("condition") or {}, reason=str(item.get("reason") or "")))
    return tuple(out)

def whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    return int(text) if text.lstrip("-").isdigit() else None

class Problems:
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

def too_long(problems: Problems, name: str, value: str, model_field) -> None:
    limit = model_field.max_length
    if limit is not None and len(value) > limit:
        problems.add(name, _("%(field)s: at most %(max)d characters (%(n)d given).") % {
            "field": model_field.verbose_name, "max": limit, "n": len(value)})

def check_fields(request: IntakeRequest) -> None:
    """Each field on its own: no NUL anywhere, known codes, lengths as the model declares,
    a real phone number and e-mail address."""
    problems = Problems()
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
        too_long(problems, name, getattr(request, name) or "", Case._meta.get_field(name))
    if request.idempotency_key:
        too_long(problems, "idempotency_key", request.idempotency_key,
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
            too_long(problems, f"lines[{i}].{name}", getattr(line, name),
                      CaseLine._meta.get_field(name))
        if not isinstance(line.condition, dict):
            problems.add(f"lines[{i}].condition", _("The condition is a set of named checks."))
    problems.raise_any()

def claims_for(order: OrderData | None, lines: tuple[IntakeLine, ...]
            ) -> list[tuple[OrderLineData, IntakeLine]]:
    """Each claimed line with its order line; every line must be on the order."""
    if not lines:
        return []
    if order is None:
        raise ValidationError(_("Lines need an order."), fields={"lines": _("no order given")})
    by_id = {ol.pk: ol for ol in order.lines}
    by_no = {ol.line_no: ol for ol in by_id.values()}
    problems = Problems()
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

def claimed_elsewhere(claims: list[tuple[OrderLineData, IntakeLine]], *, exclude_case=None
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

def check_claimable(claims: list[tuple[OrderLineData, IntakeLine]], *, exclude_case=None
                     ) -> None:
    """Each quantity is 1 … what is still claimable on its order line: bought, minus the units
    other open cases claim, minus what earlier lines of this request claim. A serial is
    claimed once: not twice here, not by another open case."""
    elsewhere, taken = claimed_elsewhere(claims, exclude_case=exclude_case)
    problems = Problems()
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
