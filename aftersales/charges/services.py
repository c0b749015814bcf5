"""Business actions of the charges app (STYLE.md): keyword-only ``<entity>_<verb>`` functions,
one transaction each; a record that stands for a workflow fact (quote_confirmed,
difference_collected) sets it through cases.services.case_note_record in the same transaction.

- quotes (S4.1, S8.2, S2.2): quote_issue, quote_accept, quote_refuse, quote_withdraw;
- the exchange difference (S4.2-S4.3 多不退少补): difference_collect (the cashier's receipt);
- charges (S2.2, S2.3, S8.1): charge_raise, charge_collect, charge_waive,
  charge_local_repair, advance_replacement_charges_raise (a worker pass);
- compensation when the company is late (S9.6): compensation_propose, compensation_decide,
  compensation_pay, compensations_sweep (a worker pass).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case, CaseKind, StateCategory
from aftersales.cases.services import case_note_record
from aftersales.cases.services.common import lock_case, notify_customer
from aftersales.catalog.models import PartPrice
from aftersales.charges import selectors as sel
from aftersales.charges.errors import ChargesErrorCode
from aftersales.charges.models import (
    AcceptChannel,
    CashierReceipt,
    Charge,
    ChargeReason,
    ChargeStatus,
    Compensation,
    CompensationStatus,
    Party,
    PayMethod,
    Quote,
    QuoteLine,
    QuoteStatus,
    ReceiptPurpose,
)
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.core.money import ZERO, AmountError, amount_parse, fmt, round_fen, yuan
from aftersales.documents.numbers import next_number
from aftersales.finance.models import PointsKind
from aftersales.finance.services.points import points_record
from aftersales.logistics.selectors import advance_replacements_overdue

QUANTITY_MAX = Decimal("100000")
HOURS_MAX = Decimal("1000")
REFERENCE_MAX = 80
TEXT_MAX = 2000


def _staff(actor):
    return actor if getattr(actor, "pk", None) else None


def _require(actor, roles: frozenset[str], case: Case, what: str) -> None:
    if not sel.may(actor, roles, case):
        raise PermissionDenied(_("Your role may not %(what)s.") % {"what": what})


def _open(case: Case) -> None:
    if case.is_closed:
        raise Conflict(pgettext("charges", "The case is closed."), code=CaseErrorCode.CASE_CLOSED)


def _amount(value: Any, field: str, *, maximum: Decimal | None = None) -> Decimal:
    try:
        return amount_parse(value, **({"maximum": maximum} if maximum is not None else {}))
    except AmountError as exc:
        raise ValidationError(exc.message, fields={field: exc.message}) from None


def _text(value: Any, field: str, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(_("Please give a reason."), fields={field: _("required")})
    if len(text) > limit or "\x00" in text:
        raise ValidationError(pgettext("charges", "At most %(n)d characters.") % {"n": limit},
                              fields={field: _("too long")})
    return text


def _note(case: Case, actor, *, zh: str, en: str, record: str, **data: Any) -> None:
    """One timeline line for a record that is not a workflow fact."""
    events.event_fact_recorded(case=case, actor=_staff(actor), data={
        "label": {"zh": f"{zh} {record}", "en": f"{en} {record}"}, "record_no": record,
        **{k: (fmt(v) if isinstance(v, Decimal) else v) for k, v in data.items()}})


# ============================================================================ quotes
def _part_price(code: str, day) -> PartPrice | None:
    return (PartPrice.objects.filter(code=code, valid_from__lte=day)
            .exclude(valid_to__lt=day).order_by("-valid_from").first())


@transaction.atomic
def quote_issue(*, case: Case, lines: list[dict], labour_hours: Any = "0", note: str = "",
                actor) -> Quote:
    """A repair quote from the parts price list (catalog.PartPrice, the one source of prices)
    plus labour at the policy's rate; a quote still waiting for the customer is withdrawn."""
    _require(actor, sel.QUOTE_ROLES, case, _("issue a repair quote"))
    case = lock_case(case)
    _open(case)
    at = timezone.now()
    day = timezone.localdate(at)
    if not isinstance(lines, list) or len(lines) > 100:
        raise ValidationError(_("Give at most 100 parts."), fields={"lines": _("invalid")})
    priced = []
    for i, line in enumerate(lines):
        code = str((line or {}).get("code") or "").strip()
        if not code:
            raise ValidationError(_("Choose a part from the price list."),
                                  fields={f"lines.{i}.code": _("required")})
        part = _part_price(code, day)
        if part is None:
            raise ValidationError(
                _("%(code)s is not on the parts price list today.") % {"code": code},
                code=ChargesErrorCode.PART_NOT_PRICED, fields={f"lines.{i}.code": _("no price")})
        qty = _amount((line or {}).get("quantity", "1"), f"lines.{i}.quantity",
                      maximum=QUANTITY_MAX)
        if qty <= 0:
            raise ValidationError(_("The quantity must be above zero."),
                                  fields={f"lines.{i}.quantity": _("must be above zero")})
        priced.append((part, qty, round_fen(part.price * qty)))
    hours = _amount(labour_hours if labour_hours not in (None, "") else "0", "labour_hours",
                    maximum=HOURS_MAX)
    if not priced and hours <= 0:
        raise ValidationError(_("A quote needs at least one part or some labour."),
                              fields={"lines": _("required")})
    policy = sel.charges_policy(case)
    parts_total = round_fen(sum((a for _p, _q, a in priced), ZERO))
    labour_total = round_fen(hours * policy.labour_rate)
    note = _text(note, "note")
    withdrawn = list(Quote.objects.select_for_update().filter(case=case,
                                                              status=QuoteStatus.ISSUED))
    for old in withdrawn:
        old.status = QuoteStatus.WITHDRAWN
        old.answered_at = at
        old.refusal_reason = _("Replaced by a new quote.")
        old.save(update_fields=["status", "answered_at", "refusal_reason"])
    quote = Quote.objects.create(
        number=next_number("quote", "QT", at=at), case=case, labour_hours=hours,
        labour_rate=policy.labour_rate, parts_total=parts_total, labour_total=labour_total,
        total=round_fen(parts_total + labour_total), note=note,
        valid_until=at + timedelta(days=policy.quote_valid_days), issued_by=_staff(actor),
        issued_at=at)
    QuoteLine.objects.bulk_create([
        QuoteLine(quote=quote, part_price=p, code=p.code, name=p.name, unit=p.unit,
                  unit_price=p.price, quantity=q, amount=a) for p, q, a in priced])
    _note(case, actor, zh="报价单已发出", en="Repair quote issued", record=quote.number,
          total=quote.total)
    until = timezone.localtime(quote.valid_until).strftime("%Y-%m-%d")
    notify_customer(case, topic="quote_issued",
                    subject=_("Your repair quote %(number)s") % {"number": quote.number},
                    body=_("The repair costs %(total)s (parts %(parts)s, labour %(labour)s). "
                           "Please accept or refuse it by %(until)s; we start the repair once "
                           "you accept.") % {
                        "total": yuan(quote.total), "parts": yuan(parts_total),
                        "labour": yuan(labour_total), "until": until},
                    dedupe_key=f"quote_issued:{quote.number}",
                    params={"amount": quote.total, "due": until})
    return quote


def _lock_quote(quote: Quote | int) -> Quote:
    pk = quote.pk if isinstance(quote, Quote) else quote
    return Quote.objects.select_for_update().select_related("case").get(pk=pk)


def _answerable(quote: Quote) -> None:
    if quote.status == QuoteStatus.ACCEPTED:
        raise Conflict(_("Quote %(n)s was already accepted on %(at)s.") % {
            "n": quote.number, "at": timezone.localtime(quote.answered_at).strftime(
                "%Y-%m-%d %H:%M")}, code=ChargesErrorCode.QUOTE_ANSWERED)
    if quote.status == QuoteStatus.REFUSED:
        raise Conflict(_("Quote %(n)s was refused; a new quote is needed.") % {
            "n": quote.number}, code=ChargesErrorCode.QUOTE_ANSWERED)
    if quote.status == QuoteStatus.WITHDRAWN:
        raise Conflict(_("Quote %(n)s was withdrawn; please answer the current quote.") % {
            "n": quote.number}, code=ChargesErrorCode.QUOTE_WITHDRAWN)
    if sel.quote_is_expired(quote):
        raise Conflict(_("Quote %(n)s expired on %(at)s; please ask for a new quote.") % {
            "n": quote.number, "at": timezone.localtime(quote.valid_until).strftime(
                "%Y-%m-%d %H:%M")}, code=ChargesErrorCode.QUOTE_EXPIRED)


def _answer_check(quote: Quote, actor, channel: str) -> str:
    """The customer answers on the portal (actor None); staff record an answer given by
    phone, in person or by e-mail; an API client answers with its key's user."""
    if channel not in AcceptChannel.values:
        raise ValidationError(pgettext("charges", "Unknown channel."),
                              fields={"channel": _("invalid")})
    if _staff(actor) is None:
        return AcceptChannel.PORTAL
    _require(actor, sel.ANSWER_ROLES, quote.case, _("record the customer's answer"))
    if channel == AcceptChannel.PORTAL:
        raise ValidationError(_("Only the customer answers on the portal; say how the customer "
                                "answered you."), fields={"channel": _("invalid")})
    return channel


@transaction.atomic
def quote_accept(*, quote: Quote | int, actor, channel: str = AcceptChannel.PORTAL) -> Quote:
    """The customer accepts the quote: once, before it expires. Sets ``quote_confirmed`` with
    the quote's number (the case moves on if its step waited for it) and charges the customer
    the quote's total (a chargeable repair, S2.2, S8.2)."""
    quote = _lock_quote(quote)
    channel = _answer_check(quote, actor, channel)
    _open(quote.case)
    _answerable(quote)
    at = timezone.now()
    quote.status = QuoteStatus.ACCEPTED
    quote.answered_at, quote.answer_channel, quote.answered_by = at, channel, _staff(actor)
    quote.save(update_fields=["status", "answered_at", "answer_channel", "answered_by"])
    case = quote.case
    if quote.total > 0:
        _charge_create(case=case, party=Party.CUSTOMER, reason=ChargeReason.CHARGEABLE_REPAIR,
                       amount=quote.total, note="", source=quote.number, actor=actor)
    case_note_record(case=case, actor=actor, fact="quote_confirmed", record=quote.number,
                     data={"total": fmt(quote.total), "channel": channel})
    return quote


@transaction.atomic
def quote_refuse(*, quote: Quote | int, actor, channel: str = AcceptChannel.PORTAL,
                 reason: str = "") -> Quote:
    """The customer refuses the quote; the refusal is recorded with its reason."""
    quote = _lock_quote(quote)
    channel = _answer_check(quote, actor, channel)
    _open(quote.case)
    _answerable(quote)
    quote.status = QuoteStatus.REFUSED
    quote.answered_at, quote.answer_channel = timezone.now(), channel
    quote.answered_by, quote.refusal_reason = _staff(actor), _text(reason, "reason")
    quote.save(update_fields=["status", "answered_at", "answer_channel", "answered_by",
                              "refusal_reason"])
    _note(quote.case, actor, zh="客户拒绝报价", en="Quote refused by the customer",
          record=quote.number, note=quote.refusal_reason, channel=channel)
    return quote


@transaction.atomic
def quote_withdraw(*, quote: Quote | int, actor, reason: str) -> Quote:
    quote = _lock_quote(quote)
    _require(actor, sel.QUOTE_ROLES, quote.case, _("withdraw a repair quote"))
    if quote.status != QuoteStatus.ISSUED:
        _answerable(quote)
    quote.status = QuoteStatus.WITHDRAWN
    quote.answered_at = timezone.now()
    quote.refusal_reason = _text(reason, "reason", required=True)
    quote.save(update_fields=["status", "answered_at", "refusal_reason"])
    _note(quote.case, actor, zh="报价单已撤回", en="Quote withdrawn", record=quote.number,
          note=quote.refusal_reason)
    return quote


# ============================================================================ the difference
def _method(value: str, field: str = "method") -> str:
    if value not in PayMethod.values:
        raise ValidationError(_("Choose how it was paid."), fields={field: _("invalid")})
    return value


@transaction.atomic
def difference_collect(*, case: Case, actor, method: str, amount: Any = "0", points: Any = 0,
                       reference: str = "") -> CashierReceipt:
    """The cashier collects the exchange difference (S4.3, 多不退少补) with a numbered receipt:
    exactly the money and the points due (nothing when the new goods cost the same or less —
    a zero receipt records that nothing was due). Sets ``difference_collected``."""
    _require(actor, sel.CASHIER_ROLES, case, _("collect payments"))
    case = lock_case(case)
    _open(case)
    if case.kind != CaseKind.EXCHANGE:
        raise Conflict(_("This case is not an exchange."), code=ChargesErrorCode.NOT_AN_EXCHANGE)
    done = sel.difference_receipt(case)
    if done is not None:
        raise Conflict(_("The difference was collected already: receipt %(n)s.") % {
            "n": done.number}, code=ChargesErrorCode.DIFFERENCE_COLLECTED)
    diff = sel.exchange_difference(case)
    money = _amount(amount if amount not in (None, "") else "0", "amount")
    try:
        pts = int(points or 0)
    except (TypeError, ValueError):
        raise ValidationError(_("Points are a whole number."),
                              fields={"points": _("invalid")}) from None
    if pts < 0 or pts > 10**9:
        raise ValidationError(_("Points are a whole number."), fields={"points": _("invalid")})
    fields = {}
    if money != diff.amount_due:
        fields["amount"] = _("%(due)s yuan is due") % {"due": fmt(diff.amount_due)}
    if pts != diff.points_due:
        fields["points"] = _("%(due)s points are due") % {"due": diff.points_due}
    if fields:
        raise ValidationError(
            _("Collect exactly what is due: %(amount)s yuan and %(points)s points.") % {
                "amount": fmt(diff.amount_due), "points": diff.points_due},
            code=ChargesErrorCode.AMOUNT_MISMATCH, fields=fields)
    method = PayMethod.NONE if not diff.anything_due else _method(method)
    if diff.anything_due and method == PayMethod.NONE:
        raise ValidationError(_("Choose how it was paid."), fields={"method": _("invalid")})
    if money == 0 and pts > 0 and method != PayMethod.POINTS:
        method = PayMethod.POINTS
    at = timezone.now()
    details = {"old_amount": fmt(diff.old_amount), "new_amount": fmt(diff.new_amount),
               "old_points": diff.old_points, "new_points": diff.new_points,
               "amount_kept": fmt(diff.amount_kept), "amount_refunded": fmt(diff.amount_refunded),
               "points_kept": diff.points_kept,
               "old": [{**x, "unit_price": fmt(x["unit_price"])} for x in diff.lines_old],
               "new": [{**x, "unit_price": fmt(x["unit_price"])} for x in diff.lines_new]}
    try:
        with transaction.atomic():
            receipt = CashierReceipt.objects.create(
                number=next_number("cashier_receipt", "SK", at=at), case=case,
                purpose=ReceiptPurpose.EXCHANGE_DIFFERENCE, amount=money, points=pts,
                method=method, reference=_text(reference, "reference", limit=REFERENCE_MAX),
                details=details, cashier=actor, received_at=at)
    except IntegrityError:
        raise Conflict(_("The difference was collected already."),
                       code=ChargesErrorCode.DIFFERENCE_COLLECTED) from None
    if pts:
        # The points are taken from the member's ledger (finance, B7-15): refused when the
        # balance is short, and then nothing is recorded.
        if case.customer_id is None:
            raise ValidationError(_("Points can only be paid by a member."),
                                  fields={"points": _("no member")})
        points_record(customer=case.customer, delta=-pts, kind=PointsKind.SPEND,
                      reason=f"换货补差积分 {receipt.number}", actor=actor, case=case)
    case_note_record(case=case, actor=actor, fact="difference_collected", record=receipt.number,
                     data={"amount": fmt(money), "points": pts, "method": method})
    return receipt


# ============================================================================ charges
def _charge_create(*, case: Case, party: str, reason: str, amount: Decimal, note: str,
                   source: str, actor, factory=None, supplier=None,
                   party_name: str = "") -> Charge:
    if not party_name:
        if party == Party.CUSTOMER:
            party_name = case.customer.name if case.customer_id else case.contact_name
        elif factory is not None:
            party_name = factory.name
        elif supplier is not None:
            party_name = supplier.name
    at = timezone.now()
    charge = Charge.objects.create(
        number=next_number("charge", "CH", at=at), case=case, party=party,
        party_name=str(party_name or "")[:120], factory=factory, supplier=supplier,
        reason=reason, amount=amount, note=note, source=source, created_by=_staff(actor),
        created_at=at)
    _note(case, actor, zh="费用已登记", en="Charge raised", record=charge.number, amount=amount,
          note=f"{charge.get_party_display()} {charge.party_name}".strip())
    return charge


@transaction.atomic
def charge_raise(*, case: Case, party: str, reason: str, amount: Any, actor, note: str = "",
                 party_name: str = "", supplier=None, source: str = "") -> Charge:
    """Charge the customer, the case's outsourced factory, a supplier or a carrier."""
    _require(actor, sel.CHARGE_ROLES, case, _("raise charges"))
    case = lock_case(case)
    if party not in Party.values:
        raise ValidationError(_("Choose who is charged."), fields={"party": _("invalid")})
    if reason not in ChargeReason.values:
        raise ValidationError(_("Choose the reason."), fields={"reason": _("invalid")})
    money = _amount(amount, "amount")
    if money <= 0:
        raise ValidationError(_("The amount must be above zero."),
                              fields={"amount": _("must be above zero")})
    factory = None
    if party == Party.FACTORY:
        factory = case.factory
        if factory is None:
            raise ValidationError(_("The case names no outsourced factory."),
                                  code=ChargesErrorCode.NO_PARTY, fields={"party": _("no factory")})
    if party == Party.SUPPLIER and supplier is None and not str(party_name or "").strip():
        raise ValidationError(_("Name the supplier."), code=ChargesErrorCode.NO_PARTY,
                              fields={"party_name": _("required")})
    if party == Party.CARRIER and not str(party_name or "").strip():
        raise ValidationError(_("Name the carrier."), code=ChargesErrorCode.NO_PARTY,
                              fields={"party_name": _("required")})
    source = _text(source, "source", limit=40)
    if source and Charge.objects.filter(case=case, reason=reason, source=source).exists():
        raise Conflict(_("This charge was raised already."), code=ChargesErrorCode.CHARGE_SETTLED)
    return _charge_create(case=case, party=party, reason=reason, amount=money,
                          note=_text(note, "note"), source=source, actor=actor, factory=factory,
                          supplier=supplier, party_name=_text(party_name, "party_name",
                                                              limit=120))


@transaction.atomic
def charge_local_repair(*, case: Case, amount: Any, actor, note: str = "") -> Charge:
    """S2.3: a local repair's cost charged to the responsible outsourced factory."""
    return charge_raise(case=case, party=Party.FACTORY, reason=ChargeReason.LOCAL_REPAIR,
                        amount=amount, actor=actor, note=note)


def _lock_charge(charge: Charge | int) -> Charge:
    pk = charge.pk if isinstance(charge, Charge) else charge
    return Charge.objects.select_for_update().select_related("case").get(pk=pk)


def _settled(charge: Charge) -> None:
    if charge.status != ChargeStatus.OPEN:
        raise Conflict(_("Charge %(n)s is %(status)s already.") % {
            "n": charge.number, "status": charge.get_status_display()},
            code=ChargesErrorCode.CHARGE_SETTLED)


@transaction.atomic
def charge_collect(*, charge: Charge | int, actor, method: str, reference: str = ""
                   ) -> CashierReceipt:
    """The cashier records the payment of a charge with a numbered receipt (a factory's or a
    supplier's may be deducted from what the company owes it)."""
    charge = _lock_charge(charge)
    _require(actor, sel.CASHIER_ROLES, charge.case, _("collect payments"))
    _settled(charge)
    method = _method(method)
    if method in (PayMethod.NONE, PayMethod.POINTS):
        raise ValidationError(_("Choose how it was paid."), fields={"method": _("invalid")})
    at = timezone.now()
    receipt = CashierReceipt.objects.create(
        number=next_number("cashier_receipt", "SK", at=at), case=charge.case,
        purpose=ReceiptPurpose.CHARGE, charge=charge, amount=charge.amount, method=method,
        reference=_text(reference, "reference", limit=REFERENCE_MAX),
        details={"charge": charge.number, "party": charge.party, "reason": charge.reason},
        cashier=actor, received_at=at)
    charge.status, charge.closed_at = ChargeStatus.COLLECTED, at
    charge.save(update_fields=["status", "closed_at"])
    _note(charge.case, actor, zh="费用已收款", en="Charge collected", record=receipt.number,
          amount=charge.amount, note=charge.number)
    return receipt


@transaction.atomic
def charge_waive(*, charge: Charge | int, actor, reason: str) -> Charge:
    """A supervisor waives a charge with a reason; never the person who raised it."""
    charge = _lock_charge(charge)
    _require(actor, sel.WAIVE_ROLES, charge.case, _("waive charges"))
    _settled(charge)
    if charge.created_by_id and charge.created_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You raised this charge; another supervisor must waive it."),
                               code=CaseErrorCode.MAKER_CHECKER)
    charge.status, charge.closed_at = ChargeStatus.WAIVED, timezone.now()
    charge.waived_by, charge.waiver_reason = actor, _text(reason, "reason", required=True)
    charge.save(update_fields=["status", "closed_at", "waived_by", "waiver_reason"])
    _note(charge.case, actor, zh="费用已免除", en="Charge waived", record=charge.number,
          note=charge.waiver_reason)
    return charge


def advance_replacement_charges_raise(*, now=None) -> int:
    """Worker pass (S8.1): for each advance replacement whose defective unit is overdue
    (logistics.selectors.advance_replacements_overdue), charge the customer the replaced
    goods' price once (the policy's advance_replacement.charge) and tell them."""
    count = 0
    for rma in advance_replacements_overdue(now=now or timezone.now())[:500]:
        case = rma.case
        if sel.charges_policy(case).advance_charge == "none":
            continue
        if Charge.objects.filter(case=case, reason=ChargeReason.ADVANCE_NOT_RETURNED,
                                 source=rma.number).exists():
            continue
        amount = round_fen(sum((cl.order_line.unit_price * cl.quantity
                                for cl in case.lines.select_related("order_line")), ZERO))
        if amount <= 0:
            continue
        with transaction.atomic():
            _charge_create(case=case, party=Party.CUSTOMER,
                           reason=ChargeReason.ADVANCE_NOT_RETURNED, amount=amount, note="",
                           source=rma.number, actor=None)
            notify_customer(case, topic="advance_replacement_charge",
                            subject=_("The defective unit has not come back"),
                            body=_("We sent you a replacement in advance (%(rma)s) and the "
                                   "defective unit has not reached us by its due date. We "
                                   "charge %(amount)s for the replacement; if you have shipped "
                                   "the unit, please tell us its tracking number.") % {
                                "rma": rma.number, "amount": yuan(amount)},
                            dedupe_key=f"advance_charge:{rma.number}",
                            params={"amount": amount, "rma": rma.number})
        count += 1
    return count


@transaction.atomic
def charge_by_responsibility(*, case: Case, amount: Any, reason: str, actor, note: str = "",
                             party_name: str = "") -> Charge:
    """Charge whoever quality's inspection holds responsible (S2.2, S2.5): the customer, the
    outsourced factory, the supplier of the material or the carrier; the company itself is
    charged nothing."""
    who = sel.case_responsibility(case)
    if who not in Party.values:
        raise ValidationError(_("Quality has not found another party responsible."),
                              code=ChargesErrorCode.NO_PARTY, fields={"party": _("none")})
    supplier = sel.responsible_supplier(case) if who == Party.SUPPLIER else None
    return charge_raise(case=case, party=who, reason=reason, amount=amount, actor=actor,
                        note=note, party_name=party_name, supplier=supplier)


# ============================================================================ compensation
def _lock_comp(comp: Compensation | int) -> Compensation:
    pk = comp.pk if isinstance(comp, Compensation) else comp
    return Compensation.objects.select_for_update().select_related("case").get(pk=pk)


@transaction.atomic
def compensation_propose(*, case: Case, actor=None) -> Compensation:
    """S9.6: propose the compensation the policy names when the company is late (the
    end-to-end due time passed before the case was resolved). The system (actor None) or
    customer service proposes; a supervisor approves."""
    if actor is not None:
        _require(actor, sel.COMPENSATION_ROLES, case, _("propose compensation"))
    case = lock_case(case)
    due = sel.late_compensation_due(case)
    if due is None:
        raise Conflict(_("The policy's condition for compensation does not hold on this case."),
                       code=ChargesErrorCode.COMPENSATION_NOT_DUE)
    amount, days, rule = due
    done = Compensation.objects.filter(case=case, rule=rule).first()
    if done is not None:
        raise Conflict(_("Compensation %(n)s was proposed already.") % {"n": done.number},
                       code=ChargesErrorCode.COMPENSATION_STATE)
    at = timezone.now()
    comp = Compensation.objects.create(
        number=next_number("compensation", "PC", at=at), case=case, rule=rule,
        reason=_("Not completed by the end-to-end due time %(due)s (%(days)d days late).") % {
            "due": timezone.localtime(case.end_to_end_due_at).strftime("%Y-%m-%d %H:%M"),
            "days": days},
        amount=amount, days_late=days, proposed_by=_staff(actor), proposed_at=at)
    _note(case, actor, zh="逾期赔付已提出", en="Late compensation proposed", record=comp.number,
          amount=amount)
    return comp


@transaction.atomic
def compensation_decide(*, compensation: Compensation | int, actor, approve: bool,
                        note: str = "") -> Compensation:
    """A supervisor approves (or refuses, with a note) — never the one who proposed it."""
    comp = _lock_comp(compensation)
    _require(actor, sel.WAIVE_ROLES, comp.case, _("approve compensation"))
    if comp.status != CompensationStatus.PROPOSED:
        raise Conflict(_("Compensation %(n)s is %(s)s.") % {
            "n": comp.number, "s": comp.get_status_display()},
            code=ChargesErrorCode.COMPENSATION_STATE)
    if comp.proposed_by_id and comp.proposed_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You proposed this compensation; another supervisor must "
                                 "decide."), code=CaseErrorCode.MAKER_CHECKER)
    note = _text(note, "note", required=not approve)
    comp.status = CompensationStatus.APPROVED if approve else CompensationStatus.REFUSED
    comp.decided_by, comp.decided_at, comp.decision_note = actor, timezone.now(), note
    comp.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _note(comp.case, actor, zh="逾期赔付已批准" if approve else "逾期赔付未批准",
          en="Compensation approved" if approve else "Compensation refused",
          record=comp.number, amount=comp.amount, note=note)
    if approve:
        notify_customer(comp.case, topic="compensation_approved",
                        subject=_("Compensation for our delay"),
                        body=_("We are sorry we were late. We will pay you %(amount)s as "
                               "compensation (%(n)s).") % {"amount": yuan(comp.amount),
                                                         "n": comp.number},
                        dedupe_key=f"compensation:{comp.number}",
                        params={"amount": comp.amount})
    return comp


@transaction.atomic
def compensation_pay(*, compensation: Compensation | int, actor, method: str,
                     reference: str = "") -> Compensation:
    """Finance or the cashier records the payment (method and reference), once."""
    comp = _lock_comp(compensation)
    _require(actor, sel.PAY_ROLES, comp.case, _("pay compensation"))
    if comp.status != CompensationStatus.APPROVED:
        raise Conflict(_("Compensation %(n)s is %(s)s.") % {
            "n": comp.number, "s": comp.get_status_display()},
            code=ChargesErrorCode.COMPENSATION_STATE)
    method = _method(method)
    if method in (PayMethod.NONE, PayMethod.DEDUCTION):
        raise ValidationError(_("Choose how it was paid."), fields={"method": _("invalid")})
    reference = _text(reference, "reference", limit=REFERENCE_MAX)
    if method != PayMethod.CASH and not reference:
        raise ValidationError(_("Give the payment's reference."),
                              fields={"reference": _("required")})
    comp.status, comp.paid_by, comp.paid_at = CompensationStatus.PAID, actor, timezone.now()
    comp.method, comp.reference = method, reference
    comp.save(update_fields=["status", "paid_by", "paid_at", "method", "reference"])
    _note(comp.case, actor, zh="逾期赔付已支付", en="Compensation paid", record=comp.number,
          amount=comp.amount, note=reference)
    return comp


def compensations_sweep(*, now=None) -> int:
    """Worker pass: propose the S9.6 compensation on cases past their end-to-end due time."""
    at = now or timezone.now()
    qs = (Case.objects.filter(end_to_end_due_at__lt=at, end_to_end_paused_at__isnull=True)
          .exclude(state_category=StateCategory.CLOSED).exclude(compensations__rule__startswith=
                                                                "S9.6").only("pk")[:500])
    count = 0
    for case in qs:
        try:
            compensation_propose(case=case, actor=None)
        except (Conflict, ValidationError):
            continue
        count += 1
    return count
