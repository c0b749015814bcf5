"""Friendly error pages instead of tracebacks (UX.md "Empty and error states")."""

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation


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
