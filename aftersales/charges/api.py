"""REST: /api/v1/charges — repair quotes, the exchange difference, charges, compensation and a
case's cost (S2.2, S2.3, S4.1-S4.3, S8.1, S8.2, S9.6). Each route is parse → service/selector →
schema and declares every error it can answer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.selectors import case_get_for_user
from aftersales.charges import selectors as sel
from aftersales.charges import services as s
from aftersales.charges.models import (
    AcceptChannel,
    CashierReceipt,
    Charge,
    ChargeReason,
    ChargeStatus,
    Compensation,
    Party,
    PayMethod,
    Quote,
)
from aftersales.core.api import ErrorOut
from aftersales.core.errors import NotFound
from aftersales.core.money import Amount

router = Router(tags=["charges"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _enum(values, default=...):
    return Field(default, json_schema_extra={"enum": list(values)})


# ----------------------------------------------------------------------------- schemas
class QuoteLineIn(Schema):
    code: str = Field(..., max_length=40, description="a part code of the parts price list")
    quantity: Amount = Decimal("1")


class QuoteIn(Schema):
    lines: list[QuoteLineIn] = Field(default=[], max_length=100)
    labour_hours: Amount = Decimal("0")
    note: str = Field("", max_length=2000)


class QuoteLineOut(Schema):
    code: str
    name: str
    unit: str
    unit_price: Decimal
    quantity: Decimal
    amount: Decimal


class QuoteOut(Schema):
    number: str
    case: str
    status: str
    parts_total: Decimal
    labour_hours: Decimal
    labour_rate: Decimal
    labour_total: Decimal
    total: Decimal
    valid_until: datetime
    issued_at: datetime
    answered_at: datetime | None
    answer_channel: str
    lines: list[QuoteLineOut]


class AnswerIn(Schema):
    channel: str = _enum(AcceptChannel.values, AcceptChannel.API)
    reason: str = Field("", max_length=2000)


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=2000)


class ReceiptOut(Schema):
    number: str
    case: str
    purpose: str
    amount: Decimal
    points: int
    method: str
    reference: str
    cashier: str
    received_at: datetime
    charge: str | None


class CollectIn(Schema):
    amount: Amount = Decimal("0")
    points: int = Field(0, ge=0, le=10**9)
    method: str = _enum(PayMethod.values, PayMethod.CASH)
    reference: str = Field("", max_length=80)


class DifferenceOut(Schema):
    old_amount: Decimal
    new_amount: Decimal
    old_points: int
    new_points: int
    amount_due: Decimal
    points_due: int
    amount_kept: Decimal
    amount_refunded: Decimal
    receipt: ReceiptOut | None


class ChargeIn(Schema):
    party: str = _enum(Party.values)
    reason: str = _enum(ChargeReason.values)
    amount: Amount
    party_name: str = Field("", max_length=120)
    note: str = Field("", max_length=2000)


class ChargeOut(Schema):
    number: str
    case: str
    party: str
    party_name: str
    reason: str
    amount: Decimal
    status: str
    note: str
    created_at: datetime
    waiver_reason: str


class ChargeCollectIn(Schema):
    method: str = _enum(PayMethod.values)
    reference: str = Field("", max_length=80)


class WaiveIn(Schema):
    reason: str = Field(..., max_length=2000)


class CompensationOut(Schema):
    number: str
    case: str
    rule: str
    reason: str
    amount: Decimal
    days_late: int
    status: str
    method: str
    reference: str
    paid_at: datetime | None


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class PayIn(Schema):
    method: str = _enum(PayMethod.values)
    reference: str = Field("", max_length=80)


class CostOut(Schema):
    parts: Decimal
    labour: Decimal
    freight_out: Decimal
    freight_back: Decimal
    compensation: Decimal
    fines: Decimal
    total: Decimal
    charged: Decimal
    net: Decimal


class CaseMoneyOut(Schema):
    case: str
    quotes: list[QuoteOut]
    difference: DifferenceOut | None
    charges: list[ChargeOut]
    compensations: list[CompensationOut]
    cost: CostOut


class CollectionOut(Schema):
    kind: str
    number: str
    case: str
    party: str
    reason: str
    amount: Decimal
    points: int
    since: datetime | None
    status: str


class CollectionFilters(Schema):
    q: str = Field("", max_length=60)
    kind: str = _enum(["", "difference", "charge"], "")
    party: str = _enum(["", *Party.values], "")
    status: str = _enum(["", *ChargeStatus.values], "open")


# ----------------------------------------------------------------------------- out
def _quote(q: Quote) -> dict:
    return {"number": q.number, "case": q.case.number, "status": q.status,
            "parts_total": q.parts_total, "labour_hours": q.labour_hours,
            "labour_rate": q.labour_rate, "labour_total": q.labour_total, "total": q.total,
            "valid_until": q.valid_until, "issued_at": q.issued_at, "answered_at": q.answered_at,
            "answer_channel": q.answer_channel,
            "lines": [{"code": x.code, "name": x.name, "unit": x.unit, "unit_price": x.unit_price,
                       "quantity": x.quantity, "amount": x.amount} for x in q.lines.all()]}


def _receipt(r: CashierReceipt) -> dict:
    return {"number": r.number, "case": r.case.number, "purpose": r.purpose, "amount": r.amount,
            "points": r.points, "method": r.method, "reference": r.reference,
            "cashier": r.cashier.username, "received_at": r.received_at,
            "charge": r.charge.number if r.charge_id else None}


def _charge(c: Charge) -> dict:
    return {"number": c.number, "case": c.case.number, "party": c.party,
            "party_name": c.party_name, "reason": c.reason, "amount": c.amount,
            "status": c.status, "note": c.note, "created_at": c.created_at,
            "waiver_reason": c.waiver_reason}


def _comp(c: Compensation) -> dict:
    return {"number": c.number, "case": c.case.number, "rule": c.rule, "reason": c.reason,
            "amount": c.amount, "days_late": c.days_late, "status": c.status,
            "method": c.method, "reference": c.reference, "paid_at": c.paid_at}


def _case(request: HttpRequest, number: str):
    case = case_get_for_user(user=request.user, number=number)
    if not sel.may(request.user, sel.MONEY_VIEW_ROLES, case):
        raise NotFound(_("No such case."), code=CaseErrorCode.CASE_NOT_FOUND)
    return case


# ----------------------------------------------------------------------------- routes
@router.get("/cases/{number}", response={200: CaseMoneyOut, **ERRORS},
            summary="A case's quotes, exchange difference, charges, compensation and cost")
def case_money(request: HttpRequest, number: str):
    case = _case(request, number)
    diff = sel.exchange_difference(case)
    receipt = sel.difference_receipt(case) if diff is not None else None
    return {"case": case.number, "quotes": [_quote(q) for q in sel.quotes_for_case(case)],
            "difference": None if diff is None else {
                "old_amount": diff.old_amount, "new_amount": diff.new_amount,
                "old_points": diff.old_points, "new_points": diff.new_points,
                "amount_due": diff.amount_due, "points_due": diff.points_due,
                "amount_kept": diff.amount_kept, "amount_refunded": diff.amount_refunded,
                "receipt": _receipt(receipt) if receipt else None},
            "charges": [_charge(c) for c in sel.charges_for_case(case)],
            "compensations": [_comp(c) for c in sel.compensations_for_case(case)],
            "cost": sel.case_cost(case).as_dict()}


@router.post("/cases/{number}/quotes", response={201: QuoteOut, **ERRORS},
             summary="Issue a repair quote from the parts price list plus labour")
def quote_create(request: HttpRequest, number: str, payload: QuoteIn):
    quote = s.quote_issue(case=_case(request, number), actor=request.user,
                          lines=[{"code": x.code, "quantity": x.quantity} for x in payload.lines],
                          labour_hours=payload.labour_hours, note=payload.note)
    return Status(201, _quote(quote))


@router.get("/quotes/{number}", response={200: QuoteOut, **ERRORS}, summary="One quote")
def quote_get(request: HttpRequest, number: str):
    return _quote(sel.quote_get_for_user(user=request.user, number=number))


@router.post("/quotes/{number}/accept", response={200: QuoteOut, **ERRORS},
             summary="Record the customer's acceptance (once; not when expired or withdrawn)")
def quote_accept(request: HttpRequest, number: str, payload: AnswerIn):
    quote = sel.quote_get_for_user(user=request.user, number=number)
    return _quote(s.quote_accept(quote=quote, actor=request.user, channel=payload.channel))


@router.post("/quotes/{number}/refuse", response={200: QuoteOut, **ERRORS},
             summary="Record the customer's refusal")
def quote_refuse(request: HttpRequest, number: str, payload: AnswerIn):
    quote = sel.quote_get_for_user(user=request.user, number=number)
    return _quote(s.quote_refuse(quote=quote, actor=request.user, channel=payload.channel,
                                 reason=payload.reason))


@router.post("/quotes/{number}/withdraw", response={200: QuoteOut, **ERRORS},
             summary="Withdraw a quote waiting for the customer")
def quote_withdraw(request: HttpRequest, number: str, payload: WithdrawIn):
    quote = sel.quote_get_for_user(user=request.user, number=number)
    return _quote(s.quote_withdraw(quote=quote, actor=request.user, reason=payload.reason))


@router.post("/cases/{number}/difference", response={201: ReceiptOut, **ERRORS},
             summary="The cashier collects the exchange difference (exactly what is due)")
def difference_collect(request: HttpRequest, number: str, payload: CollectIn):
    receipt = s.difference_collect(case=_case(request, number), actor=request.user,
                                   amount=payload.amount, points=payload.points,
                                   method=payload.method, reference=payload.reference)
    return Status(201, _receipt(receipt))


@router.post("/cases/{number}/charges", response={201: ChargeOut, **ERRORS},
             summary="Charge the customer, the factory, a supplier or a carrier")
def charge_create(request: HttpRequest, number: str, payload: ChargeIn):
    charge = s.charge_raise(case=_case(request, number), actor=request.user,
                            party=payload.party, reason=payload.reason, amount=payload.amount,
                            party_name=payload.party_name, note=payload.note)
    return Status(201, _charge(charge))


@router.post("/items/{number}/collect", response={201: ReceiptOut, **ERRORS},
             summary="The cashier records a charge's payment")
def charge_collect(request: HttpRequest, number: str, payload: ChargeCollectIn):
    charge = sel.charge_get_for_user(user=request.user, number=number)
    receipt = s.charge_collect(charge=charge, actor=request.user, method=payload.method,
                               reference=payload.reference)
    return Status(201, _receipt(receipt))


@router.post("/items/{number}/waive", response={200: ChargeOut, **ERRORS},
             summary="A supervisor waives a charge with a reason")
def charge_waive(request: HttpRequest, number: str, payload: WaiveIn):
    charge = sel.charge_get_for_user(user=request.user, number=number)
    return _charge(s.charge_waive(charge=charge, actor=request.user, reason=payload.reason))


@router.post("/cases/{number}/compensations", response={201: CompensationOut, **ERRORS},
             summary="Propose the S9.6 compensation when the policy's lateness condition holds")
def compensation_create(request: HttpRequest, number: str):
    comp = s.compensation_propose(case=_case(request, number), actor=request.user)
    return Status(201, _comp(comp))


@router.post("/compensations/{number}/decide", response={200: CompensationOut, **ERRORS},
             summary="A supervisor approves or refuses a compensation")
def compensation_decide(request: HttpRequest, number: str, payload: DecideIn):
    comp = sel.compensation_get_for_user(user=request.user, number=number)
    return _comp(s.compensation_decide(compensation=comp, actor=request.user,
                                       approve=payload.approve, note=payload.note))


@router.post("/compensations/{number}/pay", response={200: CompensationOut, **ERRORS},
             summary="Finance or the cashier records the compensation's payment")
def compensation_pay(request: HttpRequest, number: str, payload: PayIn):
    comp = sel.compensation_get_for_user(user=request.user, number=number)
    return _comp(s.compensation_pay(compensation=comp, actor=request.user,
                                    method=payload.method, reference=payload.reference))


@router.get("/collections", response={200: list[CollectionOut], **ERRORS},
            summary="Payments due: exchange differences and charges")
def collections(request: HttpRequest, filters: Query[CollectionFilters]):
    if not sel.may(request.user, sel.MONEY_VIEW_ROLES - {"dealer"}):
        return []
    rows = sel.collection_rows(user=request.user, q=filters.q, kind=filters.kind,
                               party=filters.party, status=filters.status)
    return [{"kind": r.kind, "number": r.number, "case": r.case.number, "party": r.party,
             "reason": str(r.reason), "amount": r.amount, "points": r.points, "since": r.since,
             "status": r.status} for r in rows[:1000]]
