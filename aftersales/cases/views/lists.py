"""The case lists (issue 4 item 5; UX.md "Staff pages"): all cases, my queue, search, overdue.

One view renders the search form, the dense table and the pagination; an htmx request (the
filters changing, a page link) gets the ``results`` partial only. Bulk and round-robin
assignment post here and come back to the same list. The list downloads as Excel with the same
filters and order (issue 12 item 3).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.display import department_label
from aftersales.accounts.models import Department
from aftersales.cases.models import Case, CaseKind, CaseLine
from aftersales.cases.paging import CAP, BranchPaginator, CappedPaginator
from aftersales.cases.search import order_cases, order_page_get, search_everything
from aftersales.cases.selectors import (
    SORTS,
    assignable_users,
    cases_for_list,
    cases_for_list_parts,
    cases_visible_to,
    list_rows,
    state_groups,
    state_label,
)
from aftersales.cases.services import case_assign_round_robin, cases_assign_bulk
from aftersales.cases.services.contact import case_contact_masked
from aftersales.core import export, exports
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import ApplicationError, ValidationError
from aftersales.core.labels import pick_label
from aftersales.core.pii import mask_phone

# Who downloaded which list: user, filters and row count (no case-level event fits an export).
audit = logging.getLogger("aftersales.audit")

FILTERS = ("q", "kind", "business_line", "state", "customer", "overdue", "assignee", "open",
           "department")
PAGE_SIZES = (20, 50, 100)
PER_PAGE = PAGE_SIZES[0]


class ListForm(forms.Form):
    """The parts of the list's query that can be typed wrong: the created-date range and the
    page size. A bad value is said under its field and leaves that filter out."""

    created_from = forms.DateField(label=_lazy("Opened from"), required=False)
    created_to = forms.DateField(label=_lazy("Opened until"), required=False)
    per_page = forms.TypedChoiceField(label=_lazy("Rows per page"), required=False, coerce=int,
                                      choices=[(n, n) for n in PAGE_SIZES], empty_value=PER_PAGE)

    def clean(self):
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            # An upside-down range is one mistake: neither end of it filters the list.
            self.add_error("created_to", _("The end date is before the start date."))
            data.pop("created_from", None)
        return data


def _columns(sort: str, query: dict[str, str]) -> list[dict]:
    """The table's headers: a link sorting by the column (keeping the other filters), the
    other way round when the list is already sorted by it; aria-sort on the sorted one."""
    columns = [("number", _("Case number")), ("customer", _("Customer")), (None, _("Product")),
               ("kind", _("Kind")), ("state", _("State")), ("assignee", _("Assignee")),
               ("due", _("Due")), ("created", _("Opened"))]
    out = []
    for key, label in columns:
        col = {"label": label, "href": "", "aria_sort": ""}
        if key is not None:
            ascending = sort == key
            descending = sort == f"-{key}"
            # A second click turns the order round; dates start newest first.
            target = f"-{key}" if ascending or (key == "created" and not descending) else key
            col["href"] = "?" + urlencode({**query, "sort": target})
            col["aria_sort"] = "ascending" if ascending else "descending" if descending else ""
        out.append(col)
    return out


def _query(request: HttpRequest, preset: dict | None = None):
    return _query_params(request.GET, preset)


def _query_params(params, preset: dict | None = None):
    """What the list's query string asks for: (filters, created dates, sort, form, per page).
    A bad date or page size is left out and said by the form."""
    filters = {**(preset or {}), **{k: str(params.get(k, "")).strip() for k in FILTERS
                                   if str(params.get(k, "")).strip()}}
    sort = params.get("sort", "due")
    sort = sort if sort in SORTS else "due"
    form = ListForm(params)
    form.is_valid()  # the valid fields are kept in cleaned_data, the bad ones say why
    typed = {k: v for k, v in form.cleaned_data.items() if v}
    per_page = typed.get("per_page") or PER_PAGE
    dates = {k: typed[k] for k in ("created_from", "created_to") if k in typed}
    return filters, dates, sort, form, per_page


def _list(request: HttpRequest, *, mine: bool, title: str, preset: dict | None = None,
          export_error: str = "", status: int = 200):
    filters, dates, sort, form, per_page = _query(request, preset)
    page = list_paginator(request.user, filters={**filters, **dates}, mine=mine, sort=sort,
                          per_page=per_page).get_page(request.GET.get("page"))
    # The query string keeps what was typed (the dates as given) except what was wrong.
    base = {**filters, **{k: request.GET[k].strip() for k in dates}}
    if per_page != PER_PAGE:
        base["per_page"] = str(per_page)
    line = filters.get("business_line")
    context = {
        "title": title, "mine": mine, "page": page, "filters": filters, "sort": sort,
        "form": form, "per_page": per_page, "page_sizes": PAGE_SIZES,
        "kinds": CaseKind.choices, "business_lines": BusinessLine.choices,
        "state_groups": state_groups(line if line in BusinessLine.values else None),
        "columns": _columns(sort, base),
        "query_no_page": urlencode({**base, "sort": sort}),
        "query_no_sort": urlencode(base),
        "can_assign": _can_assign(request.user),
        "assignees": assignable_users() if _can_assign(request.user) else [],
        "next": request.get_full_path(), "cap": CAP,
        "export_query": urlencode({**base, "sort": sort, **({"mine": "1"} if mine else {})}),
        "export_error": export_error,
        # A dashboard's bar opens the list for one person or one department: say so.
        "narrowed": _narrowed(filters),
    }
    template = "cases/list.html#results" if request.htmx and not request.htmx.boosted \
        else "cases/list.html"
    return TemplateResponse(request, template, context, status=status)


def _narrowed(filters: dict[str, str]) -> list[dict]:
    """The person and department the list is narrowed to (from a dashboard link), with the
    query string that drops each."""
    out = []
    assignee, department = filters.get("assignee", ""), filters.get("department", "")
    if assignee.isdigit() and len(assignee) <= 18:
        user = get_user_model().objects.filter(pk=int(assignee)).first()
        out.append({"field": "assignee", "label": _("Assignee"), "raw": assignee,
                    "value": str(user) if user else assignee})
    if department.isdigit() and len(department) <= 18:
        dept = Department.objects.filter(pk=int(department)).first()
        out.append({"field": "department", "label": _("Department"), "raw": department,
                    "value": department_label(dept) if dept else department})
    for item in out:
        item["drop"] = urlencode({k: v for k, v in filters.items() if k != item["field"]})
    return out


def list_paginator(user, *, filters: dict, mine: bool, sort: str,
                   per_page: int = PER_PAGE) -> CappedPaginator:
    """The pages of a case list: the user's queue in due order merged from its indexed parts
    (BranchPaginator), any other list cut from its ordered query; counts capped at CAP."""
    qs, branches = cases_for_list_parts(user, filters=filters, mine=mine, sort=sort)
    if branches is None:
        return CappedPaginator(qs, per_page)
    return BranchPaginator(qs, per_page, branches=branches, rows=list_rows(),
                           order=SORTS.get(sort, SORTS["due"]))


def _can_assign(user) -> bool:
    """Bulk assignment is a desk job: staff of the company (not dealers or factories)."""
    return bool(user.is_superuser or (user.role_codes and not user.dealer_id
                                      and not user.factory_id))


@login_required
def case_list(request: HttpRequest) -> TemplateResponse:
    return _list(request, mine=False, title=_("All cases"))


@login_required
def my_queue(request: HttpRequest) -> TemplateResponse:
    return _list(request, mine=True, title=_("My queue"))


@login_required
def overdue(request: HttpRequest) -> TemplateResponse:
    return _list(request, mine=False, title=_("Overdue cases"), preset={"overdue": "1"})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The top bar's search (issue 10 item 6): cases, orders, customers and serials by a full
    or partial number, a phone or a name. An exact case number — or an order number or serial
    with exactly one case — opens that case."""
    q = request.GET.get("q", "").strip()
    hits = search_everything(user=request.user, query=q)
    exact = [c for c in hits.cases
             if c.number == q.upper() or (c.order_id and c.order.number == q)]
    if len(hits.cases) == 1 and (exact or any(sn.serial == q for sn in hits.serials)
                                 or CaseLine.objects.filter(case=hits.cases[0], serial=q)
                                 .exists()):
        return redirect("cases:detail", number=hits.cases[0].number)
    return TemplateResponse(request, "cases/search.html", {"hits": hits, "q": q})


@login_required
def order_page(request: HttpRequest, number: str) -> TemplateResponse:
    """An order (issue 10 item 6): its lines, payments, deliveries and cases, and a new case
    from it. Missing and not-yours look alike."""
    order = order_page_get(user=request.user, number=number)
    if order is None:
        raise Http404(_("No such order."))
    return TemplateResponse(request, "cases/order.html", {
        "order": order, "cases": list(order_cases(user=request.user, order=order)[:100]),
        "masked_phone": mask_phone(order.receiver_phone)})


def _col(key: str, zh: str, en: str, type_: str = "text") -> export.TextColumn:
    return export.TextColumn(key=key, title=pick_label({"zh": zh, "en": en}), type=type_)


def _export_columns() -> list[export.TextColumn]:
    return [_col("number", "单号", "Case number"), _col("business_line", "业务线", "Business line"),
            _col("kind", "类型", "Kind"), _col("state", "状态", "State"),
            _col("customer", "客户", "Customer"), _col("phone", "联系电话", "Phone"),
            _col("assignee", "处理人", "Assignee"), _col("department", "部门", "Department"),
            _col("created_at", "建单时间", "Opened", "datetime"),
            _col("due_at", "截止时间", "Due", "datetime"),
            _col("closed_at", "结案时间", "Closed", "datetime"),
            _col("product", "商品", "Product")]


def _export_rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The list's cases (filtered, ordered) reading only what the export shows, the first
    product from a subquery: one query, read with .iterator()."""
    first_line = CaseLine.objects.filter(case=OuterRef("pk")).order_by("id")
    return (qs.select_related(None).prefetch_related(None)
            .select_related("customer", "order", "assignee", "department")
            .only("number", "business_line", "kind", "state", "workflow_key", "policy_version_id",
                  "contact_name", "contact_phone", "contact_email", "created_at", "due_at",
                  "closed_at", "customer__name", "customer__phone", "customer__email",
                  "customer__address", "order__receiver_name", "order__receiver_phone",
                  "order__receiver_address", "assignee__username", "assignee__first_name",
                  "assignee__last_name", "assignee__display_name", "department__name")
            .annotate(product_name=Subquery(first_line.values("order_line__name")[:1]),
                      product_quantity=Subquery(first_line.values("quantity")[:1])))


def _export_row(case: Case) -> dict:
    # The phone as lists show contact details: masked (PIPL); the full number is revealed
    # only one case at a time, on the case page.
    product = f"{case.product_name} ×{case.product_quantity}" if case.product_name else ""
    return {"number": case.number, "business_line": case.get_business_line_display(),
            "kind": case.get_kind_display(), "state": state_label(case),
            "customer": case.customer.name if case.customer_id else case.contact_name,
            "phone": case_contact_masked(case).phone,
            "assignee": str(case.assignee) if case.assignee_id else "",
            "department": str(case.department) if case.department_id else "",
            "created_at": case.created_at, "due_at": case.due_at, "closed_at": case.closed_at,
            "product": product}


def case_list_export_source(user, params: dict) -> exports.ExportSource:
    """The case list with these query parameters as an export (the page's filters and order,
    every matching case this user may see): for the download and the background export."""
    mine = params.get("mine") == "1"
    filters, dates, sort, _form, _per_page = _query_params(params)
    qs = cases_for_list(user, filters={**filters, **dates}, mine=mine, sort=sort)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = pick_label({"zh": "售后单", "en": "Cases"})
    rows = (_export_row(case) for case in _export_rows(qs).iterator(chunk_size=2000))
    return exports.ExportSource(
        filename=f"{name}-{stamp}.xlsx",
        sheets=[export.Sheet(title=name, columns=_export_columns(), rows=rows)])


@login_required
def case_list_export(request: HttpRequest) -> HttpResponse:
    """The list as an .xlsx file: the same filters and order as the page (all matching cases,
    not one page), only cases the user may see. Up to export.MAX_ROWS rows it downloads at
    once; a larger list is written in the background (core.exports) and the user is taken to
    its progress page, which offers the file when it is complete."""
    params = request.GET.dict()
    mine = params.get("mine") == "1"
    filters, dates, sort, _form, _per_page = _query_params(params)
    qs = cases_for_list(request.user, filters={**filters, **dates}, mine=mine, sort=sort)
    if qs.order_by()[:export.MAX_ROWS + 1].count() > export.MAX_ROWS:
        try:
            job = exports.export_request(user=request.user, kind="cases", params=params,
                                         total=qs.count(),
                                         language=get_language() or "zh-hans")
        except ValidationError as exc:
            audit.info("case list export refused: user=%s filters=%s sort=%s mine=%s",
                       request.user.pk, {**filters, **dates}, sort, mine)
            return _list(request, mine=mine, title=_("My queue") if mine else _("All cases"),
                         export_error=str(exc.message), status=422)
        audit.info("case list export queued: user=%s filters=%s sort=%s mine=%s rows=%d "
                   "job=%s", request.user.pk, {**filters, **dates}, sort, mine, job.total,
                   job.pk)
        return redirect("core:export", pk=job.pk)
    source = case_list_export_source(request.user, params)
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            written += 1
            yield row

    response = export.xlsx_response(
        filename=source.filename, max_rows=export.MAX_ROWS,
        sheets=[export.Sheet(s.title, s.columns, counted(s.rows)) for s in source.sheets])
    audit.info("case list exported: user=%s filters=%s sort=%s mine=%s rows=%d",
               request.user.pk, {**filters, **dates}, sort, mine, written)
    return response


def _back(request: HttpRequest):
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "cases:list")


@login_required
@require_POST
def assign_bulk(request: HttpRequest) -> HttpResponse:
    """Selected rows → one person (all or nothing), or → round robin in their departments."""
    if not _can_assign(request.user):
        return HttpResponse(_("You may not assign cases."), status=403)
    numbers = request.POST.getlist("cases")
    ids = list(cases_visible_to(request.user).filter(number__in=numbers)
               .values_list("pk", flat=True))
    if not ids:
        messages.warning(request, _("Select the cases first."))
        return _back(request)
    try:
        if request.POST.get("round_robin"):
            for case in cases_visible_to(request.user).filter(pk__in=ids).order_by("pk"):
                case_assign_round_robin(case=case, actor=request.user)
            messages.success(request, _("%(n)d cases assigned round robin.") % {"n": len(ids)})
        else:
            User = get_user_model()
            assignee = User.objects.filter(pk=request.POST.get("assignee") or 0).first()
            if assignee is None:
                messages.error(request, _("Choose the person to assign to."))
                return _back(request)
            cases_assign_bulk(case_ids=ids, actor=request.user, assignee=assignee)
            messages.success(request, _("%(n)d cases assigned to %(user)s.")
                             % {"n": len(ids), "user": assignee})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return _back(request)
