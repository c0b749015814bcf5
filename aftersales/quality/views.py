"""Quality pages (thin): the quality home, inspections (list, form, detail, PDF), the quality
exception report (form, review, PDF), supplier claims (list, form, status, PDF) and corrective
actions. Every action goes through quality.services; errors are shown on the form. The four
lists download as Excel with the page's search, filters and order (issue 12 item 3)."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.cases.selectors import case_document, case_get_for_user
from aftersales.core import export, exports
from aftersales.core.errors import ApplicationError, NotFound, ValidationError
from aftersales.core.export import Sheet, TextColumn
from aftersales.core.labels import pick_label
from aftersales.documents.printing import pdf_response
from aftersales.parties.models import OutsourcedFactory, Supplier
from aftersales.policy.forms import CONDITIONS, DAMAGE_CHOICES
from aftersales.quality import selectors as sel
from aftersales.quality import services as svc
from aftersales.quality.models import (
    CLAIM_MOVES,
    ActionStatus,
    ClaimStatus,
    InspectionResult,
    Responsibility,
)
from aftersales.quality.printing import claim_pdf, inspection_pdf, report_pdf
from aftersales.quality.section import defect_codes_of, warehouse_inspects
from aftersales.quality.services.common import (
    ACTION_ORDERERS,
    ACTION_VERIFIERS,
    CLAIM_FINANCE,
    CLAIM_ISSUERS,
    INSPECTORS,
    RECEIPT_INSPECTORS,
    REPORT_OPENERS,
    REPORT_REVIEWERS,
    roles_of,
)

PAGE_SIZE = 25
# Who downloaded which list: user, filters and row count (as the case list's export).
audit = logging.getLogger("aftersales.audit")


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
        raise ValidationError(_("Enter a whole number."), fields={name: _("a whole number")}
                              ) from None


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
@login_required
def inspection_list(request: HttpRequest) -> TemplateResponse:
    _require_reader(request)
    filters = _inspection_filters(request.GET)
    qs = sel.inspection_search(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "quality/inspection_list.html", {
        "page_obj": page, **filters, "results": InspectionResult.choices})


def _inspection_filters(params) -> dict:
    return {"q": str(params.get("q", "")), "result": str(params.get("result", ""))}


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
            "factory": factory}


@login_required
def inspection_create(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    document = case_document(case)
    roles = roles_of(request.user)
    if not (roles & INSPECTORS or (roles & RECEIPT_INSPECTORS and warehouse_inspects(document))):
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
@login_required
def report_list(request: HttpRequest) -> TemplateResponse:
    _require_reader(request)
    q = str(request.GET.get("q", ""))
    page = Paginator(_report_search(request.user, q), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return TemplateResponse(request, "quality/report_list.html", {"page_obj": page, "q": q})


def _report_search(user, q: str):
    qs = sel.reports_visible_to(user).order_by("-opened_at", "-id")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(case__number__icontains=q))
    return qs


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
def _claim_search(user, status: str):
    qs = sel.claims_visible_to(user).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    return qs


@login_required
def supplier_claim_list(request: HttpRequest) -> TemplateResponse:
    if not sel.may_read_claims(request.user):
        raise Http404(_("No such page."))
    status = str(request.GET.get("status", ""))
    page = Paginator(_claim_search(request.user, status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return TemplateResponse(request, "quality/claim_list.html", {
        "page_obj": page, "status": status, "statuses": ClaimStatus.choices})


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
def action_list(request: HttpRequest) -> TemplateResponse:
    roles = roles_of(request.user)
    return TemplateResponse(request, "quality/action_list.html", {
        "actions": sel.actions_open_overdue_first(request.user),
        "today": timezone.localdate(), "may_verify": bool(roles & ACTION_VERIFIERS)})


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




# ------------------------------------------------------------------------------ Excel exports
def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _col(key: str, title: str, type_: str = "text") -> TextColumn:
    return TextColumn(key=key, title=title, type=type_)


def _name(user) -> str:
    return str(user) if user is not None else ""


def _source(name: str, columns: list[TextColumn], rows) -> exports.ExportSource:
    return exports.ExportSource(filename=f"{name}-{_stamp()}.xlsx",
                                sheets=[Sheet(name, columns, rows)])


def inspection_list_export_source(user, params: dict) -> exports.ExportSource:
    """The inspection list with these query parameters (its search, result and order; every
    inspection the user may see) as an export: for the download and the background export."""
    qs = (sel.inspection_search(user, **_inspection_filters(params))
          .select_related("supplier", "factory")
          .annotate(inspected=Sum("lines__quantity"), defective=Sum("lines__defective")))
    columns = [_col("number", _("Inspection number")), _col("case", _("Case")),
               _col("result", _("Result")), _col("defect_code", _("Defect code")),
               _col("responsibility", _("Responsibility")), _col("supplier", _("Supplier")),
               _col("factory", _("Outsourced factory")), _col("receipt", _("Receipt")),
               _col("inspected", _("Quantity inspected"), "int"),
               _col("defective", _("Defective"), "int"),
               _col("inspected_at", _("Inspected"), "datetime"),
               _col("inspected_by", _("Inspected by"))]

    def rows():
        for i in qs.iterator(chunk_size=1000):
            yield {"number": i.number, "case": i.case.number, "result": i.get_result_display(),
                   "defect_code": i.defect_code,
                   "responsibility": i.get_responsibility_display(),
                   "supplier": str(i.supplier or ""), "factory": str(i.factory or ""),
                   "receipt": i.receipt_number, "inspected": i.inspected,
                   "defective": i.defective, "inspected_at": i.inspected_at,
                   "inspected_by": _name(i.inspected_by)}

    return _source(_("Inspections"), columns, rows())


def report_list_export_source(user, params: dict) -> exports.ExportSource:
    """The quality report list with these query parameters as an export (see above)."""
    qs = _report_search(user, str(params.get("q", "")))
    columns = [_col("number", _("Report number")), _col("case", _("Case")),
               _col("problem", _("Problem")), _col("status", _("Status")),
               _col("responsibility", _("Responsibility")),
               _col("shipped_on", _("Shipment date"), "date"),
               _col("shipped", _("Quantity shipped"), "int"),
               _col("defective", _("Defective quantity"), "int"),
               _col("ratio", _("Return ratio"), "percent"),
               _col("opened_at", _("Opened at"), "datetime"), _col("opened_by", _("Opened by")),
               _col("due_at", _("Due at"), "datetime"),
               _col("reviewed_at", _("Reviewed at"), "datetime"),
               _col("reviewed_by", _("Reviewed by"))]

    def rows():
        for r in qs.iterator(chunk_size=1000):
            ratio = (r.defective_quantity / r.shipped_quantity) if r.shipped_quantity else None
            yield {"number": r.number, "case": r.case.number, "problem": r.problem,
                   "status": r.get_status_display(),
                   "responsibility": r.get_responsibility_display(),
                   "shipped_on": r.shipped_on, "shipped": r.shipped_quantity,
                   "defective": r.defective_quantity, "ratio": ratio,
                   "opened_at": r.opened_at, "opened_by": _name(r.opened_by),
                   "due_at": r.due_at, "reviewed_at": r.reviewed_at,
                   "reviewed_by": _name(r.reviewed_by)}

    return _source(_("Quality exception reports"), columns, rows())


def supplier_claim_list_export_source(user, params: dict) -> exports.ExportSource:
    """The supplier claim list with these query parameters as an export (see above)."""
    qs = _claim_search(user, str(params.get("status", "")))
    columns = [_col("number", _("Letter")), _col("supplier", _("Supplier")),
               _col("case", _("Case")), _col("material", _("Material")),
               _col("defect_code", _("Defect code")), _col("defect", _("Defect")),
               _col("quantity", _("Quantity"), "int"), _col("loss", _("Loss"), "money"),
               _col("deduction", _("Deduction"), "money"), _col("status", _("Status")),
               _col("reference", _("Deduction reference")),
               _col("created_at", _("Created at"), "datetime"),
               _col("created_by", _("Issued by"))]

    def rows():
        for c in qs.iterator(chunk_size=1000):
            yield {"number": c.number, "supplier": str(c.supplier),
                   "case": c.case.number if c.case_id else "", "material": c.material,
                   "defect_code": c.defect_code, "defect": c.defect, "quantity": c.quantity,
                   "loss": c.loss_amount, "deduction": c.deduction_amount,
                   "status": c.get_status_display(), "reference": c.finance_reference,
                   "created_at": c.created_at, "created_by": _name(c.created_by)}

    return _source(_("Supplier claims"), columns, rows())


def action_list_export_source(user, params: dict) -> exports.ExportSource:
    """The corrective action list (open and done-unverified, overdue first, as the page) as
    an export."""
    actions = sel.actions_open_overdue_first(user)
    today = timezone.localdate()
    columns = [_col("description", _("Corrective action")),
               _col("report", _("Report number")),
               _col("case", _("Case")), _col("owner", _("Owner")),
               _col("due_on", _("Due date"), "date"), _col("overdue", _("Overdue")),
               _col("status", _("Status")), _col("created_at", _("Created at"), "datetime"),
               _col("done_at", _("Done at"), "datetime"), _col("done_note", _("What was done"))]

    def rows():
        for a in actions:
            overdue = a.status == ActionStatus.OPEN and a.due_on < today
            yield {"description": a.description,
                   "report": a.report.number if a.report_id else "",
                   "case": a.case.number if a.case_id else "", "owner": _name(a.owner),
                   "due_on": a.due_on, "overdue": _("yes") if overdue else "",
                   "status": a.get_status_display(), "created_at": a.created_at,
                   "done_at": a.done_at, "done_note": a.done_note}

    return _source(_("Corrective actions"), columns, rows())


def _export(request: HttpRequest, *, kind: str, total: int, source, page) -> HttpResponse:
    """The list as .xlsx: up to export.MAX_ROWS rows at once; a larger list is queued for the
    worker (core.exports) and the user taken to its progress page; beyond the background
    limit the list page says so (422)."""
    params = request.GET.dict()
    params.pop("page", None)
    try:
        if total > export.MAX_ROWS:
            job = exports.export_request(user=request.user, kind=kind, params=params,
                                         total=total, language=get_language() or "zh-hans")
            audit.info("%s export queued: user=%s filters=%s rows=%d job=%s", kind,
                       request.user.pk, params, job.total, job.pk)
            return redirect("core:export", pk=job.pk)
        src = source(request.user, params)
        written = 0

        def counted(rows):
            nonlocal written
            for row in rows:
                written += 1
                yield row

        response = export.xlsx_response(filename=src.filename, max_rows=export.MAX_ROWS,
                                         sheets=[Sheet(s.title, s.columns, counted(s.rows))
                                                 for s in src.sheets])
    except ApplicationError as exc:
        audit.info("%s export refused: user=%s filters=%s", kind, request.user.pk, params)
        messages.error(request, str(exc.message))
        response = page(request)
        response.status_code = 422
        return response
    audit.info("%s exported: user=%s filters=%s rows=%d", kind, request.user.pk, params,
               written)
    return response


def _capped_count(qs) -> int:
    """The rows of the list, counted up to one over the download cap."""
    return qs.order_by()[:export.MAX_ROWS + 1].count()


@login_required
def inspection_list_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = sel.inspection_search(request.user, **_inspection_filters(request.GET))
    return _export(request, kind="inspections", total=_capped_count(qs),
                   source=inspection_list_export_source, page=inspection_list)


@login_required
def report_list_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = _report_search(request.user, str(request.GET.get("q", "")))
    return _export(request, kind="quality_reports", total=_capped_count(qs),
                   source=report_list_export_source, page=report_list)


@login_required
def supplier_claim_list_export(request: HttpRequest) -> HttpResponse:
    if not sel.may_read_claims(request.user):
        raise Http404(_("No such page."))
    qs = _claim_search(request.user, str(request.GET.get("status", "")))
    return _export(request, kind="supplier_claims", total=_capped_count(qs),
                   source=supplier_claim_list_export_source, page=supplier_claim_list)


@login_required
def action_list_export(request: HttpRequest) -> HttpResponse:
    total = sel.actions_visible_to(request.user).exclude(status=ActionStatus.VERIFIED).count()
    return _export(request, kind="corrective_actions", total=total,
                   source=action_list_export_source, page=action_list)
