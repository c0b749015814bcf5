"""The reference data pages (/settings/data/): for customers, dealers, suppliers, outsourced
factories, products and the parts price list a list (search, filters, sortable headers, page
size, Excel export), a detail page and a form; orders are read-only (views/orders.py).
Who may see and change what: data_access; every change goes through data_services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts import data_access as access
from aftersales.administration import data_services as services
from aftersales.administration.access import apply_errors
from aftersales.administration.data_kinds import KINDS, DataKind
from aftersales.core import exports
from aftersales.core.errors import ApplicationError
from aftersales.core.export import Sheet, TextColumn
from aftersales.core.list_export import list_export
from aftersales.core.listing import Listing, listing_context
from aftersales.core.templatetags.ux import format_money, format_when


def _shown(value, type_: str) -> str:
    """A cell as the page shows it: ¥1,234.50, 2026-11-29 14:30, 2026-11-29."""
    if value is None or value == "":
        return "—"
    if type_ == "money":
        return format_money(value)
    if type_ == "datetime":
        return format_when(value)
    if type_ == "date":
        return value.isoformat()
    return str(value)


def data_nav(user, current: str = "") -> list[dict]:
    """The reference data pages this user may open (the tabs above each of them)."""
    out = [{"label": KINDS[k].title, "url": reverse(f"administration:{KINDS[k].name}_list"),
            "current": k == current} for k in KINDS if access.may_view(user, k)]
    if access.may_edit(user, access.IMPORTS):
        out.append({"label": _("Import"), "url": reverse("administration:import_list"),
                    "current": current == access.IMPORTS})
    return out


@login_required
def data_index(request: HttpRequest) -> HttpResponse:
    """The first reference data page this user may open."""
    nav = data_nav(request.user)
    if not nav:
        raise Forbidden
    return redirect(nav[0]["url"])


def _viewer(request, kind: str) -> DataKind:
    if not access.may_view(request.user, kind):
        raise Forbidden
    return KINDS[kind]


def _editor(request, kind: str) -> DataKind:
    if not access.may_edit(request.user, kind):
        raise Forbidden
    return KINDS[kind]


def rows_for(spec: DataKind, params):
    return Listing(spec.spec(), params).apply(spec.search_rows(params))


def page_context(request, spec: DataKind) -> dict:
    listing = Listing(spec.spec(), request.GET)
    page = listing.paginate(spec.search_rows(request.GET), request.GET.get("page"))
    shown = [c for c in spec.columns if c.on_page]
    headers = [(c.key if c.sort else None, c.label, c.css) for c in shown]
    rows = [{"url": reverse(f"administration:{spec.name}_detail", args=[obj.pk]),
             "cells": [(_shown(c.get(obj), c.type), c.css) for c in shown]}
            for obj in page.object_list]
    filters = [{"param": f.param, "label": f.label, "choices": f.choices(),
                "value": str(request.GET.get(f.param, "") or "")} for f in spec.filters]
    return {**listing_context(listing, page, headers), "spec": spec, "rows": rows,
            "filters": filters, "q": str(request.GET.get("q", "") or "").strip(),
            "may_edit": access.may_edit(request.user, spec.key),
            "export_url": reverse(f"administration:{spec.name}_export"),
            "data_nav": data_nav(request.user, spec.key)}


@login_required
def data_list(request: HttpRequest, *, kind: str) -> TemplateResponse:
    spec = _viewer(request, kind)
    return TemplateResponse(request, "administration/data/list.html",
                            page_context(request, spec))


def export_source(kind: str):
    """The export source of ``kind`` for core.exports (the download and the background job):
    the list with the page's search, filters, order and date range."""
    def source(user, params: dict) -> exports.ExportSource:
        spec = KINDS[kind]
        if not access.may_view(user, kind):
            return exports.ExportSource(filename="empty.xlsx", sheets=[])
        columns = [TextColumn(key=c.key, title=str(c.label), type=c.type)
                   for c in spec.columns]

        def rows():
            for obj in rows_for(spec, params).iterator(chunk_size=1000):
                yield {c.key: c.get(obj) for c in spec.columns}

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        # the file is named as the list is titled, in the user's language (客户-20261204-1030)
        return exports.ExportSource(filename=f"{spec.title}-{stamp}.xlsx",
                                    sheets=[Sheet(str(spec.title), columns, rows())])
    return source


@login_required
def data_export(request: HttpRequest, *, kind: str) -> HttpResponse:
    spec = _viewer(request, kind)
    return list_export(request, kind=f"data_{kind}", qs=rows_for(spec, request.GET),
                       source=export_source(kind),
                       page=lambda r: data_list(r, kind=kind))


def _detail_context(request, spec: DataKind, obj, *, revealed: bool = False) -> dict:
    fields = []
    for f in spec.fields:
        value = f.get(obj)
        masked = f.mask is not None and not revealed
        fields.append({"label": f.label, "value": f.mask(value) if masked else value,
                       "masked": masked and bool(value)})
    context = {"spec": spec, "obj": obj, "fields": fields, "revealed": revealed,
               "may_edit": access.may_edit(request.user, spec.key),
               "data_nav": data_nav(request.user, spec.key),
               "may_reveal": any(f["masked"] for f in fields)
               and access.may_reveal_contact(request.user)}
    if spec.key == access.CUSTOMERS and access.may_view(request.user, access.ORDERS):
        context["orders"] = obj.orders.order_by("-placed_at")[:20]
    return context


@login_required
def data_detail(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    spec = _viewer(request, kind)
    obj = get_object_or_404(spec.queryset(), pk=pk)
    return render(request, "administration/data/detail.html",
                  _detail_context(request, spec, obj))


@require_POST
@login_required
def customer_contact(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    """Show a customer's full contact details once, recording who saw them."""
    spec = _viewer(request, kind)
    obj = get_object_or_404(spec.queryset(), pk=pk)
    if not access.may_reveal_contact(request.user):
        raise Forbidden
    services.customer_contact_reveal(actor=request.user, customer=obj)
    return render(request, "administration/data/detail.html",
                  _detail_context(request, spec, obj, revealed=True))


def _form_page(request, spec: DataKind, obj=None) -> HttpResponse:
    form = spec.form(request.POST if request.method == "POST" else None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.reference_save(actor=request.user, kind=spec.key,
                                            data=form.cleaned_data,
                                            pk=obj.pk if obj else None)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(what)s %(name)s saved.")
                             % {"what": spec.singular, "name": str(saved)})
            return redirect(f"administration:{spec.name}_detail", saved.pk)
    status = 422 if form.errors else 200
    return render(request, "administration/data/form.html",
                  {"spec": spec, "form": form, "obj": obj, "creating": obj is None,
                   "data_nav": data_nav(request.user, spec.key)},
                  status=status)


@login_required
def data_create(request: HttpRequest, *, kind: str) -> HttpResponse:
    return _form_page(request, _editor(request, kind))


@login_required
def data_edit(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    spec = _editor(request, kind)
    return _form_page(request, spec, get_object_or_404(spec.model, pk=pk))


@require_POST
@login_required
def data_deactivate(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    spec = _editor(request, kind)
    obj = get_object_or_404(spec.model, pk=pk)
    try:
        services.reference_deactivate(actor=request.user, kind=kind, pk=obj.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s deactivated: it stays on its cases and orders.")
                         % {"name": str(obj)})
    return redirect(f"administration:{spec.name}_detail", obj.pk)
