"""Finance pages (UX.md "Staff pages"): the refund list with its filters and Excel export, the
refund page (review, approve or refuse, pay per method, print the slip), the case panel, the
home queue, the customer's confirmation on the portal, and the providers' signed callbacks.
Views are thin: parse → service/selector → template."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aftersales.accounts.roles import Role
from aftersales.cases.selectors import case_get_for_portal, case_get_for_user
from aftersales.core import export
from aftersales.core.choices import PaymentMethod
from aftersales.core.errors import ApplicationError, NotFound, PermissionDenied
from aftersales.core.labels import pick_label
from aftersales.core.listing import Listing, ListSpec, choice_order, listing_context
from aftersales.core.money import fmt
from aftersales.documents.printing import pdf_response, qr_data_uri, render_pdf
from aftersales.finance import services
from aftersales.finance.models import PaymentStatus, Refund, RefundStatus
from aftersales.finance.rules import working_days_left
from aftersales.finance.selectors import (
    finance_figures,
    may_read_refunds,
    refund_get_for_user,
    refund_lines,
    refund_list,
    refunds_of_case,
)
from aftersales.finance.services.payments import PAYER_ROLES
from aftersales.finance.services.refunds import REQUESTER_ROLES, case_entitlement, refundable


def _forbid_unless_reader(request: HttpRequest) -> None:
    if not may_read_refunds(request.user):
        raise PermissionDenied(_("Your role does not see refunds."))


def _error_page(request: HttpRequest, exc: ApplicationError) -> TemplateResponse:
    return TemplateResponse(request, "finance/error.html", {"message": exc.message},
                            status=exc.status)


def _countdown(refund: Refund) -> int | None:
    if refund.due_at is None or refund.status not in (RefundStatus.PENDING,
                                                      RefundStatus.APPROVED):
        return None
    try:
        return working_days_left(refund.due_at, at=timezone.now())
    except ApplicationError:  # a year without calendar data
        return None


def _is_breach(refund: Refund) -> bool:
    if refund.breach_at is None:
        return False
    if refund.status == RefundStatus.PAID:
        return bool(refund.paid_at and refund.paid_at > refund.breach_at)
    return refund.status != RefundStatus.REFUSED and timezone.now() > refund.breach_at


def _lines_text(refund: Refund) -> str:
    parts = []
    for ln in refund.lines.all():
        if ln.method == "points":
            parts.append(f"{PaymentMethod(ln.method).label} {ln.points}")
        elif ln.method == "coupon":
            parts.append(f"{PaymentMethod(ln.method).label} {ln.coupon_code}")
        else:
            parts.append(f"{PaymentMethod(ln.method).label} ¥{fmt(ln.amount)}")
    return "、".join(parts)


# ---------------------------------------------------------------------------- the list
def _filters(params) -> dict:
    status = params.get("status", "")
    method = params.get("method", "")
    return {"status": status if status in RefundStatus.values else "",
            "method": method if method in PaymentMethod.values else "",
            "breach": params.get("breach") == "1",
            "q": str(params.get("q", "")).strip()[:60]}


def refund_spec() -> ListSpec:
    """The refund list's headers, page size and date range (core.listing): newest request
    first; the range is on the request date."""
    return ListSpec(
        sorts={"number": ("number", "pk"), "amount": ("amount", "pk"),
               "status": (choice_order("status", RefundStatus.choices), "pk"),
               "due": ("due_at", "pk"), "requested": ("requested_at", "pk")},
        default="-requested", date_field="requested_at", date_label=_("Requested on"),
        keep=("q", "status", "method", "breach"), desc_first={"amount", "requested"})


def _refunds(request: HttpRequest):
    return Listing(refund_spec(), request.GET).apply(
        refund_list(user=request.user, **_filters(request.GET)))


@login_required
def refund_list_view(request: HttpRequest) -> HttpResponse:
    try:
        _forbid_unless_reader(request)
    except ApplicationError as exc:
        return _error_page(request, exc)
    filters = _filters(request.GET)
    listing = Listing(refund_spec(), request.GET)
    page = listing.paginate(refund_list(user=request.user, **filters), request.GET.get("page"))
    rows = [{"refund": r, "methods": _lines_text(r), "breach": _is_breach(r),
             "countdown": _countdown(r)} for r in page.object_list]
    columns = [("number", _("Refund")), (None, _("Case")), ("amount", _("Amount"), "num"),
               (None, _("Methods")), ("status", _("Status")), ("due", _("Due")),
               ("requested", _("Requested"))]
    return TemplateResponse(request, "finance/refund_list.html", {
        **listing_context(listing, page, columns), "page": page, "rows": rows,
        "filters": filters, "statuses": RefundStatus.choices, "methods": PaymentMethod.choices})


def _export_columns() -> list[export.TextColumn]:
    def col(key, title, type_="text"):
        return export.TextColumn(key=key, title=title, type=type_)

    return [col("number", _("Refund")), col("case", _("Case")), col("customer", _("Customer")),
            col("status", _("Status")), col("amount", _("Amount"), "money"),
            col("points", _("Points"), "int"), col("methods", _("Methods")),
            col("requested_at", _("Requested"), "datetime"),
            col("approved_by", _("Approved by")), col("due_at", _("Due"), "datetime"),
            col("paid_at", _("Paid"), "datetime"), col("breach", pgettext("finance", "Breach"))]


@login_required
def refund_export_view(request: HttpRequest) -> HttpResponse:
    try:
        _forbid_unless_reader(request)
    except ApplicationError as exc:
        return _error_page(request, exc)
    # The page's search, filters, order and date range (core.listing).
    qs = _refunds(request)

    def rows():
        for r in qs.iterator(chunk_size=500):
            yield {"number": r.number, "case": r.case.number,
                   "customer": r.customer.name if r.customer_id else "",
                   "status": r.get_status_display(), "amount": r.amount, "points": r.points,
                   "methods": _lines_text(r), "requested_at": r.requested_at,
                   "approved_by": str(r.approved_by or ""), "due_at": r.due_at,
                   "paid_at": r.paid_at, "breach": _("yes") if _is_breach(r) else ""}

    try:
        return export.xlsx_response(filename=_("refunds") + ".xlsx", sheets=[
            export.Sheet(title=_("Refunds"), columns=_export_columns(), rows=rows())],
            max_rows=export.MAX_ROWS)
    except ApplicationError as exc:
        return _error_page(request, exc)


# ---------------------------------------------------------------------------- one refund
def _detail_context(request: HttpRequest, refund: Refund) -> dict:
    user = request.user
    lines = refund_lines(refund)
    for ln in lines:
        ln.live = next((p for p in ln.payments.all()
                        if p.status in (PaymentStatus.PENDING, PaymentStatus.SUCCEEDED)), None)
    can_decide = refund.status == RefundStatus.PENDING and refund.requested_by_id != user.pk \
        and any(user.has_role(r) for r in services.refund_rules(refund.case).approval_limits)
    return {"refund": refund, "lines": lines, "case": refund.case,
            "countdown": _countdown(refund), "breach": _is_breach(refund),
            "own": refund.requested_by_id == user.pk,
            "can_decide": can_decide,
            "can_pay": refund.status == RefundStatus.APPROVED and user.has_role(*PAYER_ROLES),
            # One key per page view and line: a double click sends the same key.
            "pay_key": uuid.uuid4().hex,
            "payments": list(refund.payments.select_related("recorded_by").order_by("pk"))}


@login_required
def refund_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        _forbid_unless_reader(request)
        refund = refund_get_for_user(user=request.user, number=number)
    except ApplicationError as exc:
        return _error_page(request, exc)
    return TemplateResponse(request, "finance/refund_detail.html",
                            _detail_context(request, refund))


def _act(request: HttpRequest, number: str, action) -> HttpResponse:
    try:
        _forbid_unless_reader(request)
        refund = refund_get_for_user(user=request.user, number=number)
    except ApplicationError as exc:
        return _error_page(request, exc)
    try:
        text = action(refund)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, text)
    return redirect("finance:refund_detail", number=refund.number)


@login_required
@require_POST
def refund_approve_view(request: HttpRequest, number: str) -> HttpResponse:
    def go(refund):
        services.refund_approve(refund=refund, actor=request.user)
        return _("Refund %(number)s approved.") % {"number": refund.number}

    return _act(request, number, go)


@login_required
@require_POST
def refund_refuse_view(request: HttpRequest, number: str) -> HttpResponse:
    def go(refund):
        services.refund_refuse(refund=refund, actor=request.user,
                               reason=request.POST.get("reason", ""))
        return _("Refund %(number)s refused.") % {"number": refund.number}

    return _act(request, number, go)


@login_required
@require_POST
def refund_pay_view(request: HttpRequest, number: str, line: int) -> HttpResponse:
    def go(refund):
        p = services.refund_pay(refund=refund, line=line, actor=request.user,
                                idempotency_key=request.POST.get("key", ""),
                                reference=request.POST.get("reference", ""))
        return _("Payment %(number)s: %(status)s.") % {"number": p.number,
                                                       "status": p.get_status_display()}

    return _act(request, number, go)


def slip_context(refund: Refund) -> dict:
    """The refund slip's (退款单) content, for the PDF and its test."""
    from aftersales.cases.selectors import case_document

    doc = case_document(refund.case)
    rules = services.refund_rules(refund.case)
    title = doc.get("title") or {}
    # Ours, else the one the logistics section prints on its forms, else the policy's title.
    company = rules.company or (doc.get("returns") or {}).get("company") or doc.get(
        "company") or {"name": title.get("zh") if isinstance(title, dict) else str(title)}
    payments = list(refund.payments.filter(status=PaymentStatus.SUCCEEDED)
                    .select_related("recorded_by").order_by("pk"))
    payer = payments[-1] if payments else None
    return {
        "company": company, "form_title": "退款单", "number": refund.number,
        "qr": qr_data_uri(refund.number), "refund": refund, "case": refund.case,
        "lines": refund_lines(refund), "payments": payments,
        "printed_at": timezone.now(),
        "signatures": [
            {"label": "申请（客服初审）", "name": str(refund.requested_by or ""),
             "at": refund.requested_at},
            {"label": "财务审批", "name": str(refund.approved_by or ""),
             "at": refund.approved_at},
            {"label": "付款", "name": str(payer.recorded_by or "") if payer else "",
             "at": payer.completed_at if payer else None},
            {"label": "客户确认收款", "name": "已确认" if refund.confirmed_at else "",
             "at": refund.confirmed_at},
        ],
    }


@login_required
def refund_slip_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        _forbid_unless_reader(request)
        refund = refund_get_for_user(user=request.user, number=number)
    except ApplicationError as exc:
        return _error_page(request, exc)
    pdf = render_pdf("finance/refund_slip.html", slip_context(refund))
    return pdf_response(pdf, filename=f"{refund.number}.pdf")


@login_required
@require_POST
def refund_create_view(request: HttpRequest, case_number: str) -> HttpResponse:
    try:
        case = case_get_for_user(user=request.user, number=case_number)
    except NotFound as exc:
        return _error_page(request, exc)
    try:
        refund = services.refund_create(case=case, actor=request.user,
                                        amount=request.POST.get("amount") or None,
                                        reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:detail", case.number)
    messages.success(request, _("Refund %(number)s submitted to finance.")
                     % {"number": refund.number})
    return redirect("finance:refund_detail", number=refund.number)


# ---------------------------------------------------------------------------- portal
@require_POST
def portal_confirm_view(request: HttpRequest, case_number: str, number: str) -> HttpResponse:
    """The customer's "I received the money" on the portal case page (token in ``t``)."""
    token = request.POST.get("t", "")
    try:
        case = case_get_for_portal(number=case_number, token=token)
        refund = Refund.objects.filter(case=case, number=str(number).upper()).first()
        if refund is None:
            raise NotFound(_("No such refund."))
        services.refund_confirm_received(refund=refund, via="portal")
    except ApplicationError as exc:
        return _error_page(request, exc)
    return redirect(reverse("portal:case", args=[case.number]) + "?" + urlencode({"t": token}))


# ---------------------------------------------------------------------------- callbacks
def _callback(request: HttpRequest, gateway: str) -> HttpResponse:
    # Alipay posts a form (its fields are signed), WeChat Pay a JSON body (its bytes are).
    form = request.POST.dict() if gateway == "alipay" else None
    try:
        body = b"" if gateway == "alipay" else request.body
    except RawPostDataException:  # a multipart form was read already: no provider sends one
        body = b""
    try:
        services.refund_notification(gateway_code=gateway, headers=request.headers,
                                     body=body, form=form)
    except ApplicationError as exc:
        if gateway == "alipay":
            return HttpResponse("fail", status=exc.status, content_type="text/plain")
        return JsonResponse({"code": "FAIL", "message": str(exc.message)}, status=exc.status)
    if gateway == "alipay":
        return HttpResponse("success", content_type="text/plain")
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def callback_wechat_pay_view(request: HttpRequest) -> HttpResponse:
    """WeChat Pay's refund notification (REFUND.SUCCESS / ABNORMAL / CLOSED)."""
    return _callback(request, "wechat_pay")


@csrf_exempt
@require_POST
def callback_alipay_view(request: HttpRequest) -> HttpResponse:
    """Alipay's asynchronous notification of a refund."""
    return _callback(request, "alipay")


# ---------------------------------------------------------------------------- page slots
def case_panel_context(*, request=None, case=None, user=None, **_kw) -> dict | None:
    """The case page's refund panel: the case's refunds, and the submit form for customer
    service when the agreement gives something back."""
    if user is None or not may_read_refunds(user):
        return None
    refunds = refunds_of_case(case)
    can_create = False
    entitlement = None
    if (case.agreed_option or case.adjustment_amount) and case.order_id and not case.is_closed \
            and user.has_role(*REQUESTER_ROLES):
        entitlement = case_entitlement(case)
        caps, points_left = refundable(case.order)
        can_create = (entitlement.remaining > 0 and sum(caps.values()) > 0) or (
            not refunds and (entitlement.points > 0 or bool(entitlement.coupons)))
    if not refunds and not can_create:
        return None
    rows = [{"refund": r, "methods": _lines_text(r), "breach": _is_breach(r),
             "countdown": _countdown(r)} for r in refunds]
    return {"case": case, "rows": rows, "can_create": can_create, "entitlement": entitlement}


def portal_panel_context(*, request=None, case=None, token="", **_kw) -> dict | None:
    refunds = [r for r in refunds_of_case(case) if r.status != RefundStatus.REFUSED]
    if not refunds:
        return None
    return {"case": case, "token": token,
            "rows": [{"refund": r, "methods": _lines_text(r)} for r in refunds]}


def home_panel_context(*, request=None, user=None, role=None, **_kw) -> dict | None:
    if role not in (Role.FINANCE, Role.CASHIER, Role.MANAGEMENT) or not may_read_refunds(user):
        return None
    figures = finance_figures(user)
    for key in ("to_approve", "to_pay"):
        figures[key] = [{"refund": r, "methods": _lines_text(r), "breach": _is_breach(r),
                         "countdown": _countdown(r)} for r in figures[key]]
    return {"f": figures, "label": pick_label}
