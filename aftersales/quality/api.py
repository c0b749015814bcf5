"""REST: /api/v1/quality — inspections, quality exception reports (S3.2), supplier claims
(S3.5) and corrective actions (S3.6). Each route is parse → service/selector → schema; the
services check the actor (the same ones the pages use)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from aftersales.cases.selectors import case_get_for_user
from aftersales.core.api import ErrorOut
from aftersales.core.errors import NotFound, ValidationError
from aftersales.parties.models import OutsourcedFactory, Supplier
from aftersales.quality import selectors as sel
from aftersales.quality import services as svc
from aftersales.quality.models import (
    CorrectiveAction,
    Inspection,
    QualityReport,
    SupplierClaim,
)

router = Router(tags=["quality"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
Resp = Literal["", "company", "customer", "supplier", "factory", "carrier"]


# ----------------------------------------------------------------------------- schemas
class LineIn(Schema):
    case_line: int = Field(..., description="the case line's id (GET /api/v1/cases/{number})")
    quantity: int = Field(..., ge=1, le=10**9)
    defective: int = Field(0, ge=0, le=10**9)
    defect_code: str = Field("", max_length=40)
    condition: dict[str, bool] = Field(default_factory=dict,
                                       description="POLICY-API condition keys as found")
    finding: str = Field("", max_length=500)


class InspectionIn(Schema):
    case: str = Field(..., max_length=20, description="the case number")
    kind: Literal["return", "outgoing"] = Field(
        "return", description="return: the goods that came back (S2.5, S5.5); outgoing: "
                              "quality's 出货检验 of reworked goods, when the case waits for "
                              "it (S3.1)")
    result: Literal["pass", "fail"]
    responsibility: Resp = ""
    defect_code: str = Field("", max_length=40)
    damage_cause: Literal["", "misuse", "liquid", "unauthorised_repair", "force_majeure"] = ""
    report: str = Field("", max_length=20000)
    receipt_number: str = Field("", max_length=30)
    supplier: str = Field("", max_length=40, description="supplier code")
    factory: str = Field("", max_length=40, description="outsourced factory code")
    lines: list[LineIn] = Field(default_factory=list, max_length=500)
    attachments: list[int] = Field(default_factory=list, max_length=50,
                                   description="ids of the case's files to keep as the "
                                               "inspection's photos")


class LineOut(Schema):
    case_line: int
    quantity: int
    defective: int
    defect_code: str
    condition: dict
    finding: str


class InspectionOut(Schema):
    number: str
    case: str
    kind: str
    result: str
    responsibility: str
    defect_code: str
    damage_cause: str
    supplier: str | None
    factory: str | None
    receipt_number: str
    report: str
    reevaluation: dict | None
    photos: list[int]
    inspected_by: str
    inspected_at: datetime
    lines: list[LineOut]


class InspectionPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[InspectionOut]


class ResponsibilityOut(Schema):
    case: str
    responsibility: str
    inspection: str | None


class ReportIn(Schema):
    case: str = Field(..., max_length=20)
    problem: str = Field(..., max_length=5000)
    analysis: str = Field("", max_length=5000)
    responsibility: Resp = ""
    containment: str = Field("", max_length=5000)
    corrective: str = Field("", max_length=5000)
    shipped_on: date | None = None
    shipped_quantity: int | None = Field(None, ge=0, le=10**9)
    defective_quantity: int | None = Field(None, ge=0, le=10**9)
    inspection: str = Field("", max_length=30, description="inspection number")


class ReviewIn(Schema):
    approve: bool
    comment: str = Field("", max_length=5000)


class ReviseIn(Schema):
    problem: str = Field(..., max_length=5000)
    analysis: str = Field("", max_length=5000)
    responsibility: Resp = ""
    containment: str = Field("", max_length=5000)
    corrective: str = Field("", max_length=5000)


class ReportOut(Schema):
    number: str
    case: str
    status: str
    problem: str
    analysis: str
    responsibility: str
    containment: str
    corrective: str
    shipped_on: date | None
    shipped_quantity: int
    defective_quantity: int
    opened_by: str
    opened_at: datetime
    due_at: datetime | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str


class ClaimIn(Schema):
    supplier: str = Field("", max_length=40, description="supplier code (default: the "
                                                          "inspection's supplier)")
    case: str = Field("", max_length=20)
    inspection: str = Field("", max_length=30)
    material: str = Field(..., max_length=200)
    defect: str = Field(..., max_length=5000)
    defect_code: str = Field("", max_length=40)
    quantity: int = Field(..., ge=1, le=10**9)
    loss_amount: str = Field(..., max_length=20, description='yuan, e.g. "1200.00"')
    deduction_amount: str = Field(..., max_length=20)


class ClaimMoveIn(Schema):
    to: Literal["sent", "acknowledged", "disputed", "to_finance", "deducted"]
    note: str = Field("", max_length=2000)
    reference: str = Field("", max_length=80)


class ClaimEventOut(Schema):
    from_status: str
    to_status: str
    note: str
    actor: str
    at: datetime


class ClaimOut(Schema):
    number: str
    supplier: str
    case: str | None
    inspection: str | None
    material: str
    defect: str
    defect_code: str
    quantity: int
    loss_amount: str
    deduction_amount: str
    status: str
    supplier_reply: str
    finance_reference: str
    created_by: str
    created_at: datetime
    events: list[ClaimEventOut]


class ActionIn(Schema):
    description: str = Field(..., max_length=5000)
    owner: int = Field(..., description="the owner's user id")
    due_on: date
    case: str = Field("", max_length=20)
    report: str = Field("", max_length=30)


class ActionStepIn(Schema):
    note: str = Field(..., max_length=5000)
    effective: bool = True


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due_on: date
    status: str
    overdue: bool
    case: str | None
    report: str | None
    done_note: str
    verification: str


class PageQuery(Schema):
    q: str = Field("", max_length=60)
    result: Literal["", "pass", "fail"] = ""
    page: int = Field(1, ge=1, le=10**6)
    per_page: int = Field(50, ge=1, le=200)


class ClaimQuery(Schema):
    status: Literal["", "draft", "sent", "acknowledged", "disputed", "to_finance",
                    "deducted"] = ""


# ----------------------------------------------------------------------------- helpers
def _case(request, number: str):
    return case_get_for_user(user=request.user, number=number)


def _party(model, code: str, field: str):
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(_("Unknown code."), fields={field: _("unknown")})
    return found


def _inspection_out(i: Inspection) -> dict:
    return {"number": i.number, "case": i.case.number, "kind": i.kind, "result": i.result,
            "responsibility": i.responsibility, "defect_code": i.defect_code,
            "damage_cause": i.damage_cause,
            "supplier": i.supplier.code if i.supplier else None,
            "factory": i.factory.code if i.factory else None,
            "receipt_number": i.receipt_number, "report": i.report,
            "reevaluation": i.reevaluation, "photos": [p.pk for p in i.photos.all()],
            "inspected_by": str(i.inspected_by),
            "inspected_at": i.inspected_at,
            "lines": [{"case_line": ln.case_line_id, "quantity": ln.quantity,
                       "defective": ln.defective, "defect_code": ln.defect_code,
                       "condition": ln.condition, "finding": ln.finding}
                      for ln in i.lines.all()]}


def _report_out(r: QualityReport) -> dict:
    return {"number": r.number, "case": r.case.number, "status": r.status,
            "problem": r.problem, "analysis": r.analysis, "responsibility": r.responsibility,
            "containment": r.containment, "corrective": r.corrective,
            "shipped_on": r.shipped_on, "shipped_quantity": r.shipped_quantity,
            "defective_quantity": r.defective_quantity, "opened_by": str(r.opened_by),
            "opened_at": r.opened_at, "due_at": r.due_at,
            "reviewed_by": str(r.reviewed_by) if r.reviewed_by else None,
            "reviewed_at": r.reviewed_at, "review_comment": r.review_comment}


def _claim_out(c: SupplierClaim) -> dict:
    return {"number": c.number, "supplier": c.supplier.code,
            "case": c.case.number if c.case else None,
            "inspection": c.inspection.number if c.inspection else None,
            "material": c.material, "defect": c.defect, "defect_code": c.defect_code,
            "quantity": c.quantity, "loss_amount": str(c.loss_amount),
            "deduction_amount": str(c.deduction_amount), "status": c.status,
            "supplier_reply": c.supplier_reply, "finance_reference": c.finance_reference,
            "created_by": str(c.created_by), "created_at": c.created_at,
            "events": [{"from_status": e.from_status, "to_status": e.to_status,
                        "note": e.note, "actor": str(e.actor), "at": e.at}
                       for e in c.events.select_related("actor")]}


def _action_out(a: CorrectiveAction) -> dict:
    from django.utils import timezone

    return {"id": a.pk, "description": a.description, "owner": str(a.owner),
            "due_on": a.due_on, "status": a.status,
            "overdue": a.status == "open" and a.due_on < timezone.localdate(),
            "case": a.case.number if a.case else None,
            "report": a.report.number if a.report else None,
            "done_note": a.done_note, "verification": a.verification}


# ----------------------------------------------------------------------------- inspections
@router.get("/inspections", response={200: InspectionPageOut, **ERRORS},
            summary="List or search inspections")
def inspection_list(request: HttpRequest, filters: Query[PageQuery]):
    from django.core.paginator import Paginator

    page = Paginator(sel.inspection_search(request.user, q=filters.q, result=filters.result),
                     filters.per_page).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "items": [_inspection_out(i) for i in page]}


@router.post("/inspections", response={201: InspectionOut, **ERRORS},
             summary="Record an inspection (result, defect, responsibility)")
def inspection_create(request: HttpRequest, payload: InspectionIn):
    """Sets the case's inspection_passed / quality_judgment / factory_responsible facts and
    re-evaluates the policy decision when the inspected condition differs; of kind
    `outgoing`, sets outgoing_inspection (passed) or sends the goods back to rework (failed),
    409 `outgoing_inspection_not_due` when the case is not waiting for it. Photos: attach
    them to the case (POST /api/v1/cases/{number}/attachments) and name their ids in
    `attachments`; an id not on the case is 422."""
    case = _case(request, payload.case)
    inspection = svc.inspection_record(
        case=case, actor=request.user, result=payload.result,
        responsibility=payload.responsibility, defect_code=payload.defect_code,
        damage_cause=payload.damage_cause, report=payload.report,
        receipt_number=payload.receipt_number,
        supplier=_party(Supplier, payload.supplier, "supplier"),
        factory=_party(OutsourcedFactory, payload.factory, "factory"),
        lines=[svc.LineFinding(**ln.model_dump()) for ln in payload.lines],
        attachments=payload.attachments, kind=payload.kind)
    return Status(201, _inspection_out(inspection))


@router.get("/inspections/{number}", response={200: InspectionOut, **ERRORS},
            summary="One inspection")
def inspection_get(request: HttpRequest, number: str):
    return _inspection_out(sel.inspection_get(request.user, number))


@router.get("/cases/{number}/responsibility", response={200: ResponsibilityOut, **ERRORS},
            summary="Who is responsible for a case, by its inspection")
def case_responsibility(request: HttpRequest, number: str):
    case = _case(request, number)
    if not sel.may_read_quality(request.user):
        raise NotFound(_("No such case."))
    inspection = sel.inspection_for_case(case)
    return {"case": case.number, "responsibility": sel.responsibility_of(case),
            "inspection": inspection.number if inspection else None}


# ----------------------------------------------------------------------------- reports
@router.post("/reports", response={201: ReportOut, **ERRORS},
             summary="Open the quality exception report (S3.2)")
def report_create(request: HttpRequest, payload: ReportIn):
    case = _case(request, payload.case)
    inspection = (sel.inspection_get(request.user, payload.inspection)
                  if payload.inspection else None)
    report = svc.quality_report_open(
        case=case, actor=request.user, problem=payload.problem, analysis=payload.analysis,
        responsibility=payload.responsibility, containment=payload.containment,
        corrective=payload.corrective, shipped_on=payload.shipped_on,
        shipped_quantity=payload.shipped_quantity,
        defective_quantity=payload.defective_quantity, inspection=inspection)
    return Status(201, _report_out(report))


@router.get("/reports/{number}", response={200: ReportOut, **ERRORS}, summary="One report")
def report_get(request: HttpRequest, number: str):
    return _report_out(sel.report_get(request.user, number))


@router.post("/reports/{number}/review", response={200: ReportOut, **ERRORS},
             summary="The sales VP approves or returns the report")
def report_review(request: HttpRequest, number: str, payload: ReviewIn):
    """Only the sales VP, never the report's author (403); a comment is required to
    return it (422)."""
    report = svc.quality_report_review(report=sel.report_get(request.user, number),
                                       actor=request.user, approve=payload.approve,
                                       comment=payload.comment)
    return _report_out(report)


@router.post("/reports/{number}/revise", response={200: ReportOut, **ERRORS},
             summary="Rework a returned report")
def report_revise(request: HttpRequest, number: str, payload: ReviseIn):
    report = svc.quality_report_revise(report=sel.report_get(request.user, number),
                                       actor=request.user, **payload.model_dump())
    return _report_out(report)


# ----------------------------------------------------------------------------- claims
@router.get("/claims", response={200: list[ClaimOut], **ERRORS},
            summary="Supplier claims (material exception letters)")
def claim_list(request: HttpRequest, filters: Query[ClaimQuery]):
    qs = sel.claims_visible_to(request.user).order_by("-created_at", "-id")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [_claim_out(c) for c in qs[:200]]


@router.post("/claims", response={201: ClaimOut, **ERRORS},
             summary="Draft a material exception letter to a supplier (S3.5)")
def claim_create(request: HttpRequest, payload: ClaimIn):
    case = _case(request, payload.case) if payload.case else None
    inspection = (sel.inspection_get(request.user, payload.inspection)
                  if payload.inspection else None)
    claim = svc.supplier_claim_create(
        actor=request.user, supplier=_party(Supplier, payload.supplier, "supplier"),
        case=case, inspection=inspection, material=payload.material, defect=payload.defect,
        defect_code=payload.defect_code, quantity=payload.quantity,
        loss_amount=payload.loss_amount, deduction_amount=payload.deduction_amount)
    return Status(201, _claim_out(claim))


@router.get("/claims/{number}", response={200: ClaimOut, **ERRORS}, summary="One claim")
def claim_get(request: HttpRequest, number: str):
    return _claim_out(sel.claim_get(request.user, number))


@router.post("/claims/{number}/status", response={200: ClaimOut, **ERRORS},
             summary="Move a claim: sent, acknowledged, disputed, to finance, deducted")
def claim_move(request: HttpRequest, number: str, payload: ClaimMoveIn):
    """409 for a move its status doesn't allow; the deduction only by finance with its
    reference, never by the claim's issuer (403)."""
    claim = svc.supplier_claim_move(claim=sel.claim_get(request.user, number),
                                    actor=request.user, to=payload.to, note=payload.note,
                                    reference=payload.reference)
    return _claim_out(claim)


# ----------------------------------------------------------------------------- actions
@router.get("/actions", response={200: list[ActionOut], **ERRORS},
            summary="Open corrective actions, overdue first")
def action_list(request: HttpRequest):
    return [_action_out(a) for a in sel.actions_open_overdue_first(request.user)[:500]]


@router.post("/actions", response={201: ActionOut, **ERRORS},
             summary="Order a corrective action (S3.6)")
def action_create(request: HttpRequest, payload: ActionIn):
    report = sel.report_get(request.user, payload.report) if payload.report else None
    case = _case(request, payload.case) if payload.case else None
    owner = get_user_model().objects.filter(pk=payload.owner, is_active=True).first()
    action = svc.corrective_action_create(actor=request.user, description=payload.description,
                                          owner=owner, due_on=payload.due_on, case=case,
                                          report=report)
    return Status(201, _action_out(action))


def _action(request, pk: int) -> CorrectiveAction:
    found = sel.actions_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such corrective action."))
    return found


@router.post("/actions/{pk}/done", response={200: ActionOut, **ERRORS},
             summary="The owner reports the action done")
def action_done(request: HttpRequest, pk: int, payload: ActionStepIn):
    return _action_out(svc.corrective_action_done(action=_action(request, pk),
                                                  actor=request.user, note=payload.note))


@router.post("/actions/{pk}/verify", response={200: ActionOut, **ERRORS},
             summary="Quality verifies the action (not its owner)")
def action_verify(request: HttpRequest, pk: int, payload: ActionStepIn):
    return _action_out(svc.corrective_action_verify(
        action=_action(request, pk), actor=request.user, verification=payload.note,
        effective=payload.effective))


