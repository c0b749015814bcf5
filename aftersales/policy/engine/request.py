"""The POLICY-API request: parsed once into immutable dataclasses, every field checked.

parse_request() never guesses: an invalid value is a ValidationError naming the field
(``order.signed_at``, ``items.0.line``); a missing optional value is None ("not known") and the
rule that needs it says so in its reason. Unknown keys are ignored. Times without an offset are
Beijing time (POLICY-API "Request").

Two optional keys beyond the POLICY-API example are read (the contract allows adding keys):
``received_at`` (when the returned goods arrived, for refund_by deadlines, B7-13/S9.5) and
``repair_parts`` ([{"part": "密封圈", "quantity": 2}], priced by a repair_quote rule, S4.1) and
``main_part`` (true when the fault is in a main part, whose 三包 period may be longer, SB/NJ10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ValidationError
from aftersales.core.money import ZERO

from .reader import BEIJING as BEIJING  # periods.py and callers read it from here
from .reader import QUANTITY_MAX, Reader

KINDS = ("return", "exchange", "repair", "refund_only")
REASONS = ("no_reason", "quality", "damaged_in_transit", "wrong_item", "missing_part",
           "not_as_described", "allergy", "other")
CHANNELS = ("online", "offline", "dealer", "b2b")
CUSTOMER_TYPES = ("consumer", "member", "dealer", "business")
METHODS = ("wechat_pay", "alipay", "card", "cash", "bank_transfer", "balance", "coupon", "points")
MONEY_METHODS = frozenset({"wechat_pay", "alipay", "card", "cash", "bank_transfer", "balance"})
DAMAGE_CAUSES = ("misuse", "liquid", "unauthorised_repair", "force_majeure")
EVIDENCE = ("photos", "inspection_report", "medical_certificate", "complaint_record",
            "invoice", "warranty_card", "proof_of_purchase", "injury_report", "video")
CONDITION_KEYS = ("unused", "packaging_intact", "seal_intact", "tags_attached", "activated",
                  "all_parts_present", "data_traces")


@dataclass(frozen=True, slots=True)
class Line:
    index: int
    sku: str
    name: str
    category: str
    tags: frozenset[str]
    unit_price: Decimal
    points: int
    quantity: int
    serial: str | None
    production_date: date | None
    bundle: str | None
    gift: bool
    declared_gift_price: Decimal | None

    @property
    def value(self) -> Decimal:
        return Decimal(0) if self.gift else self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Payment:
    method: str
    amount: Decimal
    points: int | None
    paid_at: datetime | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class Promotion:
    kind: str
    threshold: Decimal | None
    discount: Decimal
    lines: tuple[int, ...] | None
    standard_fee: Decimal


@dataclass(frozen=True, slots=True)
class Order:
    number: str | None
    placed_at: datetime | None
    paid_at: datetime | None
    signed_at: datetime | None
    installed_at: datetime | None
    invoice_date: date | None
    channel: str | None
    customer_type: str | None
    key_account: bool
    payments: tuple[Payment, ...]
    shipping_fee: Decimal
    promotions: tuple[Promotion, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Item:
    line: Line
    quantity: int
    condition: dict[str, bool]  # only the keys the request stated

    @property
    def value(self) -> Decimal:
        return Decimal(0) if self.line.gift else self.line.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Repair:
    fault: str | None
    sent_at: date
    returned_at: date | None
    fixed: bool | None


@dataclass(frozen=True, slots=True)
class ExchangeFor:
    sku: str | None
    name: str | None
    unit_price: Decimal
    points: int
    quantity: int
    bundle: str | None


@dataclass(frozen=True, slots=True)
class RepairPart:
    part: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Request:
    policy: str | None
    policy_version: str | None
    asked_at: datetime
    kind: str
    reason: str | None
    order: Order
    items: tuple[Item, ...]
    repairs: tuple[Repair, ...]
    exchanges: tuple[date, ...]
    warranty_card_returned_at: date | None
    evidence: frozenset[str]
    damage_cause: str | None
    exchange_for: tuple[ExchangeFor, ...]
    repair_parts: tuple[RepairPart, ...]
    received_at: datetime | None
    main_part: bool = False

    @property
    def asked_on(self) -> date:
        return self.asked_at.date()


def _line(r: Reader, i: int, data: Any) -> Line:
    path = f"order.lines.{i}"
    d = r.obj(data, path)
    return Line(
        index=i,
        sku=r.text(d, "sku", path) or "",
        name=r.text(d, "name", path) or "",
        category=r.text(d, "category", path) or "",
        tags=frozenset(r.strings(d.get("tags"), f"{path}.tags")),
        unit_price=r.amount(d, "unit_price", path, required=True, default=ZERO) or ZERO,
        points=r.integer(d, "points", path, default=0) or 0,
        quantity=r.integer(d, "quantity", path, default=1, minimum=1,
                           maximum=QUANTITY_MAX) or 1,
        serial=r.text(d, "serial", path),
        production_date=r.day(d, "production_date", path),
        bundle=r.text(d, "bundle", path),
        gift=bool(r.boolean(d, "gift", path, default=False)),
        declared_gift_price=r.amount(d, "declared_gift_price", path),
    )


def _payment(r: Reader, i: int, data: Any) -> Payment:
    path = f"order.payments.{i}"
    p = r.obj(data, path)
    return Payment(
        method=r.choice(p, "method", path, METHODS, required=True) or "cash",
        amount=r.amount(p, "amount", path, required=True, default=ZERO) or ZERO,
        points=r.integer(p, "points", path),
        paid_at=r.moment(p, "paid_at", path),
        reference=r.text(p, "reference", path) or r.text(p, "coupon", path),
    )


def _covered_lines(r: Reader, path: str, idx: Any, n_lines: int) -> tuple[int, ...] | None:
    """The order lines a promotion covers (None: all of them)."""
    if idx is None:
        return None
    if not isinstance(idx, list) or any(isinstance(x, bool) or not isinstance(x, int)
                                        for x in idx):
        r.fail(f"{path}.lines", _("Must be a list of line indexes."))
        return None
    for x in idx:
        if not 0 <= x < n_lines:
            r.fail(f"{path}.lines", _("Line %(index)s does not exist in the order.")
                   % {"index": x})
    return tuple(x for x in idx if 0 <= x < n_lines)


def _promotion(r: Reader, i: int, data: Any, n_lines: int) -> Promotion:
    path = f"order.promotions.{i}"
    p = r.obj(data, path)
    return Promotion(
        kind=r.text(p, "kind", path, required=True) or "",
        threshold=r.amount(p, "threshold", path),
        discount=r.amount(p, "discount", path, default=ZERO) or ZERO,
        lines=_covered_lines(r, path, p.get("lines"), n_lines),
        standard_fee=r.amount(p, "standard_fee", path, default=ZERO) or ZERO,
    )


def _order(r: Reader, data: Any) -> Order:
    d = r.obj(data, "order")
    if data is None:
        r.fail("order", _("This field is required."))
    customer = r.obj(d.get("customer"), "order.customer")
    raw_lines = r.array(d.get("lines"), "order.lines")
    if not raw_lines and "order" not in r.errors:
        r.fail("order.lines", _("An order needs at least one line."))
    lines = tuple(_line(r, i, x) for i, x in enumerate(raw_lines))
    return Order(
        number=r.text(d, "number", "order"),
        placed_at=r.moment(d, "placed_at", "order"),
        paid_at=r.moment(d, "paid_at", "order"),
        signed_at=r.moment(d, "signed_at", "order"),
        installed_at=r.moment(d, "installed_at", "order"),
        invoice_date=r.day(d, "invoice_date", "order"),
        channel=r.choice(d, "channel", "order", CHANNELS),
        customer_type=r.choice(customer, "type", "order.customer", CUSTOMER_TYPES),
        key_account=bool(r.boolean(customer, "key_account", "order.customer", default=False)),
        payments=tuple(_payment(r, i, p)
                       for i, p in enumerate(r.array(d.get("payments"), "order.payments"))),
        shipping_fee=r.amount(d, "shipping_fee", "order", default=ZERO) or ZERO,
        promotions=tuple(_promotion(r, i, p, len(lines)) for i, p in
                         enumerate(r.array(d.get("promotions"), "order.promotions"))),
        lines=lines,
    )


def _item(r: Reader, i: int, data: Any, order: Order) -> Item | None:
    """One requested line: which order line (its index), how many, its stated condition."""
    path = f"items.{i}"
    it = r.obj(data, path)
    index = it.get("line")
    if index is None:
        r.fail(f"{path}.line", _("This field is required."))
        return None
    if isinstance(index, bool) or not isinstance(index, int):
        r.fail(f"{path}.line", _("Must be a line index (a whole number)."))
        return None
    if not 0 <= index < len(order.lines):
        r.fail(f"{path}.line", _("Line %(index)s does not exist in the order.")
               % {"index": index})
        return None
    line = order.lines[index]
    quantity = r.integer(it, "quantity", path, default=line.quantity, minimum=1,
                         maximum=QUANTITY_MAX)
    if quantity is not None and quantity > line.quantity:
        r.fail(f"{path}.quantity",
               _("Quantity %(asked)s is more than the %(bought)s bought on that line.")
               % {"asked": quantity, "bought": line.quantity})
    cond_path = f"{path}.condition"
    cond = r.obj(it.get("condition"), cond_path)
    condition = {key: value for key in CONDITION_KEYS
                 if (value := r.boolean(cond, key, cond_path)) is not None}
    return Item(line=line, quantity=quantity or 1, condition=condition)


def _items(r: Reader, data: Any, order: Order) -> tuple[Item, ...]:
    raw_items = r.array(data, "items")
    if not raw_items and "items" not in r.errors:
        r.fail("items", _("Name at least one order line the request is about."))
    items = (_item(r, i, it, order) for i, it in enumerate(raw_items))
    return tuple(item for item in items if item is not None)


def _repairs(r: Reader, history: dict[str, Any]) -> tuple[Repair, ...]:
    repairs = []
    for i, rep in enumerate(r.array(history.get("repairs"), "history.repairs")):
        path = f"history.repairs.{i}"
        rep = r.obj(rep, path)
        sent = r.day(rep, "sent_at", path)
        if sent is None:
            r.fail(f"{path}.sent_at", _("This field is required."))
            continue
        returned = r.day(rep, "returned_at", path)
        if returned is not None and returned < sent:
            r.fail(f"{path}.returned_at", _("A repair can't come back before it was sent."))
        repairs.append(Repair(fault=r.text(rep, "fault", path), sent_at=sent,
                              returned_at=returned, fixed=r.boolean(rep, "fixed", path)))
    return tuple(repairs)


def _exchanges(r: Reader, history: dict[str, Any]) -> tuple[date, ...]:
    days = (r.day(r.obj(ex, f"history.exchanges.{i}"), "at", f"history.exchanges.{i}.at")
            for i, ex in enumerate(r.array(history.get("exchanges"), "history.exchanges")))
    return tuple(sorted(d for d in days if d is not None))


def _exchange_for(r: Reader, data: Any) -> tuple[ExchangeFor, ...]:
    out = []
    for i, ex in enumerate(r.array(data, "exchange_for")):
        path = f"exchange_for.{i}"
        ex = r.obj(ex, path)
        out.append(ExchangeFor(
            sku=r.text(ex, "sku", path), name=r.text(ex, "name", path),
            unit_price=r.amount(ex, "unit_price", path, required=True, default=ZERO) or ZERO,
            points=r.integer(ex, "points", path, default=0) or 0,
            quantity=r.integer(ex, "quantity", path, default=1, minimum=1,
                               maximum=QUANTITY_MAX) or 1,
            bundle=r.text(ex, "bundle", path),
        ))
    return tuple(out)


def _repair_parts(r: Reader, data: Any) -> tuple[RepairPart, ...]:
    parts = []
    for i, p in enumerate(r.array(data, "repair_parts")):
        path = f"repair_parts.{i}"
        p = r.obj(p, path)
        part = r.text(p, "part", path, required=True)
        qty = r.amount(p, "quantity", path, default=Decimal(1))
        if part:
            parts.append(RepairPart(part=part, quantity=qty if qty is not None else Decimal(1)))
    return tuple(parts)


def _check_chronology(r: Reader, asked_at: datetime | None, order: Order) -> None:
    """Nothing about the order may happen after the request, nor delivery before purchase."""
    if asked_at is not None:
        for key in ("placed_at", "paid_at", "signed_at", "installed_at"):
            moment = getattr(order, key)
            if moment is not None and moment > asked_at:
                r.fail(f"order.{key}", _("Must not be after asked_at."))
        if order.invoice_date is not None and order.invoice_date > asked_at.date():
            r.fail("order.invoice_date", _("Must not be after asked_at."))
    if order.placed_at and order.signed_at and order.signed_at < order.placed_at:
        r.fail("order.signed_at", _("Must not be before placed_at."))


def parse_request(data: Any) -> Request:
    """Validate a POLICY-API request dict; raise ValidationError naming every bad field.

    Steps: the request's own keys → the order with its lines → the requested items → the
    history → what is offered in exchange and the repair parts → dates in order → one raise.
    """
    if not isinstance(data, dict):
        raise ValidationError(_("The request must be a JSON object."),
                              fields={"request": _("Must be an object.")})
    r = Reader()
    asked_at = r.moment(data, "asked_at", "", required=True)
    kind = r.choice(data, "kind", "", KINDS, required=True)
    reason = r.choice(data, "reason", "", REASONS)
    order = _order(r, data.get("order"))
    items = _items(r, data.get("items"), order)
    history = r.obj(data.get("history"), "history")
    rest: dict[str, Any] = {
        "policy": r.text(data, "policy", ""),
        "policy_version": r.text(data, "policy_version", ""),
        "repairs": _repairs(r, history), "exchanges": _exchanges(r, history),
        "warranty_card_returned_at": r.day(history, "warranty_card_returned_at", "history"),
        "evidence": frozenset(r.strings(data.get("evidence"), "evidence")),
        "damage_cause": r.choice(data, "damage_cause", "", DAMAGE_CAUSES),
        "exchange_for": _exchange_for(r, data.get("exchange_for")),
        "repair_parts": _repair_parts(r, data.get("repair_parts")),
        "received_at": r.moment(data, "received_at", ""),
        "main_part": bool(r.boolean(data, "main_part", "", default=False)),
    }
    _check_chronology(r, asked_at, order)
    r.raise_errors()
    assert asked_at is not None and kind is not None  # both required: an error otherwise
    return Request(asked_at=asked_at, kind=kind, reason=reason, order=order, items=items,
                   **rest)
