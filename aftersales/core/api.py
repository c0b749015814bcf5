"""API plumbing shared by every router: the error shape and a health check."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from aftersales.core.errors import ApplicationError

router = Router(tags=["system"])


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class HealthOut(Schema):
    status: str
    database: str


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
        body = {"code": "invalid", "message": _("The request is not valid."), "fields": fields}
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError):
        body = {"code": "unauthorized", "message": _("Please log in."), "fields": {}}
        return api.create_response(request, body, status=401)


@router.get("/health", response=HealthOut, auth=None)
def health(request: HttpRequest):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}
