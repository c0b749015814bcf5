"""Error codes of the customer portal (docs/errors.md): what a client may act on."""

from aftersales.core.errors import ErrorCode


class PortalErrorCode(ErrorCode):
    PORTAL_CODE_WRONG = "portal_code_wrong"  # the SMS code typed is not the one sent (422)
    PORTAL_CODE_EXPIRED = "portal_code_expired"  # no code waiting, or it has expired (422)
    PORTAL_CODE_LOCKED = "portal_code_locked"  # too many wrong codes: ask for a new one (422)
    PORTAL_CODE_TOO_SOON = "portal_code_too_soon"  # a new code was asked for too soon (422)
