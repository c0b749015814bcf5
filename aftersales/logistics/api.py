"""REST: /api/v1/returns — return authorizations (RMA), the customer's parcel, receipts and
discrepancies, the 退货处理单 and its signatures, dispositions and the ledger, replacement
shipments. Each route is parse → service/selector → schema; the services check the actor."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from aftersales.cases.selectors import case_get_for_user, cases_visible_to
from aftersales.core.api import ErrorOut
from aftersales.core.errors import NotFound
from aftersales.core.money import Amount
from aftersales.logistics import selectors as sel
from aftersales.logistics import services as svc
from aftersales.logistics.errors import LogisticsErrorCode
from aftersales.logistics.models import (
    Discrepancy,
    Receipt,
    ReceiptLine,
    ReturnAuthorization,
    ReturnForm,
    Shipment,
    StockMovement,
)

router = Router(tags=["returns"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
Destination = Literal["factory", "plant", "returns_warehouse"]
ConditionCode = Literal["intact", "damaged", "missing_parts", "wrong_item"]
DispositionCode = Literal["restock", "rework_stock", "repair_return", "scrap", "return_supplier"]


# ----------------------------------------------------------------------------- schemas
class RmaLineIn(Schema):
    case_line: int = Field(..., ge=1, le=2**62, description="the case line's id")
    quantity: int = Field(..., ge=1, le=10**9)


class RmaIn(Schema):
    case: str = Field(..., max_length=20, description="the case number")
    lines: list[RmaLineIn] | None = Field(None, max_length=500,
                                          description="default: every case line, all of it")
    destination: Destination | None = Field(None, description="default: the policy's routing")
    instructions: str = Field("", max_length=2000)
    advance_replacement: bool = False


class RmaLineOut(Schema):
    id: int
    case_line: int
    name: str
    quantity: int


class RmaOut(Schema):
    number: str
    case: str
    trip: int
    status: str
    destination: str
    factory: str | None
    address_name: str
    address: str
    address_contact: str
    address_phone: str
    instructions: str
    shipping_paid_by: str
    ship_back_by: datetime | None
    advance_replacement: bool
    defective_due_by: datetime | None
    courier: str
    tracking_number: str
    freight_cost: Decimal | None
    shipped_at: datetime | None
    received_at: datetime | None
    lines: list[RmaLineOut]


class RmaPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[RmaOut]


class RmaQuery(Schema):
    q: str = Field("", max_length=80)
    status: Literal["", "open", "issued", "shipped", "partly_received", "received",
                    "closed"] = ""
    page: int = Field(1, ge=1, le=10**6)
    per_page: int = Field(50, ge=1, le=200)


class FindQuery(Schema):
    q: str = Field(..., min_length=1, max_length=80,
                   description="an RMA number, a case number or a tracking number")


class ShipIn(Schema):
    courier: str = Field(..., max_length=60)
    tracking_number: str = Field(..., max_length=60)
    freight_cost: Amount | None = Field(None, description="when the company pays the freight")


class ReceiptLineIn(Schema):
    rma_line: int = Field(..., ge=1, le=2**62, description="the RMA line's id")
    quantity: int = Field(..., ge=0, le=10**9)
    condition: ConditionCode = "intact"
    note: str = Field("", max_length=200)


class ReceiptIn(Schema):
    lines: list[ReceiptLineIn] = Field(..., min_length=1, max_length=500)
    note: str = Field("", max_length=2000)


class ReceiptLineOut(Schema):
    id: int
    rma_line: int
    quantity: int
    condition: str
    note: str


class DiscrepancyOut(Schema):
    id: int
    case: str
    rma: str
    receipt: str
    kind: str
    description: str
    opened_at: datetime
    outcome: str
    outcome_note: str
    settled_at: datetime | None


class ReceiptOut(Schema):
    number: str
    rma: str
    case: str
    location: str
    received_at: datetime
    received_by: str
    complete: bool
    note: str
    lines: list[ReceiptLineOut]
    discrepancies: list[DiscrepancyOut]


class SettleIn(Schema):
    outcome: Literal["accept", "send_rest", "reject"]
    note: str = Field(..., max_length=2000)


class FormIn(Schema):
    case: str = Field(..., max_length=20)
    reason: str = Field("", max_length=2000)
    batch: str = Field("", max_length=60)
    return_to_customer: bool = False
    rework_into_stock: bool = False
    note: str = Field("", max_length=2000)


class SignIn(Schema):
    role: Literal["quality_follower", "factory"]


class SignatureOut(Schema):
    role: str
    name: str
    signed_at: datetime


class FormLineOut(Schema):
    product_name: str
    model: str
    color: str
    spec: str
    quantity: int
    unit: str


class FormOut(Schema):
    number: str
    case: str
    customer_name: str
    order_number: str
    reason: str
    batch: str
    factory: str | None
    return_to_customer: bool
    rework_into_stock: bool
    lines: list[FormLineOut]
    signatures: list[SignatureOut]
    archived: bool


class DispositionIn(Schema):
    receipt_line: int = Field(..., ge=1, le=2**62, description="the receipt line's id")
    disposition: DispositionCode
    quantity: int = Field(..., ge=1, le=10**9)
    note: str = Field("", max_length=200)


class MovementOut(Schema):
    id: int
    at: datetime
    kind: str
    case: str
    rma: str | None
    sku: str
    quantity: int
    from_location: str
    to_location: str
    disposition: str
    note: str
    by: str


class LedgerQuery(Schema):
    q: str = Field("", max_length=80)
    page: int = Field(1, ge=1, le=10**6)
    per_page: int = Field(100, ge=1, le=500)


class LedgerOut(Schema):
    count: int
    page: int
    pages: int
    items: list[MovementOut]


class ShipmentLineIn(Schema):
    sku: str = Field(..., max_length=60)
    quantity: int = Field(..., ge=1, le=100000)


class ShipmentIn(Schema):
    case: str = Field(..., max_length=20)
    courier: str = Field(..., max_length=40)
    tracking_number: str = Field(..., max_length=60)
    freight_cost: Amount = Decimal("0")
    lines: list[ShipmentLineIn] | None = Field(None, max_length=500,
                                               description="default: the case's goods")


class ShipmentOut(Schema):
    number: str
    case: str
    rma: str | None
    courier: str
    tracking_number: str
    freight_cost: Decimal
    shipped_at: datetime
    lines: list[ShipmentLineIn]


# ----------------------------------------------------------------------------- helpers
def _rma_out(r: ReturnAuthorization) -> dict:
    return {
        "number": r.number, "case": r.case.number, "trip": r.trip, "status": r.status,
        "destination": r.destination, "factory": r.factory.code if r.factory_id else None,
        "address_name": r.address_name, "address": r.address,
        "address_contact": r.address_contact, "address_phone": r.address_phone,
        "instructions": r.instructions, "shipping_paid_by": r.shipping_paid_by,
        "ship_back_by": r.ship_back_by, "advance_replacement": r.advance_replacement,
        "defective_due_by": r.defective_due_by, "courier": r.courier,
        "tracking_number": r.tracking_number, "freight_cost": r.freight_cost,
        "shipped_at": r.shipped_at, "received_at": r.received_at,
        "lines": [{"id": ln.pk, "case_line": ln.case_line_id,
                   "name": ln.case_line.order_line.name, "quantity": ln.quantity}
                  for ln in r.lines.select_related("case_line__order_line")]}


def _discrepancy_out(d: Discrepancy) -> dict:
    return {"id": d.pk, "case": d.case.number, "rma": d.rma.number, "receipt": d.receipt.number,
            "kind": d.kind, "description": d.description, "opened_at": d.opened_at,
            "outcome": d.outcome, "outcome_note": d.outcome_note, "settled_at": d.settled_at}


def _receipt_out(r: Receipt) -> dict:
    return {"number": r.number, "rma": r.rma.number, "case": r.case.number,
            "location": r.location, "received_at": r.received_at,
            "received_by": r.received_by_label, "complete": r.complete, "note": r.note,
            "lines": [{"id": ln.pk, "rma_line": ln.rma_line_id, "quantity": ln.quantity,
                       "condition": ln.condition, "note": ln.note} for ln in r.lines.all()],
            "discrepancies": [_discrepancy_out(d) for d in r.discrepancies.select_related(
                "case", "rma", "receipt")]}


def _form_out(f: ReturnForm) -> dict:
    return {"number": f.number, "case": f.case.number, "customer_name": f.customer_name,
            "order_number": f.order_number, "reason": f.reason, "batch": f.batch,
            "factory": f.factory.code if f.factory_id else None,
            "return_to_customer": f.return_to_customer,
            "rework_into_stock": f.rework_into_stock,
            "lines": [{"product_name": ln.product_name, "model": ln.model, "color": ln.color,
                       "spec": ln.spec, "quantity": ln.quantity, "unit": ln.unit}
                      for ln in f.lines.all()],
            "signatures": [{"role": s.role, "name": s.name, "signed_at": s.signed_at}
                           for s in f.signatures.all()],
            "archived": f.archived_id is not None}


def _movement_out(m: StockMovement) -> dict:
    return {"id": m.pk, "at": m.at, "kind": m.kind, "case": m.case.number,
            "rma": m.rma.number if m.rma_id else None, "sku": m.product.sku,
            "quantity": m.quantity, "from_location": m.from_location,
            "to_location": m.to_location, "disposition": m.disposition, "note": m.note,
            "by": m.actor_label}


def _shipment_out(s: Shipment) -> dict:
    return {"number": s.number, "case": s.case.number, "rma": s.rma.number if s.rma_id else None,
            "courier": s.courier, "tracking_number": s.tracking_number,
            "freight_cost": s.freight_cost, "shipped_at": s.shipped_at,
            "lines": [{"sku": ln.product.sku, "quantity": ln.quantity}
                      for ln in s.lines.select_related("product")]}


def _rma(request, number: str) -> ReturnAuthorization:
    rma = sel.rma_get_for_user(user=request.user, number=number)
    if rma is None:
        raise NotFound(_("No such return authorization."), code=LogisticsErrorCode.RMA_NOT_FOUND)
    return rma


def _form(request, number: str) -> ReturnForm:
    form = ReturnForm.objects.select_related("case", "factory").filter(
        number=str(number).strip().upper()[:40],
        case__in=cases_visible_to(request.user)).first()
    if form is None:
        raise NotFound(_("No such form."))
    return form


# ----------------------------------------------------------------------------- RMA
@router.get("/rmas", response={200: RmaPageOut, **ERRORS}, summary="List or search RMAs")
def rma_list(request: HttpRequest, filters: Query[RmaQuery]):
    page = Paginator(sel.rma_search(user=request.user, q=filters.q, status=filters.status),
                     filters.per_page).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "items": [_rma_out(r) for r in page]}


@router.post("/rmas", response={201: RmaOut, **ERRORS},
             summary="Issue the return authorization of a case (S2.6, S5.2)")
def rma_create(request: HttpRequest, payload: RmaIn):
    """The address comes from the policy's `returns.routing` unless `destination` is given;
    sets the case's `rma_issued` and tells the customer the number, address and
    instructions."""
    case = case_get_for_user(user=request.user, number=payload.case)
    rma = svc.rma_issue(case=case, actor=request.user,
                        lines=[ln.model_dump() for ln in payload.lines]
                        if payload.lines is not None else None,
                        destination=payload.destination, instructions=payload.instructions,
                        advance_replacement=payload.advance_replacement)
    return Status(201, _rma_out(rma))


@router.get("/find", response={200: RmaOut, **ERRORS},
            summary="Find an RMA by its number, the case number or a tracking number")
def rma_find(request: HttpRequest, filters: Query[FindQuery]):
    rma = sel.rma_find(user=request.user, query=filters.q)
    if rma is None:
        raise NotFound(_("No such return authorization."), code=LogisticsErrorCode.RMA_NOT_FOUND)
    return _rma_out(rma)


@router.get("/rmas/{number}", response={200: RmaOut, **ERRORS}, summary="One RMA")
def rma_get(request: HttpRequest, number: str):
    return _rma_out(_rma(request, number))


@router.post("/rmas/{number}/shipment", response={200: RmaOut, **ERRORS},
             summary="The customer's parcel: courier, tracking number, freight (S5.4)")
def rma_ship(request: HttpRequest, number: str, payload: ShipIn):
    rma = svc.rma_ship(rma=_rma(request, number), actor=request.user, courier=payload.courier,
                       tracking_number=payload.tracking_number,
                       freight_cost=payload.freight_cost)
    return _rma_out(rma)


# ----------------------------------------------------------------------------- receipt
@router.post("/rmas/{number}/receipts", response={201: ReceiptOut, **ERRORS},
             summary="Record a receipt: quantity and condition per RMA line (S3.3, S5.5)")
def receipt_create(request: HttpRequest, number: str, payload: ReceiptIn):
    """More than authorized, or a receipt once everything is in, is refused. A mismatch opens
    a discrepancy for the sales specialist. Photos: record on the receipt page or attach them
    to the case."""
    receipt = svc.receipt_record(rma=_rma(request, number), actor=request.user,
                                 lines=[ln.model_dump() for ln in payload.lines],
                                 note=payload.note)
    return Status(201, _receipt_out(receipt))


@router.get("/receipts/{number}", response={200: ReceiptOut, **ERRORS}, summary="One receipt")
def receipt_get(request: HttpRequest, number: str):
    receipt = sel.receipts_visible_to(request.user).filter(
        number=str(number).strip().upper()[:40]).first()
    if receipt is None:
        raise NotFound(_("No such receipt."))
    return _receipt_out(receipt)


@router.get("/discrepancies", response={200: list[DiscrepancyOut], **ERRORS},
            summary="Open discrepancies to settle with the customer (S2.7)")
def discrepancy_list(request: HttpRequest):
    return [_discrepancy_out(d) for d in sel.discrepancies_open(user=request.user)[:500]]


@router.post("/receipts/{number}/discrepancy", response={200: DiscrepancyOut, **ERRORS},
             summary="Settle the receipt's discrepancy with the customer's written outcome")
def discrepancy_settle(request: HttpRequest, number: str, payload: SettleIn):
    found = Discrepancy.objects.filter(
        receipt__in=sel.receipts_visible_to(request.user),
        receipt__number=str(number).strip().upper()[:40]).order_by("-id").first()
    if found is None:
        raise NotFound(_("No such discrepancy."))
    d = svc.discrepancy_settle(discrepancy=found, actor=request.user, outcome=payload.outcome,
                               note=payload.note)
    return _discrepancy_out(Discrepancy.objects.select_related("case", "rma", "receipt")
                            .get(pk=d.pk))


# ----------------------------------------------------------------------------- 退货处理单
@router.post("/forms", response={201: FormOut, **ERRORS},
             summary="Fill in the return processing form 《退货处理单》 (S2.4)")
def form_create(request: HttpRequest, payload: FormIn):
    case = case_get_for_user(user=request.user, number=payload.case)
    form = svc.return_form_create(case=case, actor=request.user, reason=payload.reason,
                                  batch=payload.batch,
                                  return_to_customer=payload.return_to_customer,
                                  rework_into_stock=payload.rework_into_stock,
                                  note=payload.note)
    return Status(201, _form_out(form))


@router.get("/forms/{number}", response={200: FormOut, **ERRORS}, summary="One form")
def form_get(request: HttpRequest, number: str):
    return _form_out(_form(request, number))


@router.post("/forms/{number}/signatures", response={200: FormOut, **ERRORS},
             summary="Sign the form at hand-over (S2.6)")
def form_sign(request: HttpRequest, number: str, payload: SignIn):
    form = svc.return_form_sign(form=_form(request, number), actor=request.user,
                                role=payload.role)
    return _form_out(form)


# ----------------------------------------------------------------------------- stock
@router.post("/receipts/{number}/dispositions", response={201: MovementOut, **ERRORS},
             summary="Dispose of received units (restock, rework into stock, …)")
def disposition_create(request: HttpRequest, number: str, payload: DispositionIn):
    line = ReceiptLine.objects.filter(
        receipt__in=sel.receipts_visible_to(request.user),
        receipt__number=str(number).strip().upper()[:40], pk=payload.receipt_line).first()
    if line is None:
        raise NotFound(_("No such receipt line."))
    movement = svc.disposition_record(receipt_line=line, actor=request.user,
                                      disposition=payload.disposition,
                                      quantity=payload.quantity, note=payload.note)
    return Status(201, _movement_out(movement))


@router.get("/ledger", response={200: LedgerOut, **ERRORS},
            summary="The returned-goods ledger (every movement)")
def ledger(request: HttpRequest, filters: Query[LedgerQuery]):
    page = Paginator(sel.ledger(user=request.user, q=filters.q),
                     filters.per_page).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "items": [_movement_out(m) for m in page]}


@router.post("/shipments", response={201: ShipmentOut, **ERRORS},
             summary="Ship a replacement to the customer (S4.3, S8.1)")
def shipment_create(request: HttpRequest, payload: ShipmentIn):
    case = case_get_for_user(user=request.user, number=payload.case)
    shipment = svc.shipment_create(
        case=case, actor=request.user, courier=payload.courier,
        tracking_number=payload.tracking_number, freight_cost=payload.freight_cost,
        lines=[{"sku": ln.sku, "quantity": ln.quantity} for ln in payload.lines]
        if payload.lines is not None else None)
    return Status(201, _shipment_out(shipment))
