"""One error hierarchy for the whole product (docs/errors.md).

Services raise these; the API maps them to {"code", "message", "fields"} with the status below,
the CLI prints the same JSON and exits 2, pages show the message next to the field.
Messages are translatable (gettext_lazy) and rendered in the user's language.

``code`` is what a client acts on. Each app declares its codes as an enumeration in its own
``errors.py`` (a subclass of ErrorCode); the codes every app may answer (a generic refusal, the
API's own edge errors) are CoreErrorCode here. error_codes() lists them all for the OpenAPI
document and the docs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.module_loading import autodiscover_modules


class ErrorCode(StrEnum):
    """Base of every app's error code enumeration (no members of its own)."""


class CoreErrorCode(ErrorCode):
    """Codes any app may answer, and those of the API's edge (middleware, authentication)."""

    ERROR = "error"  # an error without a more specific code
    INVALID = "invalid"  # input that can't be accepted; ``fields`` names it
    NOT_FOUND = "not_found"  # missing, or not yours
    FORBIDDEN = "forbidden"  # authenticated, but not allowed
    CONFLICT = "conflict"  # the state no longer allows the action
    UNAUTHORIZED = "unauthorized"  # no valid session or API key
    BAD_REQUEST = "bad_request"  # a request Django refused before any view
    MALFORMED_BODY = "malformed_body"  # the body is not JSON or form data
    NUL_CHARACTER = "nul_character"  # a NUL character anywhere in the request
    CSRF_FAILED = "csrf_failed"  # a session request without the CSRF token
    METHOD_NOT_ALLOWED = "method_not_allowed"  # the route does not accept the method
    TOO_LARGE = "too_large"  # the request body is too large
    EXPORT_TOO_LARGE = "export_too_large"  # more rows than one download may hold
    TOO_MANY_REQUESTS = "too_many_requests"  # rate limited; retry later
    SERVER_ERROR = "server_error"  # our failure; the body says nothing more


def error_codes() -> dict[str, type[ErrorCode]]:
    """Every declared code → its enumeration: this module's and each installed app's
    ``errors.py`` (imported here if nothing has imported it yet)."""
    autodiscover_modules("errors")
    found: dict[str, type[ErrorCode]] = {}
    todo: list[type[ErrorCode]] = [ErrorCode]
    while todo:
        enum = todo.pop()
        todo.extend(enum.__subclasses__())
        for member in enum:
            found.setdefault(member.value, enum)
    return found


class ApplicationError(Exception):
    status = 400
    code: ErrorCode = CoreErrorCode.ERROR

    def __init__(
        self,
        message: Any,
        *,
        code: ErrorCode | None = None,
        fields: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": str(self.code),
            "message": str(self.message),
            "fields": {k: str(v) for k, v in self.fields.items()},
        }
        if self.extra:
            data["extra"] = self.extra
        return data


class ValidationError(ApplicationError):
    """Input that can't be accepted; names the field(s)."""

    status = 422
    code: ErrorCode = CoreErrorCode.INVALID


class NotFound(ApplicationError):
    """Missing, or not yours: both are answered the same way."""

    status = 404
    code: ErrorCode = CoreErrorCode.NOT_FOUND


class PermissionDenied(ApplicationError):
    status = 403
    code: ErrorCode = CoreErrorCode.FORBIDDEN


class Conflict(ApplicationError):
    """A lost race or a state that no longer allows the action."""

    status = 409
    code: ErrorCode = CoreErrorCode.CONFLICT
