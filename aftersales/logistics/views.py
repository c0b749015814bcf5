"""Staff pages of the logistics app (/returns/) and the portal's return label and parcel form.
Thin: every change goes through aftersales.logistics.services. The RMA and receipt lists and
their Excel exports are in views_lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from aftersales.cases.access import portal_token
from aftersales.cases.selectors import case_get_for_portal, case_get_for_user, cases_visible_to
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.export import Sheet, TextColumn, xlsx_response
from aftersales.documents.printing import pdf_response
from aftersales.logistics import selectors as sel
from aftersales.logistics import services as svc
from aftersales.logistics.models import (
    Condition,
    Discrepancy,
    Disposition,
    ReceiptLine,
    ReturnForm,
)
from aftersales.logistics.printing import return_form_pdf, rma_label_pdf
from aftersales.logistics.services.common import may_receive, place_label
from aftersales.logistics.services.receipt import received_so_far
from aftersales.logistics.services.stock import disposed_quantity

PAGE_SIZE = 25


def _case_url(case) -> str:
    return reverse("cases:detail", kwargs={"number": case.number}) + "#logistics-panel"


def _case(request: HttpRequest, number: str):
    try:
        return case_get_for_user(user=request.user, number=number)
    except NotFound:
        raise Http404(_("No such case.")) from None


def _rma(request: HttpRequest, number: str):
    rma = sel.rma_get_for_user(user=request.user, number=number)
    if rma is None:
        raise Http404(_("No such return authorization."))
    return rma


def _failed(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, str(exc.message))


# ----------------------------------------------------------------------------- ledger
def _ledger_rows(qs):
    for m in qs.iterator(chunk_size=1000):
        yield {"at": m.at, "kind": m.get_kind_display(), "case": m.case.number,
               "rma": m.rma.number if m.rma_id else "", "sku": m.product.sku,
               "product": m.product.name, "quantity": m.quantity,
               "from": place_label(m.from_location), "to": place_label(m.to_location),
               "disposition": m.get_disposition_display() if m.disposition else "",
               "note": m.note, "by": m.actor_label}


LEDGER_COLUMNS = (("at", "Date", "datetime"), ("kind", "Movement", "text"),
                  ("case", "Case", "text"), ("rma", "RMA", "text"), ("sku", "SKU", "text"),
                  ("product", "Product", "text"), ("quantity", "Quantity", "int"),
                  ("from", "From", "text"), ("to", "To", "text"),
                  ("disposition", "Disposition", "text"), ("note", "Note", "text"),
                  ("by", "By", "text"))


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """The returned-goods ledger (issue 11 item 4), exportable to Excel."""
    q = request.GET.get("q", "")
    qs = sel.ledger(user=request.user, q=q)
    if request.GET.get("export") == "xlsx":
        titles = {"Date": _("Date"), "Movement": _("Movement"), "Case": _("Case"),
                  "RMA": _("RMA"), "SKU": pgettext("logistics", "SKU"),
                  "Product": pgettext("logistics", "Product"), "Quantity": _("Quantity"),
                  "From": pgettext("logistics", "From"), "To": pgettext("logistics", "To"),
                  "Disposition": _("Disposition"), "Note": _("Note"),
                  "By": pgettext("logistics", "By")}
        columns = [TextColumn(k, str(titles[t]), ty) for k, t, ty in LEDGER_COLUMNS]
        try:
            return xlsx_response(filename=f"{_('returned-goods ledger')}.xlsx", sheets=[
                Sheet(str(_("Ledger")), columns, _ledger_rows(qs))])
        except ApplicationError as exc:
            _failed(request, exc)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for m in page.object_list:
        m.from_label, m.to_label = place_label(m.from_location), place_label(m.to_location)
    return TemplateResponse(request, "logistics/ledger.html", {"page_obj": page, "q": q})


# ----------------------------------------------------------------------------- RMA
@login_required
@require_POST
def rma_create(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    try:
        svc.rma_issue(case=case, actor=request.user,
                      destination=request.POST.get("destination") or None,
                      instructions=request.POST.get("instructions", ""),
                      advance_replacement=request.POST.get("advance_replacement") == "1")
    except ApplicationError as exc:
        _failed(request, exc)
    return redirect(_case_url(case))


@login_required
def rma_detail(request: HttpRequest, number: str) -> TemplateResponse:
    rma = _rma(request, number)
    return TemplateResponse(request, "logistics/rma_detail.html", {
        "rma": rma, "lines": list(rma.lines.select_related("case_line__order_line")),
        "receipts": list(rma.receipts.prefetch_related("lines__rma_line__case_line__order_line")),
        "may_receive": rma.is_open and may_receive(rma, request.user)})


@login_required
def rma_label(request: HttpRequest, number: str) -> HttpResponse:
    rma = _rma(request, number)
    return pdf_response(rma_label_pdf(rma), filename=f"{rma.number}.pdf")


@login_required
@require_POST
def rma_ship(request: HttpRequest, number: str) -> HttpResponse:
    rma = _rma(request, number)
    try:
        svc.rma_ship(rma=rma, actor=request.user, courier=request.POST.get("courier", ""),
                     tracking_number=request.POST.get("tracking_number", ""),
                     freight_cost=request.POST.get("freight_cost") or None)
    except ApplicationError as exc:
        _failed(request, exc)
    return redirect(_case_url(rma.case))


# ----------------------------------------------------------------------------- receipt
def _receipt_lines(request: HttpRequest, rma) -> list[dict]:
    out = []
    for line in rma.lines.all():
        raw = request.POST.get(f"qty_{line.pk}", "").strip()
        if raw == "":
            continue
        out.append({"rma_line": line.pk, "quantity": raw,
                    "condition": request.POST.get(f"cond_{line.pk}", Condition.INTACT),
                    "note": request.POST.get(f"note_{line.pk}", ""),
                    "photos": request.FILES.getlist(f"photos_{line.pk}")})
    return out


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    """The receipt page: one field for the scanner or the keyboard (RMA number, case number or
    tracking number), then the quantities and conditions per line with photos."""
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()
    rma = sel.rma_find(user=request.user, query=q) if q else None
    error, fields, status = "", {}, 200
    if request.method == "POST" and rma is not None:
        try:
            receipt = svc.receipt_record(rma=rma, actor=request.user,
                                         lines=_receipt_lines(request, rma),
                                         note=request.POST.get("note", ""))
        except ApplicationError as exc:
            error, fields, status = str(exc.message), exc.fields, 422 if exc.status == 422 \
                else exc.status
        else:
            if receipt.discrepancies.exists():
                messages.warning(request, _("Receipt %(n)s recorded; the differences went to the "
                                            "sales specialist.") % {"n": receipt.number})
            else:
                messages.success(request, _("Receipt %(n)s recorded.") % {"n": receipt.number})
            return redirect("logistics:receipt_detail", number=receipt.number)
    lines = []
    if rma is not None:
        got = received_so_far(rma)
        for line in rma.lines.select_related("case_line__order_line"):
            line.received = got.get(line.pk) or 0
            line.left = line.quantity - line.received
            lines.append(line)
    return TemplateResponse(request, "logistics/receive.html", {
        "q": q, "rma": rma, "lines": lines, "conditions": Condition.choices,
        "not_found": bool(q) and rma is None, "error": error, "fields": fields,
        "may_receive": rma is not None and may_receive(rma, request.user),
        "values": request.POST if request.method == "POST" else {}}, status=status)


@login_required
def receipt_detail(request: HttpRequest, number: str) -> TemplateResponse:
    receipt = sel.receipts_visible_to(request.user).filter(
        number=str(number).strip().upper()[:40]).first()
    if receipt is None:
        raise Http404(_("No such receipt."))
    lines = list(receipt.lines.select_related("rma_line__case_line__order_line")
                 .prefetch_related("photos"))
    for line in lines:
        line.left = line.quantity - disposed_quantity(line)
        line.moves = list(line.movements.filter(disposition__gt=""))
    return TemplateResponse(request, "logistics/receipt_detail.html", {
        "receipt": receipt, "lines": lines, "dispositions": Disposition.choices,
        "discrepancies": list(receipt.discrepancies.all())})


@login_required
@require_POST
def dispose(request: HttpRequest, pk: int) -> HttpResponse:
    line = ReceiptLine.objects.select_related("receipt").filter(
        pk=pk, receipt__in=sel.receipts_visible_to(request.user)).first()
    if line is None:
        raise Http404(_("No such receipt line."))
    try:
        svc.disposition_record(receipt_line=line, actor=request.user,
                               disposition=request.POST.get("disposition", ""),
                               quantity=request.POST.get("quantity", ""),
                               note=request.POST.get("note", ""))
    except ApplicationError as exc:
        _failed(request, exc)
    return redirect("logistics:receipt_detail", number=line.receipt.number)


@login_required
@require_POST
def discrepancy_settle(request: HttpRequest, pk: int) -> HttpResponse:
    d = sel.discrepancies_open(user=request.user).filter(pk=pk).first() or \
        Discrepancy.objects.filter(pk=pk, case__in=cases_visible_to(request.user)).first()
    if d is None:
        raise Http404(_("No such discrepancy."))
    try:
        svc.discrepancy_settle(discrepancy=d, actor=request.user,
                               outcome=request.POST.get("outcome", ""),
                               note=request.POST.get("note", ""))
    except ApplicationError as exc:
        _failed(request, exc)
    return redirect(_case_url(d.case))


# ----------------------------------------------------------------------------- 退货处理单
@login_required
def form_create(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    error, fields = "", {}
    if request.method == "POST":
        p = request.POST
        try:
            svc.return_form_create(case=case, actor=request.user, reason=p.get("reason", ""),
                                   batch=p.get("batch", ""),
                                   return_to_customer=p.get("return_to_customer") == "1",
                                   rework_into_stock=p.get("rework_into_stock") == "1",
                                   note=p.get("note", ""))
        except ApplicationError as exc:
            error, fields = str(exc.message), exc.fields
        else:
            return redirect(_case_url(case))
    return TemplateResponse(request, "logistics/form_create.html", {
        "case": case, "error": error, "fields": fields,
        "values": request.POST if request.method == "POST" else {
            "reason": case.description or case.symptom}}, status=422 if error else 200)


def _form(request: HttpRequest, number: str) -> ReturnForm:
    form = ReturnForm.objects.select_related("case").filter(
        number=str(number).strip().upper()[:40],
        case__in=cases_visible_to(request.user)).first()
    if form is None:
        raise Http404(_("No such form."))
    return form


@login_required
def form_pdf(request: HttpRequest, number: str) -> HttpResponse:
    form = _form(request, number)
    return pdf_response(return_form_pdf(form), filename=f"{form.number}.pdf")


@login_required
@require_POST
def form_sign(request: HttpRequest, number: str) -> HttpResponse:
    form = _form(request, number)
    try:
        svc.return_form_sign(form=form, actor=request.user, role=request.POST.get("role", ""))
    except ApplicationError as exc:
        _failed(request, exc)
    return redirect(_case_url(form.case))


# ----------------------------------------------------------------------------- replacement
@login_required
def shipment_create(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    error, fields = "", {}
    lines = list(case.lines.select_related("order_line__product"))
    if request.method == "POST":
        p = request.POST
        chosen = [{"product": cl.order_line.product_id, "quantity": p.get(f"qty_{cl.pk}")}
                  for cl in lines if (p.get(f"qty_{cl.pk}") or "0").strip() not in ("", "0")]
        try:
            svc.shipment_create(case=case, actor=request.user, courier=p.get("courier", ""),
                                tracking_number=p.get("tracking_number", ""),
                                freight_cost=p.get("freight_cost", "0") or "0",
                                lines=chosen or None)
        except ApplicationError as exc:
            error, fields = str(exc.message), exc.fields
        else:
            return redirect(_case_url(case))
    return TemplateResponse(request, "logistics/shipment_create.html", {
        "case": case, "lines": lines, "error": error, "fields": fields,
        "values": request.POST}, status=422 if error else 200)


# ----------------------------------------------------------------------------- portal
def _portal_case(request: HttpRequest, number: str):
    token = request.POST.get("t") or request.GET.get("t", "")
    try:
        return case_get_for_portal(number=number, token=token)
    except NotFound:
        raise Http404(_("No such case.")) from None


def portal_label(request: HttpRequest, number: str) -> HttpResponse:
    """The customer downloads the return label with the secret link's token."""
    case = _portal_case(request, number)
    rma = case.rmas.order_by("-trip").first()
    if rma is None:
        raise Http404(_("No return authorization yet."))
    return pdf_response(rma_label_pdf(rma), filename=f"{rma.number}.pdf")


@require_POST
def portal_ship(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's courier and tracking number (S5.4)."""
    case = _portal_case(request, number)
    rma = case.rmas.order_by("-trip").first()
    url = f"{reverse('portal:case', kwargs={'number': case.number})}?t={portal_token(case)}"
    if rma is None:
        raise Http404(_("No return authorization yet."))
    try:
        svc.rma_ship(rma=rma, actor=None, courier=request.POST.get("courier", ""),
                     tracking_number=request.POST.get("tracking_number", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(url + "&error=1#return-panel")
    return redirect(url + "#return-panel")
