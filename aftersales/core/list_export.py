"""A staff list's Excel export, the same way on every list (UX.md "Staff pages"): the file
follows the page's filters, sort and date range; up to export.MAX_ROWS rows it downloads at
once, a larger list is written in the background (core.exports) and the user is taken to its
progress page; a list beyond the background limit is refused on the list page itself (422).
Every download, queued export and refusal is written to the audit log with the user and the
filters.

    @login_required
    def rma_list_export(request):
        return list_export(request, kind="rmas", qs=_rmas(request.user, request.GET),
                           source=rma_list_export_source, page=rma_list)

``source(user, params)`` is the export source registered for ``kind`` (the background worker
calls the same function); ``page(request)`` draws the list page for the refusal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language

from aftersales.core import export, exports
from aftersales.core.errors import ApplicationError

audit = logging.getLogger("aftersales.audit")


def list_export(request: HttpRequest, *, kind: str, qs,
                source: Callable[..., exports.ExportSource],
                page: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
    """The list ``qs`` (as filtered for this user and query string) as .xlsx, or its
    background export, or the list page with the refusal."""
    params = request.GET.dict()
    params.pop("page", None)
    written = 0

    def counted(rows: Iterable) -> Iterator:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    try:
        if qs.order_by()[:export.MAX_ROWS + 1].count() > export.MAX_ROWS:
            job = exports.export_request(user=request.user, kind=kind, params=params,
                                         total=qs.count(), language=get_language() or "zh-hans")
            audit.info("%s export queued: user=%s filters=%s rows=%d job=%s", kind,
                       request.user.pk, params, job.total, job.pk)
            return redirect("core:export", pk=job.pk)
        src = source(request.user, params)
        response = export.xlsx_response(
            filename=src.filename, max_rows=export.MAX_ROWS,
            sheets=[export.Sheet(s.title, s.columns, counted(s.rows)) for s in src.sheets])
    except ApplicationError as exc:
        audit.info("%s export refused: user=%s filters=%s", kind, request.user.pk, params)
        messages.error(request, str(exc.message))
        response = page(request)
        response.status_code = 422
        return response
    audit.info("%s exported: user=%s filters=%s rows=%d", kind, request.user.pk, params,
               written)
    return response
