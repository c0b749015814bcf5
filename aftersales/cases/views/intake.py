"""Phone intake by an agent (S1.1): channel, the customer found by phone or order number, kind,
lines and quantities, the problem. The form carries an idempotency token drawn when it was
shown, so a double submit opens one case (issue 4 item 7). Also: the fine ledger page (S3.4).
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.display import department_label
from aftersales.accounts.roles import SUPERVISOR_ROLES, Role
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.facts_form import facts_input, intake_facts_context, intake_facts_post
from aftersales.cases.models import INTAKE_REASONS, CaseChannel, CaseKind, FineStatus, Priority
from aftersales.cases.selectors import fines_ledger
from aftersales.cases.services import case_open
from aftersales.cases.templatetags.cases_ux import fine_what
from aftersales.core import export
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import ApplicationError, NotFound, ValidationError
from aftersales.core.labels import pick_label
from aftersales.core.validators import validate_phone
from aftersales.sales.selectors import orders_visible_to

REASONS = INTAKE_REASONS
NOT_FOUND = gettext_lazy("No order with this number.")
# The intake service's field names that the form calls otherwise.
_FORM_FIELD = {"order": "order_number"}


class IntakeForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=CaseChannel.choices,
                                initial=CaseChannel.PHONE)
    lookup = forms.CharField(label=gettext_lazy("Order number or phone"), required=False)
    order_number = forms.CharField(label=gettext_lazy("Order number"), required=False)
    phone = forms.CharField(label=gettext_lazy("Caller's phone (verifies the order)"),
                            required=False, max_length=30, validators=[validate_phone])
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CaseKind.choices,
                             initial=CaseKind.RETURN)
    business_line = forms.ChoiceField(label=gettext_lazy("Business line (enquiries only)"),
                                      choices=[("", "—"), *BusinessLine.choices], required=False)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), choices=Priority.choices,
                                 initial=Priority.NORMAL)
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=REASONS, initial="quality")
    symptom = forms.CharField(label=gettext_lazy("Symptom"), required=False, max_length=200)
    description = forms.CharField(label=gettext_lazy("Problem in the customer's words"),
                                  widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _order(number: str | None, *, user):
    """The order with this number among those the user may reach (orders_visible_to), with
    its customer and lines; None for a missing order and for someone else's alike."""
    number = (number or "").strip()
    if not number:
        return None
    return (orders_visible_to(user).select_related("customer")
            .prefetch_related("lines__product").filter(number=number).first())


def lookup_orders(text: str, *, user) -> list:
    """Orders the user may reach matching an order number, or the recent orders of a phone
    number."""
    text = (text or "").strip()
    if len(text) < 3:
        return []
    qs = orders_visible_to(user).select_related("customer").prefetch_related("lines")
    exact = list(qs.filter(number=text)[:1])
    if exact:
        return exact
    return list(qs.filter(Q(customer__phone=text) | Q(receiver_phone=text))
                .order_by("-placed_at")[:10])


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    if not (request.user.role_codes or request.user.is_superuser):
        return HttpResponse(_("Your account has no role yet."), status=403)
    data = request.POST if request.method == "POST" else None
    form = IntakeForm(data, initial={"token": uuid.uuid4().hex,
                                     "order_number": request.GET.get("order", ""),
                                     "lookup": request.GET.get("lookup", "")})
    if request.htmx and request.method == "GET" and "lookup" in request.GET:
        return TemplateResponse(request, "cases/create.html#lookup", {
            "found": lookup_orders(request.GET["lookup"], user=request.user)})
    number = request.POST.get("order_number") if data else request.GET.get("order")
    order = _order(number, user=request.user)
    found = lookup_orders(request.POST.get("lookup") or request.GET.get("lookup", ""),
                          user=request.user)
    error, status = "", 200
    if data is None and (number or "").strip() and order is None:
        error, status = str(NOT_FOUND), 404  # missing and not yours look alike
    if data is not None and form.is_valid() and "find" not in request.POST:
        d = form.cleaned_data
        lines = []
        facts = facts_input(intake_facts_post(request.POST, order, d["kind"]))
        if order is not None:
            for ol in order.lines.all():
                raw = request.POST.get(f"qty_{ol.line_no}", "").strip()
                if raw and raw != "0":
                    lines.append({"line_no": ol.line_no, "quantity": raw,
                                  "serial": request.POST.get(f"serial_{ol.line_no}", ""),
                                  "condition": (facts.conditions or {}).get(str(ol.line_no))})
        try:
            if d["order_number"] and order is None:
                raise NotFound(NOT_FOUND, code=CaseErrorCode.ORDER_NOT_FOUND,
                               fields={"order_number": _("not found")})
            case = case_open(
                kind=d["kind"], channel=d["channel"], actor=request.user, order=order,
                customer=order.customer if order else None,
                business_line=d["business_line"] or None, lines=lines,
                verify_phone=d["phone"] or None if order else None, reason=d["reason"],
                symptom=d["symptom"], description=d["description"], priority=d["priority"],
                evidence=facts.evidence, exchange_for=facts.exchange_for,
                idempotency_key=f"page:{request.user.pk}:{d['token']}")
        except ApplicationError as exc:
            error = str(exc.message)
            for field, msg in exc.fields.items():
                name = _FORM_FIELD.get(field, field)
                if name in form.fields:
                    form.add_error(name, str(msg))
        else:
            if getattr(case, "created", True):
                messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
    return TemplateResponse(request, "cases/create.html", {
        "form": form, "order": order, "found": found, "error": error,
        "posted": request.POST if data is not None else {},
        **(intake_facts_context(order, request.POST if data is not None else None)
           if order is not None else {})}, status=status)


def _fines_export(qs) -> HttpResponse:
    def col(key, zh, en, type_="text"):
        return export.TextColumn(key, pick_label({"zh": zh, "en": en}), type_)

    columns = [col("booked_at", "记罚时间", "Booked", "datetime"),
               col("case", "售后单号", "Case"), col("what", "事由", "For"),
               col("rule", "规则", "Rule"), col("person", "人员", "Person"),
               col("department", "部门", "Department"),
               col("amount", "金额", "Amount", "money"), col("status", "状态", "Status"),
               col("waived_by", "免罚人", "Waived by"),
               col("waiver_reason", "免罚理由", "Waiver reason")]
    rows = ({"booked_at": f.booked_at, "case": f.case.number, "what": fine_what(f),
             "rule": f.rule, "person": str(f.person) if f.person_id else "",
             "department": department_label(f.department) if f.department_id else "",
             "amount": f.amount, "status": f.get_status_display(),
             "waived_by": str(f.waived_by) if f.waived_by_id else "",
             "waiver_reason": f.waiver_reason} for f in qs.iterator(chunk_size=2000))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = pick_label({"zh": "罚款台账", "en": "Fine ledger"})
    try:
        return export.xlsx_response(filename=f"{name}-{stamp}.xlsx",
                                    sheets=[export.Sheet(name, columns, rows)])
    except ValidationError as exc:
        return HttpResponse(str(exc.message), status=422)


@login_required
def fines(request: HttpRequest) -> HttpResponse:
    """The fine ledger (S3.4): per person and department, booked and waived, with totals."""
    user = request.user
    allowed = SUPERVISOR_ROLES | {Role.FINANCE, Role.CASHIER, Role.ADMIN}
    if not (user.is_superuser or user.role_codes & allowed):
        return HttpResponse(_("Only supervisors and finance see the fine ledger."), status=403)
    status = request.GET.get("status", "")
    qs = fines_ledger(status=status if status in FineStatus.values else None)
    if request.GET.get("format") == "xlsx":  # the ledger as Excel, with the page's filter
        return _fines_export(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    totals = (qs.filter(status=FineStatus.BOOKED).values("person__username", "department__name")
              .annotate(total=Sum("amount"), count=Count("pk")).order_by("-total")[:20])
    return TemplateResponse(request, "cases/fines.html", {
        "page": page, "totals": list(totals), "status": status,
        "statuses": FineStatus.choices})
