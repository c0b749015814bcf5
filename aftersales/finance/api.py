"""REST: /api/v1/finance — refunds (S7.2): list, read, submit from a case, approve or refuse,
pay a line under an ``Idempotency-Key`` (a retry with the same key is the same payment), and a
member's points ledger. Each route is parse → service/selector → schema and declares every
error it answers. The providers' signed callbacks are plain URLs under /finance/callbacks/
(docs/finance.md), not part of this API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from aftersales.cases.selectors import case_get_for_user
from aftersales.core.api import ErrorOut
from aftersales.core.choices import PaymentMethod
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.finance import services
from aftersales.finance.models import Refund, RefundRoute, RefundStatus
from aftersales.finance.selectors import (
    may_read_refunds,
    points_ledger,
    refund_get_for_user,
    refund_lines,
    refund_list,
)
from aftersales.parties.models import Customer

router = Router(tags=["finance"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
KEY_MAX = 80


# ----------------------------------------------------------------------------- schemas
class PaymentOut(Schema):
    number: str
    method: str
    amount: Decimal
    gateway: str
    status: str
    reference: str
    recorded_by: str | None
    recorded_at: datetime
    completed_at: datetime | None


class LineOut(Schema):
    id: int
    method: str
    amount: Decimal
    points: int
    coupon_code: str
    route: str
    route_detail: str
    paid_at: datetime | None
    payments: list[PaymentOut]


class RefundOut(Schema):
    number: str
    case: str
    order: str | None
    customer: str | None
    status: str
    amount: Decimal
    points: int
    decision_amount: Decimal
    partial: bool
    reason: str
    requested_by: str | None
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    refusal_reason: str
    received_at: datetime | None
    due_at: datetime | None
    breach_at: datetime | None
    paid_at: datetime | None
    confirmed_at: datetime | None
    lines: list[LineOut]


class RefundListOut(Schema):
    count: int
    page: int
    pages: int
    items: list[RefundOut]


class RefundFilters(Schema):
    status: str | None = Field(None, json_schema_extra={"enum": [*RefundStatus.values, None]})
    method: str | None = Field(None, json_schema_extra={"enum": [*PaymentMethod.values, None]})
    breach: bool = False
    q: str = Field("", max_length=60)
    page: int = Field(1, ge=1, le=100000)


class ShareIn(Schema):
    method: str = Field(..., json_schema_extra={"enum": PaymentMethod.values})
    amount: str = Field(..., max_length=20, description='yuan, e.g. "120.50"')
    route: str = Field(RefundRoute.ORIGINAL, json_schema_extra={"enum": RefundRoute.values})
    route_detail: str = Field("", max_length=200)
    consent_by: str = Field("", max_length=80)
    consent_at: datetime | None = None
    consent_how: str = Field("", max_length=200)


class RefundIn(Schema):
    amount: str | None = Field(None, max_length=20,
                               description="less than the decision's = a partial refund")
    reason: str = Field("", max_length=2000)
    by_method: list[ShareIn] | None = Field(None, max_length=8)


class RefuseIn(Schema):
    reason: str = Field(..., max_length=2000)


class PayIn(Schema):
    line: int = Field(..., ge=1, le=2**31 - 1)
    reference: str = Field("", max_length=120)


class PointsEntryOut(Schema):
    delta: int
    kind: str
    reason: str
    case: str | None
    refund: str | None
    balance_after: int
    at: datetime


class PointsOut(Schema):
    customer: str
    balance: int
    entries: list[PointsEntryOut]


# ----------------------------------------------------------------------------- helpers
def _name(user) -> str | None:
    return str(user) if user else None


def _refund_out(refund: Refund) -> dict:
    return {
        "number": refund.number, "case": refund.case.number,
        "order": refund.order.number if refund.order_id else None,
        "customer": refund.customer.code if refund.customer_id else None,
        "status": refund.status, "amount": refund.amount, "points": refund.points,
        "decision_amount": refund.decision_amount, "partial": refund.partial,
        "reason": refund.reason, "requested_by": _name(refund.requested_by),
        "requested_at": refund.requested_at, "approved_by": _name(refund.approved_by),
        "approved_at": refund.approved_at, "refusal_reason": refund.refusal_reason,
        "received_at": refund.received_at, "due_at": refund.due_at,
        "breach_at": refund.breach_at, "paid_at": refund.paid_at,
        "confirmed_at": refund.confirmed_at,
        "lines": [{
            "id": ln.pk, "method": ln.method, "amount": ln.amount, "points": ln.points,
            "coupon_code": ln.coupon_code, "route": ln.route, "route_detail": ln.route_detail,
            "paid_at": ln.paid_at,
            "payments": [{"number": p.number, "method": p.method, "amount": p.amount,
                          "gateway": p.gateway, "status": p.status, "reference": p.reference,
                          "recorded_by": _name(p.recorded_by), "recorded_at": p.recorded_at,
                          "completed_at": p.completed_at} for p in ln.payments.all()]}
            for ln in refund_lines(refund)],
    }


def _readable(request: HttpRequest) -> None:
    if not may_read_refunds(request.user):
        raise PermissionDenied(_("Your role does not see refunds."))


def _get(request: HttpRequest, number: str) -> Refund:
    _readable(request)
    return refund_get_for_user(user=request.user, number=number)


# ----------------------------------------------------------------------------- routes
@router.get("/refunds", response={200: RefundListOut, **ERRORS}, summary="List refunds")
def refund_list_api(request: HttpRequest, filters: Query[RefundFilters]):
    """Newest first; `breach=true`: not paid within the breach period after receipt (B7-31)."""
    _readable(request)
    qs = refund_list(user=request.user, status=filters.status or "",
                     method=filters.method or "", breach=filters.breach, q=filters.q)
    page = Paginator(qs, 50).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "items": [_refund_out(r) for r in page]}


@router.get("/refunds/{number}", response={200: RefundOut, **ERRORS}, summary="A refund")
def refund_get_api(request: HttpRequest, number: str):
    return _refund_out(_get(request, number))


@router.post("/cases/{number}/refunds", response={201: RefundOut, **ERRORS},
             summary="Submit a refund (customer service's first review)")
def refund_create_api(request: HttpRequest, number: str, payload: RefundIn):
    """From the case's agreed option: without `amount` the whole amount still open; less is a
    partial refund and needs `reason`. `by_method` overrides the split per original method
    (each at most what the method paid and was not refunded); `route: other` needs the
    customer's consent (who, when, how) and `route_detail`."""
    case = case_get_for_user(user=request.user, number=number)
    refund = services.refund_create(
        case=case, actor=request.user, amount=payload.amount, reason=payload.reason,
        by_method=[s.model_dump() for s in payload.by_method] if payload.by_method else None)
    return 201, _refund_out(refund)


@router.post("/refunds/{number}/approve", response={200: RefundOut, **ERRORS},
             summary="Approve a refund (finance)")
def refund_approve_api(request: HttpRequest, number: str):
    """Within the role's limit (policy `refunds.approval_limits`); never the requester (403
    `own_refund`); above the limit 403 `above_approval_limit`."""
    refund = services.refund_approve(refund=_get(request, number), actor=request.user)
    return _refund_out(refund)


@router.post("/refunds/{number}/refuse", response={200: RefundOut, **ERRORS},
             summary="Refuse a refund with a reason (finance)")
def refund_refuse_api(request: HttpRequest, number: str, payload: RefuseIn):
    refund = services.refund_refuse(refund=_get(request, number), actor=request.user,
                                    reason=payload.reason)
    return _refund_out(refund)


@router.post("/refunds/{number}/payments", response={200: RefundOut, **ERRORS},
             summary="Pay one line of an approved refund")
def refund_pay_api(request: HttpRequest, number: str, payload: PayIn,
                   idempotency_key: str = Header(..., alias="Idempotency-Key",
                                                 min_length=1, max_length=KEY_MAX)):
    """Through the line's gateway (WeChat Pay, Alipay, manual with `reference`, points and
    coupons in kind). The same `Idempotency-Key` returns the same payment; a line already paid
    under another key is 409 `line_paid`."""
    refund = _get(request, number)
    services.refund_pay(refund=refund, line=payload.line, actor=request.user,
                        idempotency_key=f"api:{request.user.pk}:{idempotency_key}",
                        reference=payload.reference)
    return _refund_out(Refund.objects.get(pk=refund.pk))


@router.get("/points/{number}", response={200: PointsOut, **ERRORS},
            summary="A member's points ledger")
def points_api(request: HttpRequest, number: str):
    """`number` is the customer code. Every earn, spend, restore and adjustment with its
    reason; the balance is their sum."""
    _readable(request)
    customer = Customer.objects.filter(code=number).first()
    if customer is None:
        raise NotFound(_("No such customer."))
    entries = list(points_ledger(customer))
    return {"customer": customer.code, "balance": services.points_balance(customer),
            "entries": [{"delta": e.delta, "kind": e.kind, "reason": e.reason,
                         "case": e.case.number if e.case_id else None,
                         "refund": e.refund.number if e.refund_id else None,
                         "balance_after": e.balance_after, "at": e.at} for e in entries]}
