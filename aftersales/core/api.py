"""API plumbing shared by every router: the error shape and a health check."""

from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase

from aftersales.core.errors import ApplicationError, CoreErrorCode, error_codes
from aftersales.core.middleware import error_body

router = Router(tags=["system"])


def _declare_codes(schema: dict[str, Any]) -> None:
    """List every app's error codes on ErrorOut.code (read when the document is generated)."""
    schema["enum"] = sorted(error_codes())


class ErrorOut(Schema):
    """Every API error: a stable ``code`` to act on, a ``message`` in the user's language and
    the offending ``fields`` (dotted paths) with what is wrong with each."""

    code: str = Field(description="What went wrong, for programs to act on (docs/errors.md); "
                                  "codes are added, never renamed.",
                      json_schema_extra=_declare_codes)
    message: str
    fields: dict[str, str] = {}
    extra: dict[str, Any] | None = None


class HealthOut(Schema):
    status: str
    database: str


class VendoredSwagger(DocsBase):
    """The API docs page from the Swagger UI files vendored under core/static/vendor (factory
    intranets have no CDN) and started by a static script, so the page passes the CSP."""

    settings = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "core/api_docs.html", {
            "api": api, "swagger_settings": settings, "add_csrf": True})


def _field_path(loc: list) -> str:
    # ninja prefixes the location ("body", "query", the parameter name): drop those.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError):
        fields = {}
        for err in exc.errors:
            fields[_field_path(list(err.get("loc", [])))] = err.get("msg", "")
        body = error_body(CoreErrorCode.INVALID, _("The request is not valid."), fields)
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError):
        body = error_body(CoreErrorCode.UNAUTHORIZED,
                          _("Please log in or send an API key (X-API-Key)."))
        return api.create_response(request, body, status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        # django-ninja's own refusals: an unreadable body (400), a failed CSRF check (403).
        code, message = _http_error(exc.status_code, str(exc))
        fields = {"body": message} if code == CoreErrorCode.MALFORMED_BODY else None
        return api.create_response(request, error_body(code, message, fields),
                                   status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        body = error_body(CoreErrorCode.NOT_FOUND, _("There is nothing at this address."))
        return api.create_response(request, body, status=404)


def _http_error(status: int, default: str) -> tuple[CoreErrorCode, str]:
    if status == 400:
        return CoreErrorCode.MALFORMED_BODY, _("The request body is not valid JSON or form data.")
    if status == 403:
        return CoreErrorCode.CSRF_FAILED, _("The CSRF check failed: send the X-CSRFToken header "
                                            "with a session, or use an API key.")
    if status == 429:
        return CoreErrorCode.TOO_MANY_REQUESTS, _("Too many requests; please wait and try again.")
    return CoreErrorCode.ERROR, default


@router.get("/health", response=HealthOut, auth=None)
def health(request: HttpRequest):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}
