"""Error codes of the cases app (docs/errors.md): what a client may act on."""

from aftersales.core.errors import ErrorCode


class CaseErrorCode(ErrorCode):
    CASE_NOT_FOUND = "case_not_found"  # no such case, or not yours (404)
    ORDER_NOT_FOUND = "order_not_found"  # no such order, or not yours (404)
    ORDER_REQUIRED = "order_required"  # this kind of case needs an order (422)
    VERIFICATION_FAILED = "verification_failed"  # order number and phone don't match (422)
    CASE_CLOSED = "case_closed"  # the case is closed; nothing more can be done (409/422)
    STALE_CASE = "stale_case"  # changed by someone else since you read it: reload (409)
    NOT_EVALUABLE = "not_evaluable"  # this case kind has no policy decision (422)
    NOTHING_PENDING = "nothing_pending"  # no adjustment awaits approval (409)
    ABOVE_AUTHORITY = "above_authority"  # the amount is above your authority (403)
    MAKER_CHECKER = "maker_checker"  # you can't approve your own request (403)
    ASSIGNEE_ROLE = "assignee_role"  # that person has no role acting on this state (422)
    NO_CANDIDATE = "no_candidate"  # nobody can take the case in this state (422)
    FILE_TOO_LARGE = "file_too_large"  # an attachment above the size limit (422)
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"  # an attachment of a refused type (422)
    TOO_MANY_FILES = "too_many_files"  # more files than a step or a case may hold (422)
    EVIDENCE_REQUIRED = "evidence_required"  # an appeal needs a statement or files (422)
    ALREADY_RATED = "already_rated"  # the case has its rating (409)
    NOT_CLOSED = "not_closed"  # only a closed case can be rated (409)
    ALREADY_WAIVED = "already_waived"  # the fine is waived already (409)
    NO_FINE_RULE = "no_fine_rule"  # the state's SLA books no fine (422)
    ASSIGN_NOT_ALLOWED = "assign_not_allowed"  # your role may not assign this case (403)
    RATING_BY_CUSTOMER = "rating_by_customer"  # staff record only a rating given by phone (403)
    CONTACT_NOT_ALLOWED = "contact_not_allowed"  # your role sees contact details masked (403)
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"  # the key came with another body (422)
    LINES_REQUIRED = "lines_required"  # a return or exchange names at least one line (422)
    QUANTITY_NOT_CLAIMABLE = "quantity_not_claimable"  # more than bought minus open claims (422)
    SERIAL_CLAIMED = "serial_claimed"  # the serial is on another open case (422)
    RECORD_REQUIRED = "record_required"  # the fact is set by its record, not ticked (422)
    UNKNOWN_CONDITION = "unknown_condition"  # a condition check that doesn't exist (422)
    UNKNOWN_EVIDENCE = "unknown_evidence"  # an evidence kind not in the vocabulary (422)
    UNKNOWN_GOODS = "unknown_goods"  # exchange goods not in the catalogue (422)
    OVERRIDE_REASON_REQUIRED = "override_reason_required"  # changing a decided fact needs why
