"""Error codes of the finance app (docs/errors.md): what a client may act on."""

from aftersales.core.errors import ErrorCode


class FinanceErrorCode(ErrorCode):
    REFUND_NOT_FOUND = "refund_not_found"  # no such refund, or not yours (404)
    NOTHING_TO_REFUND = "nothing_to_refund"  # the case's agreement gives nothing back (422)
    GOODS_NOT_RECEIVED = "goods_not_received"  # goods coming back are not received yet (409)
    ABOVE_DECISION = "above_decision"  # more than the decision allows without an adjustment (422)
    ABOVE_PAID = "above_paid"  # more than the order paid with this method (422)
    REASON_REQUIRED = "refund_reason_required"  # a partial refund or a refusal: why (422)
    REFUND_NOT_OPEN = "refund_not_open"  # the refund is not waiting for this step (409)
    OWN_REFUND = "own_refund"  # the approver is never the requester (403)
    ABOVE_APPROVAL_LIMIT = "above_approval_limit"  # above your role's approval limit (403)
    LINE_PAID = "line_paid"  # this share is paid already (409)
    KEY_REUSED = "key_reused"  # the idempotency key came with another payment (422)
    REFERENCE_REQUIRED = "reference_required"  # a manual payment needs its reference (422)
    CONSENT_REQUIRED = "consent_required"  # another route needs the customer's consent (422)
    REFUND_WINDOW_PASSED = "refund_window_passed"  # the provider refunds only so long (422)
    TOO_MANY_PARTIALS = "too_many_partials"  # the provider's partial-refund limit (422)
    GATEWAY_UNAVAILABLE = "gateway_unavailable"  # the gateway is not configured (409)
    GATEWAY_REFUSED = "gateway_refused"  # the provider refused the refund (409)
    BAD_SIGNATURE = "bad_signature"  # a callback whose signature does not verify (403)
    UNKNOWN_REFUND = "unknown_refund"  # a callback for a refund we never sent (404)
    NOT_PAID = "not_paid"  # the customer can confirm only a paid refund (409)
