"""Error codes of the quality app (docs/errors.md)."""

from aftersales.core.errors import ErrorCode


class QualityErrorCode(ErrorCode):
    NOT_QUALITY = "not_quality"  # your role may not record this quality record (403)
    UNKNOWN_DEFECT_CODE = "unknown_defect_code"  # not in the policy's defect codes (422)
    INSPECTION_NOT_FOUND = "inspection_not_found"  # no such inspection, or not yours (404)
    REPORT_NOT_FOUND = "quality_report_not_found"  # no such quality report, or not yours (404)
    REPORT_EXISTS = "report_exists"  # the case has an open or reviewed report already (409)
    REPORT_NOT_OPEN = "report_not_open"  # the report is not awaiting review (409)
    REVIEWER_IS_AUTHOR = "reviewer_is_author"  # the author can't review their own report (403)
    CLAIM_NOT_FOUND = "claim_not_found"  # no such supplier claim (404)
    CLAIM_MOVE = "claim_move"  # the claim can't go to that status from its status (409)
    ACTION_NOT_FOUND = "action_not_found"  # no such corrective action (404)
    ACTION_MOVE = "action_move"  # the action can't be marked so from its status (409)
    VERIFIER_IS_OWNER = "verifier_is_owner"  # the owner can't verify their own action (403)
    OUTGOING_NOT_DUE = "outgoing_inspection_not_due"  # the case waits for no 出货检验 now (409)
