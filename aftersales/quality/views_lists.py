"""The four quality lists — inspections, quality exception reports, supplier claims, corrective
actions — and their Excel exports.

Every list sorts by its headers, pages 20/50/100 rows and narrows to a date range on the
record's main date (inspected, opened, created, due) through core.listing. The export link
carries the page's query string and each export source reads it the same way, so the file
follows the page's search, filters, order and range (issue 12 item 3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.core import exports
from aftersales.core.export import Sheet, TextColumn
from aftersales.core.list_export import list_export
from aftersales.core.listing import Listing, ListSpec, choice_order, listing_context
from aftersales.quality import selectors as sel
from aftersales.quality.models import ActionStatus, ClaimStatus, InspectionResult, ReportStatus
from aftersales.quality.services.common import ACTION_VERIFIERS, roles_of


def _require_reader(request) -> None:
    if not (sel.may_read_quality(request.user) or sel.may_read_claims(request.user)):
        raise Http404(_("No such page."))


def _require_claims(request) -> None:
    if not sel.may_read_claims(request.user):
        raise Http404(_("No such page."))


# ------------------------------------------------------------------------------ the lists
def inspection_spec() -> ListSpec:
    return ListSpec(
        sorts={"number": ("number", "pk"),
               "result": (choice_order("result", InspectionResult.choices), "pk"),
               "inspected": ("inspected_at", "pk")},
        default="-inspected", date_field="inspected_at", date_label=_("Inspected on"),
        keep=("q", "result"), desc_first={"inspected"})


def report_spec() -> ListSpec:
    return ListSpec(
        sorts={"number": ("number", "pk"),
               "status": (choice_order("status", ReportStatus.choices), "pk"),
               "opened": ("opened_at", "pk"), "due": ("due_at", "pk")},
        default="-opened", date_field="opened_at", date_label=_("Opened on"),
        keep=("q",), desc_first={"opened"})


def claim_spec() -> ListSpec:
    return ListSpec(
        sorts={"number": ("number", "pk"), "loss": ("loss_amount", "pk"),
               "deduction": ("deduction_amount", "pk"),
               "status": (choice_order("status", ClaimStatus.choices), "pk"),
               "created": ("created_at", "pk")},
        default="-created", date_field="created_at", date_label=_("Created on"),
        keep=("status",), desc_first={"loss", "deduction", "created"})


def action_spec() -> ListSpec:
    # The default order is the S3.6 one: overdue first, then by due date; no header shows it.
    return ListSpec(
        sorts={"urgency": ("overdue_rank", "due_on", "pk"), "due": ("due_on", "pk"),
               "status": (choice_order("status", ActionStatus.choices), "due_on", "pk")},
        default="urgency", date_field="due_on", date_label=_("Due on"))


def _inspection_filters(params) -> dict:
    return {"q": str(params.get("q", "")), "result": str(params.get("result", ""))}


def _inspections(user, params):
    return Listing(inspection_spec(), params).apply(
        sel.inspection_search(user, **_inspection_filters(params)))


def _report_search(user, q: str):
    qs = sel.reports_visible_to(user)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(case__number__icontains=q))
    return qs


def _reports(user, params):
    return Listing(report_spec(), params).apply(
        _report_search(user, str(params.get("q", "")).strip()))


def _claim_search(user, status: str):
    qs = sel.claims_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    return qs


def _claims(user, params):
    return Listing(claim_spec(), params).apply(
        _claim_search(user, str(params.get("status", ""))))


def _actions(user, params):
    return Listing(action_spec(), params).apply(sel.actions_to_follow(user))


@login_required
def inspection_list(request: HttpRequest) -> TemplateResponse:
    _require_reader(request)
    filters = _inspection_filters(request.GET)
    listing = Listing(inspection_spec(), request.GET)
    page = listing.paginate(sel.inspection_search(request.user, **filters),
                            request.GET.get("page"))
    columns = [("number", _("Inspection")), (None, _("Case")), ("result", _("Result")),
               (None, _("Defect code")), (None, _("Responsibility")),
               ("inspected", _("Inspected"))]
    return TemplateResponse(request, "quality/inspection_list.html", {
        **listing_context(listing, page, columns), **filters,
        "results": InspectionResult.choices})


@login_required
def report_list(request: HttpRequest) -> TemplateResponse:
    _require_reader(request)
    q = str(request.GET.get("q", "")).strip()
    listing = Listing(report_spec(), request.GET)
    page = listing.paginate(_report_search(request.user, q), request.GET.get("page"))
    columns = [("number", pgettext("quality", "Report")), (None, _("Case")),
               (None, pgettext("quality", "Problem")), ("status", _("Status")),
               ("opened", pgettext("quality", "Opened")), ("due", _("Due"))]
    return TemplateResponse(request, "quality/report_list.html", {
        **listing_context(listing, page, columns), "q": q})


@login_required
def supplier_claim_list(request: HttpRequest) -> TemplateResponse:
    _require_claims(request)
    status = str(request.GET.get("status", ""))
    listing = Listing(claim_spec(), request.GET)
    page = listing.paginate(_claim_search(request.user, status), request.GET.get("page"))
    columns = [("number", _("Letter")), (None, _("Supplier")), (None, _("Case")),
               ("loss", _("Loss"), "num"), ("deduction", _("Deduction"), "num"),
               ("status", _("Status")), ("created", _("Created at"))]
    return TemplateResponse(request, "quality/claim_list.html", {
        **listing_context(listing, page, columns), "status": status,
        "statuses": ClaimStatus.choices})


@login_required
def action_list(request: HttpRequest) -> TemplateResponse:
    listing = Listing(action_spec(), request.GET)
    page = listing.paginate(sel.actions_to_follow(request.user), request.GET.get("page"))
    columns = [(None, pgettext("quality", "Action")), (None, _("Owner")), ("due", _("Due date")),
               ("status", _("Status")), (None, "")]
    return TemplateResponse(request, "quality/action_list.html", {
        **listing_context(listing, page, columns), "actions": page.object_list,
        "today": timezone.localdate(),
        "may_verify": bool(roles_of(request.user) & ACTION_VERIFIERS)})


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
    """The inspection list with these query parameters (its search, result, order and date
    range; every inspection the user may see) as an export: for the download and the
    background export."""
    qs = (_inspections(user, params).select_related("supplier", "factory")
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

    return _source(pgettext("quality", "Inspections"), columns, rows())


def report_list_export_source(user, params: dict) -> exports.ExportSource:
    """The quality report list with these query parameters as an export (see above)."""
    qs = _reports(user, params)
    columns = [_col("number", _("Report number")), _col("case", _("Case")),
               _col("problem", pgettext("quality", "Problem")), _col("status", _("Status")),
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
    qs = _claims(user, params)
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
    """The corrective action list (open and done-unverified; the page's order and due-date
    range) as an export."""
    qs = _actions(user, params)
    columns = [_col("description", _("Corrective action")),
               _col("report", _("Report number")),
               _col("case", _("Case")), _col("owner", _("Owner")),
               _col("due_on", _("Due date"), "date"), _col("overdue", _("Overdue")),
               _col("status", _("Status")), _col("created_at", _("Created at"), "datetime"),
               _col("done_at", _("Done at"), "datetime"), _col("done_note", _("What was done"))]

    def rows():
        for a in qs.iterator(chunk_size=1000):
            yield {"description": a.description,
                   "report": a.report.number if a.report_id else "",
                   "case": a.case.number if a.case_id else "", "owner": _name(a.owner),
                   "due_on": a.due_on, "overdue": _("yes") if a.overdue_rank == 0 else "",
                   "status": a.get_status_display(), "created_at": a.created_at,
                   "done_at": a.done_at, "done_note": a.done_note}

    return _source(_("Corrective actions"), columns, rows())


@login_required
def inspection_list_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return list_export(request, kind="inspections", qs=_inspections(request.user, request.GET),
                   source=inspection_list_export_source, page=inspection_list)


@login_required
def report_list_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return list_export(request, kind="quality_reports", qs=_reports(request.user, request.GET),
                   source=report_list_export_source, page=report_list)


@login_required
def supplier_claim_list_export(request: HttpRequest) -> HttpResponse:
    _require_claims(request)
    return list_export(request, kind="supplier_claims", qs=_claims(request.user, request.GET),
                   source=supplier_claim_list_export_source, page=supplier_claim_list)


@login_required
def action_list_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, kind="corrective_actions", qs=_actions(request.user, request.GET),
                   source=action_list_export_source, page=action_list)
