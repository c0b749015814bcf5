"""Importing orders, products and customers (imports/README.md) from the settings pages: the
upload form and the list of import runs with their counts and bad rows, and one run's page
with its errors and the changes it made. The same service as `aftersales import`: a file is
imported all-or-nothing; "only check" writes nothing. The administrator only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from aftersales.accounts import data_access as access
from aftersales.administration.data_services import data_import
from aftersales.administration.views.data import data_nav
from aftersales.imports.forms import ImportUploadForm
from aftersales.imports.models import ImportKind, ImportRun, ImportStatus
from aftersales.imports.services import MAX_ERRORS

PAGE_SIZE = 20


def _require(request) -> None:
    if not access.may_edit(request.user, access.IMPORTS):
        raise Forbidden


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """GET: the form and the runs; POST: import one file and show its outcome above them."""
    _require(request)
    result = None
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            result = data_import(actor=request.user, kind=data["kind"], upload=upload,
                                 encoding=data["encoding"], dry_run=data["dry_run"],
                                 create_categories=data["create_categories"])
    else:
        form = ImportUploadForm()
    kind = str(request.GET.get("kind", "") or "")
    status = str(request.GET.get("status", "") or "")
    runs = ImportRun.objects.select_related("actor").order_by("-started_at", "-pk")
    if kind in ImportKind.values:
        runs = runs.filter(kind=kind)
    if status in ImportStatus.values:
        runs = runs.filter(status=status)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    code = 422 if (form.errors or (result is not None and not result.ok)) else 200
    return render(request, "administration/data/imports.html", {
        "form": form, "result": result, "max_errors": MAX_ERRORS, "page_obj": page,
        "kind": kind, "status": status, "kinds": ImportKind.choices,
        "statuses": ImportStatus.choices,
        "data_nav": data_nav(request.user, access.IMPORTS)}, status=code)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    run = get_object_or_404(ImportRun.objects.select_related("actor"), pk=pk)
    return render(request, "administration/data/import_detail.html",
                  {"run": run, "changes": run.changes.order_by("pk")[:500],
                   "data_nav": data_nav(request.user, access.IMPORTS)})
