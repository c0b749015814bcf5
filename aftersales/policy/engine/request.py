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
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ValidationError
from aftersales.core.money import round_fen

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

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


class _Reader:
    """Collects every problem with its dotted field path, then raises once."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def fail(self, path: str, message: Any) -> None:
        self.errors.setdefault(path, message)

    def at(self, prefix: str, key: str, message: Any) -> None:
        self.fail(f"{prefix}.{key}" if prefix else key, message)

    def obj(self, data: Any, path: str) -> dict:
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.fail(path, _("Must be an object."))
            return {}
        return data

    def array(self, data: Any, path: str) -> list:
        if data is None:
            return []
        if not isinstance(data, list):
            self.fail(path, _("Must be a list."))
            return []
        return data

    def text(self, data: dict, key: str, path: str, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.at(path, key, _("This field is required."))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.at(path, key, _("Must be a string."))
            return None
        return str(value)

    def choice(self, data: dict, key: str, path: str, allowed: tuple[str, ...], *,
               required: bool = False) -> str | None:
        value = self.text(data, key, path, required=required)
        if value is not None and value not in allowed:
            self.at(path, key, _("Unknown value %(value)r; expected one of: %(allowed)s.")
                      % {"value": value, "allowed": ", ".join(allowed)})
            return None
        return value

    def boolean(self, data: dict, key: str, path: str, default: bool | None = None) -> bool | None:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.at(path, key, _("Must be true or false."))
            return default
        return value

    def amount(self, data: dict, key: str, path: str, *, required: bool = False,
               default: Decimal | None = None) -> Decimal | None:
        value = data.get(key)
        if value is None:
            if required:
                self.at(path, key, _("This field is required."))
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.at(path, key, _("Must be a decimal amount such as \"12.50\"."))
            return default
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            self.at(path, key, _("Must be a decimal amount such as \"12.50\"."))
            return default
        if not amount.is_finite():
            self.at(path, key, _("Must be a decimal amount such as \"12.50\"."))
            return default
        if amount < 0:
            self.at(path, key, _("Must not be negative."))
            return default
        if amount != round_fen(amount):
            self.at(path, key, _("Must have at most two decimal places (fen)."))
            return default
        return round_fen(amount)

    def integer(self, data: dict, key: str, path: str, *, default: int | None = None,
                minimum: int = 0) -> int | None:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.at(path, key, _("Must be a whole number."))
            return default
        if value < minimum:
            self.at(path, key, _("Must be at least %(minimum)s.") % {"minimum": minimum})
            return default
        return value

    def moment(self, data: dict, key: str, path: str, *, required: bool = False) -> datetime | None:
        value = data.get(key)
        if value is None:
            if required:
                self.at(path, key, _("This field is required."))
            return None
        if not isinstance(value, str):
            self.at(path, key, _("Must be an ISO 8601 date-time string."))
            return None
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            self.at(path, key, _("Not a valid ISO 8601 date-time: %(value)r.") % {"value": value})
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)  # naive = Beijing time (POLICY-API)
        return moment.astimezone(BEIJING)

    def day(self, data: dict, key: str, path: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.at(path, key, _("Must be a date string YYYY-MM-DD."))
            return None
        value = value.strip()
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.at(path, key, _("Not a valid date: %(value)r.") % {"value": value})
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)
        return moment.astimezone(BEIJING).date()


def _line(r: _Reader, i: int, data: Any) -> Line | None:
    path = f"order.lines.{i}"
    d = r.obj(data, path)
    tags = r.array(d.get("tags"), f"{path}.tags")
    if any(not isinstance(t, str) for t in tags):
        r.fail(f"{path}.tags", _("Must be a list of strings."))
        tags = [t for t in tags if isinstance(t, str)]
    quantity = r.integer(d, "quantity", path, default=1, minimum=1)
    return Line(
        index=i,
        sku=r.text(d, "sku", path) or "",
        name=r.text(d, "name", path) or "",
        category=r.text(d, "category", path) or "",
        tags=frozenset(tags),
        unit_price=r.amount(d, "unit_price", path, required=True,
                            default=Decimal("0.00")),
        points=r.integer(d, "points", path, default=0),
        quantity=quantity,
        serial=r.text(d, "serial", path),
        production_date=r.day(d, "production_date", path),
        bundle=r.text(d, "bundle", path),
        gift=bool(r.boolean(d, "gift", path, default=False)),
        declared_gift_price=r.amount(d, "declared_gift_price", path),
    )


def _order(r: _Reader, data: Any) -> Order:
    d = r.obj(data, "order")
    if data is None:
        r.fail("order", _("This field is required."))
    customer = r.obj(d.get("customer"), "order.customer")
    payments = []
    for i, p in enumerate(r.array(d.get("payments"), "order.payments")):
        path = f"order.payments.{i}"
        p = r.obj(p, path)
        payments.append(Payment(
            method=r.choice(p, "method", path, METHODS, required=True) or "cash",
            amount=r.amount(p, "amount", path, required=True, default=Decimal("0.00")),
            points=r.integer(p, "points", path),
            paid_at=r.moment(p, "paid_at", path),
            reference=r.text(p, "reference", path)
            or r.text(p, "coupon", path),
        ))
    raw_lines = r.array(d.get("lines"), "order.lines")
    if not raw_lines and "order" not in r.errors:
        r.fail("order.lines", _("An order needs at least one line."))
    lines = tuple(_line(r, i, x) for i, x in enumerate(raw_lines))
    promotions = []
    for i, p in enumerate(r.array(d.get("promotions"), "order.promotions")):
        path = f"order.promotions.{i}"
        p = r.obj(p, path)
        idx = p.get("lines")
        covered: tuple[int, ...] | None = None
        if idx is not None:
            if not isinstance(idx, list) or any(
                isinstance(x, bool) or not isinstance(x, int) for x in idx
            ):
                r.fail(f"{path}.lines", _("Must be a list of line indexes."))
            else:
                for x in idx:
                    if not 0 <= x < len(lines):
                        r.fail(f"{path}.lines", _("Line %(index)s does not exist in the order.")
                               % {"index": x})
                covered = tuple(x for x in idx if 0 <= x < len(lines))
        promotions.append(Promotion(
            kind=r.text(p, "kind", path, required=True) or "",
            threshold=r.amount(p, "threshold", path),
            discount=r.amount(p, "discount", path, default=Decimal("0.00")),
            lines=covered,
            standard_fee=r.amount(p, "standard_fee", path,
                                  default=Decimal("0.00")),
        ))
    return Order(
        number=r.text(d, "number", "order"),
        placed_at=r.moment(d, "placed_at", "order"),
        paid_at=r.moment(d, "paid_at", "order"),
        signed_at=r.moment(d, "signed_at", "order"),
        installed_at=r.moment(d, "installed_at", "order"),
        invoice_date=r.day(d, "invoice_date", "order"),
        channel=r.choice(d, "channel", "order", CHANNELS),
        customer_type=r.choice(customer, "type", "order.customer", CUSTOMER_TYPES),
        key_account=bool(r.boolean(customer, "key_account", "order.customer",
                                   default=False)),
        payments=tuple(payments),
        shipping_fee=r.amount(d, "shipping_fee", "order", default=Decimal("0.00")),
        promotions=tuple(promotions),
        lines=lines,
    )


def parse_request(data: Any) -> Request:
    """Validate a POLICY-API request dict; raise ValidationError naming every bad field."""
    r = _Reader()
    if not isinstance(data, dict):
        raise ValidationError(_("The request must be a JSON object."),
                              fields={"request": _("Must be an object.")})
    asked_at = r.moment(data, "asked_at", "", required=True)
    kind = r.choice(data, "kind", "", KINDS, required=True)
    reason = r.choice(data, "reason", "", REASONS)
    order = _order(r, data.get("order"))
    items = []
    raw_items = r.array(data.get("items"), "items")
    if not raw_items and "items" not in r.errors:
        r.fail("items", _("Name at least one order line the request is about."))
    for i, it in enumerate(raw_items):
        path = f"items.{i}"
        it = r.obj(it, path)
        index = it.get("line")
        if index is None:
            r.fail(f"{path}.line", _("This field is required."))
            continue
        if isinstance(index, bool) or not isinstance(index, int):
            r.fail(f"{path}.line", _("Must be a line index (a whole number)."))
            continue
        if not 0 <= index < len(order.lines):
            r.fail(f"{path}.line", _("Line %(index)s does not exist in the order.")
                   % {"index": index})
            continue
        line = order.lines[index]
        if line is None:
            continue
        quantity = r.integer(it, "quantity", path, default=line.quantity, minimum=1)
        if quantity is not None and quantity > line.quantity:
            r.fail(f"{path}.quantity",
                   _("Quantity %(asked)s is more than the %(bought)s bought on that line.")
                   % {"asked": quantity, "bought": line.quantity})
        condition: dict[str, bool] = {}
        cond_path = f"{path}.condition"
        cond = r.obj(it.get("condition"), cond_path)
        for key in CONDITION_KEYS:
            value = r.boolean(cond, key, cond_path)
            if value is not None:
                condition[key] = value
        items.append(Item(line=line, quantity=quantity or 1, condition=condition))
    history = r.obj(data.get("history"), "history")
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
                              returned_at=returned,
                              fixed=r.boolean(rep, "fixed", path)))
    exchanges = []
    for i, ex in enumerate(r.array(history.get("exchanges"), "history.exchanges")):
        at = r.day(r.obj(ex, f"history.exchanges.{i}"), "at", f"history.exchanges.{i}.at")
        if at is not None:
            exchanges.append(at)
    evidence = r.array(data.get("evidence"), "evidence")
    if any(not isinstance(e, str) for e in evidence):
        r.fail("evidence", _("Must be a list of strings."))
        evidence = [e for e in evidence if isinstance(e, str)]
    exchange_for = []
    for i, ex in enumerate(r.array(data.get("exchange_for"), "exchange_for")):
        path = f"exchange_for.{i}"
        ex = r.obj(ex, path)
        exchange_for.append(ExchangeFor(
            sku=r.text(ex, "sku", path), name=r.text(ex, "name", path),
            unit_price=r.amount(ex, "unit_price", path, required=True,
                                default=Decimal("0.00")),
            points=r.integer(ex, "points", path, default=0),
            quantity=r.integer(ex, "quantity", path, default=1, minimum=1),
            bundle=r.text(ex, "bundle", path),
        ))
    parts = []
    for i, p in enumerate(r.array(data.get("repair_parts"), "repair_parts")):
        path = f"repair_parts.{i}"
        p = r.obj(p, path)
        part = r.text(p, "part", path, required=True)
        qty = r.amount(p, "quantity", path, default=Decimal(1))
        if part:
            parts.append(RepairPart(part=part, quantity=qty))
    card = r.day(history, "warranty_card_returned_at", "history")
    damage_cause = r.choice(data, "damage_cause", "", DAMAGE_CAUSES)
    received_at = r.moment(data, "received_at", "")
    main_part = r.boolean(data, "main_part", "", default=False)
    policy = r.text(data, "policy", "")
    policy_version = r.text(data, "policy_version", "")
    if asked_at is not None:
        for key in ("placed_at", "paid_at", "signed_at", "installed_at"):
            moment = getattr(order, key)
            if moment is not None and moment > asked_at:
                r.fail(f"order.{key}", _("Must not be after asked_at."))
        if order.invoice_date is not None and order.invoice_date > asked_at.date():
            r.fail("order.invoice_date", _("Must not be after asked_at."))
    if order.placed_at and order.signed_at and order.signed_at < order.placed_at:
        r.fail("order.signed_at", _("Must not be before placed_at."))
    if r.errors:
        first = next(iter(r.errors.items()))
        raise ValidationError(_("The request is invalid: %(field)s: %(problem)s")
                              % {"field": first[0], "problem": first[1]}, fields=r.errors)
    return Request(
        policy=policy, policy_version=policy_version,
        asked_at=asked_at, kind=kind, reason=reason, order=order, items=tuple(items),
        repairs=tuple(repairs), exchanges=tuple(sorted(exchanges)),
        warranty_card_returned_at=card,
        evidence=frozenset(evidence),
        damage_cause=damage_cause,
        exchange_for=tuple(exchange_for), repair_parts=tuple(parts),
        received_at=received_at, main_part=bool(main_part),
    )
