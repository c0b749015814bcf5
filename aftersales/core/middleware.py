"""The edge of every request: input no view should ever see, and one error shape for the API.

- A NUL character (``\\x00``, ``%00``, ``\\u0000`` in JSON) in the URL path, the query string,
  a form field, a file name, a header or a JSON body is refused with 400 before any view runs:
  PostgreSQL can't store or even compare text holding one, and no legitimate client sends it.
- Under ``/api/`` every error answer has the documented shape ``{"code", "message",
  "fields"}``: answers Django or django-ninja produce outside our handlers (an unknown route,
  405 method not allowed, a server error page) are rewritten into it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from aftersales.core.errors import CoreErrorCode

API_PREFIX = "/api/"
NUL = "\x00"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_body(code: CoreErrorCode, message: Any, fields: dict[str, Any] | None = None) -> dict:
    return {"code": str(code), "message": str(message),
            "fields": {k: str(v) for k, v in (fields or {}).items()}}


def _status_error(status: int) -> tuple[CoreErrorCode, str]:
    """(code, message) for an HTTP status that reached the client without our own body."""
    known = {
        400: (CoreErrorCode.BAD_REQUEST, _("The request is not valid.")),
        401: (CoreErrorCode.UNAUTHORIZED, _("Please log in.")),
        403: (CoreErrorCode.FORBIDDEN, _("You may not do this.")),
        404: (CoreErrorCode.NOT_FOUND, _("There is nothing at this address.")),
        405: (CoreErrorCode.METHOD_NOT_ALLOWED, _("This address does not accept this method.")),
        413: (CoreErrorCode.TOO_LARGE, _("The request is too large.")),
        429: (CoreErrorCode.TOO_MANY_REQUESTS, _("Too many requests; please wait and try again.")),
    }
    if status in known:
        return known[status]
    if status >= 500:
        return CoreErrorCode.SERVER_ERROR, _("Something went wrong on our side; please try again "
                                             "later.")
    return CoreErrorCode.ERROR, _("The request could not be handled.")


def _nul_path(value: Any, path: str) -> str | None:
    """The dotted path of the first string (or key) holding a NUL in parsed JSON."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return inner.replace(NUL, "")
            if (found := _nul_path(item, inner)) is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            if (found := _nul_path(item, f"{path}.{i}" if path else str(i))) is not None:
                return found
    return None


def nul_field(request: HttpRequest) -> str | None:
    """Where a NUL character is in the request ("path", a parameter's name…), or None."""
    if NUL in request.path_info:
        return "path"
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str) and NUL in value:
            return name[5:].replace("_", "-").lower()
    for params in (request.GET, request.POST):
        for key, values in params.lists():
            if NUL in key or any(NUL in v for v in values):
                return key.replace(NUL, "") or "query"
    for key, files in request.FILES.lists():
        if any(NUL in (f.name or "") for f in files):
            return key
    content_type = request.content_type or ""
    if content_type.endswith("json") and request.method in ("POST", "PUT", "PATCH"):
        body = request.body
        # A NUL can only be written escaped in valid JSON; look closer only when one may be.
        if b"\\u0000" in body or b"\x00" in body:
            try:
                data = json.loads(body)
            except ValueError:
                return None  # not JSON: the API answers that itself
            found = _nul_path(data, "")
            if found is not None:
                return found or "body"
    return None


def nul_refused(request: HttpRequest, field: str) -> HttpResponse:
    message = _("The request contains a NUL character, which is never valid input.")
    if is_api(request):
        body = error_body(CoreErrorCode.NUL_CHARACTER, message, {field: _("NUL character")})
        return JsonResponse(body, status=400)
    body = loader.render_to_string("400.html", {"message": message}, request)
    return HttpResponse(body, status=400)


def _api_shaped(response: HttpResponse) -> HttpResponse:
    if response.status_code < 400:
        return response
    if (response.get("Content-Type") or "").startswith("application/json"):
        return response
    code, message = _status_error(response.status_code)
    shaped = JsonResponse(error_body(code, message), status=response.status_code)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            shaped[header] = response[header]
    return shaped


class EdgeMiddleware:
    """Refuse NUL characters; give every /api error the documented JSON shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = nul_field(request)
        response = nul_refused(request, field) if field else self.get_response(request)
        return _api_shaped(response) if is_api(request) else response
