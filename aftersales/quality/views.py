"""Quality pages (thin): the quality home, inspections (list, form, detail, PDF), the quality
exception report (form, review, PDF), supplier claims (list, form, status, PDF) and corrective
actions. Every action goes through quality.services; errors are shown on the form. The four
lists and their Excel exports are in views_lists."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from aftersales.cases.selectors import case_document, case_get_for_user
from aftersales.core.errors import ApplicationError, NotFound, ValidationError
from aftersales.core.labels import pick_label
from aftersales.documents.printing import pdf_response
from aftersales.parties.models import OutsourcedFactory, Supplier
from aftersales.policy.forms import CONDITIONS, DAMAGE_CHOICES
from aftersales.quality import selectors as sel
from aftersales.quality import services as svc
from aftersales.quality.models import (
    CLAIM_MOVES,
    ClaimStatus,
    InspectionKind,
    InspectionResult,
    Responsibility,
)
from aftersales.quality.printing import claim_pdf, inspection_pdf, report_pdf
from aftersales.quality.section import defect_codes_of, warehouse_inspects
from aftersales.quality.services.common import (
    ACTION_ORDERERS,
    CLAIM_FINANCE,
    CLAIM_ISSUERS,
    INSPECTORS,
    RECEIPT_INSPECTORS,
    REPORT_OPENERS,
    REPORT_REVIEWERS,
    roles_of,
)


def _case(request, number: str):
    try:
        return case_get_for_user(user=request.user, number=number)
    except NotFound:
        raise Http404(_("No such case.")) from None


def _or_404(fn, *args):
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None


def _require_reader(request):
    if not (sel.may_read_quality(request.user) or sel.may_read_claims(request.user)):
        raise Http404(_("No such page."))


def _int(value, name: str, *, default=None):
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(pgettext("quality", "Enter a whole number."),
                              fields={name: _("a whole number")}) from None


def _date(value, name: str):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise ValidationError(_("Enter a date."), fields={name: _("a date")}) from None


def _defects(document: dict) -> list[tuple[str, str]]:
    return [(c.code, pick_label(c.label, c.code)) for c in defect_codes_of(document).values()]


# ------------------------------------------------------------------------------ home
@login_required
def home(request: HttpRequest) -> TemplateResponse:
    _require_reader(request)
    user = request.user
    roles = roles_of(user)
    return TemplateResponse(request, "quality/home.html", {
        "to_inspect": sel.cases_awaiting_inspection(user)[:50],
        "to_review": sel.reports_awaiting_review(user) if roles & REPORT_REVIEWERS else None,
        "actions": sel.actions_open_overdue_first(user)[:50],
        "today": timezone.localdate(),
        "recent": sel.inspection_search(user)[:10],
        "claims": sel.claims_visible_to(user).exclude(status=ClaimStatus.DEDUCTED)[:20],
    })


# ------------------------------------------------------------------------------ inspections
def _inspection_input(request, case) -> dict:
    p = request.POST
    lines = []
    for line in case.lines.all():
        qty = _int(p.get(f"qty_{line.pk}"), f"lines.{line.pk}.quantity")
        if not qty:
            continue
        condition = {}
        for key, _label, _default in CONDITIONS:
            v = p.get(f"cond_{line.pk}_{key}", "")
            if v in ("1", "0"):
                condition[key] = v == "1"
        lines.append(svc.LineFinding(
            case_line=line.pk, quantity=qty,
            defective=_int(p.get(f"defective_{line.pk}"), f"lines.{line.pk}.defective",
                           default=0),
            defect_code=p.get(f"defect_{line.pk}", ""), condition=condition,
            finding=p.get(f"finding_{line.pk}", "")))
    supplier = Supplier.objects.filter(pk=_int(p.get("supplier"), "supplier")).first() \
        if p.get("supplier") else None
    factory = OutsourcedFactory.objects.filter(pk=_int(p.get("factory"), "factory")).first() \
        if p.get("factory") else None
    return {"result": p.get("result", ""), "responsibility": p.get("responsibility", ""),
            "defect_code": p.get("defect_code", ""), "lines": lines,
            "report": p.get("report", ""), "photos": request.FILES.getlist("photos"),
            "report_upload": request.FILES.get("report_file"),
            "receipt_number": p.get("receipt_number", ""),
            "damage_cause": p.get("damage_cause", ""), "supplier": supplier,
            "factory": factory, "kind": p.get("kind") or InspectionKind.RETURN}


@login_required
def inspection_create(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    document = case_document(case)
    roles = roles_of(request.user)
    # ?kind=outgoing: quality's 出货检验 of reworked goods (S3.1), a shorter form
    outgoing = (request.POST.get("kind") or request.GET.get("kind")) == InspectionKind.OUTGOING
    if not (roles & INSPECTORS or (roles & RECEIPT_INSPECTORS and warehouse_inspects(document)
                                   and not outgoing)):
        raise Http404(_("No such page."))
    error, fields = "", {}
    if request.method == "POST":
        try:
            inspection = svc.inspection_record(case=case, actor=request.user,
                                               **_inspection_input(request, case))
        except ApplicationError as exc:
            error, fields = str(exc.message), exc.fields or {}
        else:
            messages.success(request, _("Inspection %(n)s recorded.") % {"n": inspection.number})
            return redirect("cases:detail", number=case.number)
    return TemplateResponse(request, "quality/inspection_form.html", {
        "case": case, "lines": list(case.lines.select_related("order_line__product")),
        "outgoing": outgoing, "due": not outgoing or svc.outgoing_due(case),
        "title": InspectionKind.OUTGOING.label if outgoing else _("Record an inspection"),
        "defects": _defects(document), "conditions": CONDITIONS,
        "damage_choices": DAMAGE_CHOICES, "results": InspectionResult.choices,
        "responsibilities": Responsibility.choices,
        "suppliers": Supplier.objects.order_by("code")[:200],
        "factories": OutsourcedFactory.objects.order_by("code")[:200],
        "error": error, "error_fields": fields, "post": request.POST},
        status=422 if error else 200)


@login_required
def inspection_detail(request: HttpRequest, number: str) -> TemplateResponse:
    inspection = _or_404(sel.inspection_get, request.user, number)
    document = case_document(inspection.case)
    labels = dict(_defects(document))
    return TemplateResponse(request, "quality/inspection_detail.html", {
        "i": inspection, "defect_label": labels.get(inspection.defect_code,
                                                    inspection.defect_code),
        "lines": [(ln, labels.get(ln.defect_code, ln.defect_code))
                  for ln in inspection.lines.select_related("case_line__order_line__product")],
    })


@login_required
def inspection_print(request: HttpRequest, number: str) -> HttpResponse:
    inspection = _or_404(sel.inspection_get, request.user, number)
    return pdf_response(inspection_pdf(inspection), filename=f"{inspection.number}.pdf")


# ------------------------------------------------------------------------------ reports
def _report_fields(p) -> dict:
    return {k: p.get(k, "") for k in ("problem", "analysis", "responsibility", "containment",
                                      "corrective")}


@login_required
def report_create(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if not roles_of(request.user) & REPORT_OPENERS:
        raise Http404(_("No such page."))
    error, fields = "", {}
    if request.method == "POST":
        p = request.POST
        try:
            report = svc.quality_report_open(
                case=case, actor=request.user, **_report_fields(p),
                shipped_quantity=_int(p.get("shipped_quantity"), "shipped_quantity"),
                defective_quantity=_int(p.get("defective_quantity"), "defective_quantity"),
                shipped_on=_date(p["shipped_on"], "shipped_on") if p.get("shipped_on")
                else None,
                inspection=case.inspections.order_by("-inspected_at").first())
        except ApplicationError as exc:
            error, fields = str(exc.message), exc.fields or {}
        else:
            messages.success(request, _("Report %(n)s opened.") % {"n": report.number})
            return redirect("cases:detail", number=case.number)
    inspection = case.inspections.order_by("-inspected_at").first()
    return TemplateResponse(request, "quality/report_form.html", {
        "case": case, "responsibilities": Responsibility.choices,
        "initial": {"analysis": inspection.report if inspection else "",
                    "responsibility": inspection.responsibility if inspection else ""},
        "error": error, "error_fields": fields, "post": request.POST},
        status=422 if error else 200)


@login_required
def report_detail(request: HttpRequest, number: str) -> TemplateResponse:
    report = _or_404(sel.report_get, request.user, number)
    roles = roles_of(request.user)
    return TemplateResponse(request, "quality/report_detail.html", {
        "r": report, "responsibilities": Responsibility.choices,
        "may_review": bool(roles & REPORT_REVIEWERS) and report.status == "open"
        and report.opened_by_id != request.user.pk,
        "may_revise": bool(roles & REPORT_OPENERS) and report.status == "returned",
        "may_order": bool(roles & ACTION_ORDERERS),
        "owners": get_user_model().objects.filter(is_active=True).order_by("username")[:300],
        "actions": report.actions.select_related("owner"),
    })


@login_required
@require_POST
def report_review(request: HttpRequest, number: str) -> HttpResponse:
    report = _or_404(sel.report_get, request.user, number)
    try:
        svc.quality_report_review(report=report, actor=request.user,
                                  approve=request.POST.get("approve") == "1",
                                  comment=request.POST.get("comment", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("quality:report_detail", number=report.number)
    messages.success(request, _("Your review is recorded."))
    return redirect("cases:detail", number=report.case.number)


@login_required
@require_POST
def report_revise(request: HttpRequest, number: str) -> HttpResponse:
    report = _or_404(sel.report_get, request.user, number)
    try:
        svc.quality_report_revise(report=report, actor=request.user,
                                  **_report_fields(request.POST))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("quality:report_detail", number=report.number)


@login_required
def report_print(request: HttpRequest, number: str) -> HttpResponse:
    report = _or_404(sel.report_get, request.user, number)
    return pdf_response(report_pdf(report), filename=f"{report.number}.pdf")


# ------------------------------------------------------------------------------ claims
@login_required
def claim_create(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if not roles_of(request.user) & CLAIM_ISSUERS:
        raise Http404(_("No such page."))
    inspection = case.inspections.order_by("-inspected_at").first()
    error, fields = "", {}
    if request.method == "POST":
        p = request.POST
        try:
            supplier = Supplier.objects.filter(pk=_int(p.get("supplier"), "supplier")).first() \
                if p.get("supplier") else None
            claim = svc.supplier_claim_create(
                actor=request.user, case=case, inspection=inspection, supplier=supplier,
                material=p.get("material", ""), defect=p.get("defect", ""),
                defect_code=p.get("defect_code", ""),
                quantity=_int(p.get("quantity"), "quantity", default=0),
                loss_amount=p.get("loss_amount", ""),
                deduction_amount=p.get("deduction_amount", ""),
                documents=request.FILES.getlist("documents"))
        except ApplicationError as exc:
            error, fields = str(exc.message), exc.fields or {}
        else:
            messages.success(request, _("Letter %(n)s drafted.") % {"n": claim.number})
            return redirect("quality:claim_detail", number=claim.number)
    return TemplateResponse(request, "quality/claim_form.html", {
        "case": case, "defects": _defects(case_document(case)),
        "initial": {"supplier": inspection.supplier_id if inspection else None,
                    "defect_code": inspection.defect_code if inspection else "",
                    "defect": inspection.report if inspection else ""},
        "suppliers": Supplier.objects.order_by("code")[:300],
        "error": error, "error_fields": fields, "post": request.POST},
        status=422 if error else 200)


@login_required
def claim_detail(request: HttpRequest, number: str) -> TemplateResponse:
    claim = _or_404(sel.claim_get, request.user, number)
    roles = roles_of(request.user)
    moves = []
    for to in CLAIM_MOVES[claim.status]:
        if (to == ClaimStatus.DEDUCTED and roles & CLAIM_FINANCE) or (
                to != ClaimStatus.DEDUCTED and roles & CLAIM_ISSUERS):
            moves.append((to, ClaimStatus(to).label))
    return TemplateResponse(request, "quality/claim_detail.html", {
        "c": claim, "moves": moves, "events": claim.events.select_related("actor")})


@login_required
@require_POST
def claim_move(request: HttpRequest, number: str) -> HttpResponse:
    claim = _or_404(sel.claim_get, request.user, number)
    try:
        svc.supplier_claim_move(claim=claim, actor=request.user, to=request.POST.get("to", ""),
                                note=request.POST.get("note", ""),
                                reference=request.POST.get("reference", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("quality:claim_detail", number=claim.number)


@login_required
def claim_print(request: HttpRequest, number: str) -> HttpResponse:
    claim = _or_404(sel.claim_get, request.user, number)
    return pdf_response(claim_pdf(claim), filename=f"{claim.number}.pdf")


# ------------------------------------------------------------------------------ actions
@login_required
@require_POST
def action_create(request: HttpRequest, number: str) -> HttpResponse:
    report = _or_404(sel.report_get, request.user, number)
    p = request.POST
    try:
        owner = get_user_model().objects.filter(pk=_int(p.get("owner"), "owner")).first()
        svc.corrective_action_create(actor=request.user, report=report,
                                     description=p.get("description", ""), owner=owner,
                                     due_on=_date(p.get("due_on"), "due_on"))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("quality:report_detail", number=report.number)


@login_required
@require_POST
def action_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    action = sel.actions_visible_to(request.user).filter(pk=pk).first()
    if action is None or step not in ("done", "verify", "reopen"):
        raise Http404(_("No such action."))
    try:
        if step == "done":
            svc.corrective_action_done(action=action, actor=request.user,
                                       note=request.POST.get("note", ""))
        else:
            svc.corrective_action_verify(action=action, actor=request.user,
                                         verification=request.POST.get("note", ""),
                                         effective=step == "verify")
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("quality:action_list")
