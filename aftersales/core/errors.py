"""One error hierarchy for the whole product (STYLE.md "Errors").

Services raise these; the API maps them to {"code", "message", "fields"} with the status below,
the CLI prints the same JSON and exits 2, pages show the message next to the field.
Messages are translatable (gettext_lazy) and rendered in the user's language.
"""

from typing import Any


class ApplicationError(Exception):
    status = 400
    code = "error"

    def __init__(
        self,
        message: Any,
        *,
        code: str | None = None,
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
        data = {
            "code": self.code,
            "message": str(self.message),
            "fields": {k: str(v) for k, v in self.fields.items()},
        }
        if self.extra:
            data["extra"] = self.extra
        return data


class ValidationError(ApplicationError):
    """Input that can't be accepted; names the field(s)."""

    status = 422
    code = "invalid"


class NotFound(ApplicationError):
    """Missing, or not yours: both are answered the same way."""

    status = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    status = 403
    code = "forbidden"


class Conflict(ApplicationError):
    """A lost race or a state that no longer allows the action."""

    status = 409
    code = "conflict"
