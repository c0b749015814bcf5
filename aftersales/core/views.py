"""Friendly error pages instead of tracebacks (UX.md "Empty and error states")."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils import translation

from aftersales.core.errors import NotFound
from aftersales.core.export import CONTENT_TYPE
from aftersales.core.exports import export_get_for_user
from aftersales.core.models import ExportJob, ExportStatus


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    body = loader.render_to_string("404.html", {"request_path": request.path}, request)
    return HttpResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be in a context processor or the database.
    english = (translation.get_language() or "").startswith("en")
    body = loader.render_to_string("500.html", {"english": english})
    return HttpResponse(body, status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Input the system refuses before any view (a NUL character, an oversized body)."""
    body = loader.render_to_string("400.html", {}, request)
    return HttpResponse(body, status=400)


# ----------------------------------------------------------------- background exports
@login_required
def export_list(request: HttpRequest) -> TemplateResponse:
    """The user's recent exports (issue 12 item 3)."""
    jobs = ExportJob.objects.filter(user=request.user).order_by("-created_at")[:50]
    return TemplateResponse(request, "core/exports.html", {"jobs": jobs})


@login_required
def export_page(request: HttpRequest, pk: int) -> TemplateResponse:
    """One export's progress; the page polls itself (htmx) until the file is ready."""
    try:
        job = export_get_for_user(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    template = "core/export.html#progress" if request.htmx else "core/export.html"
    return TemplateResponse(request, template, {"job": job})


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    try:
        job = export_get_for_user(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                        content_type=CONTENT_TYPE)
