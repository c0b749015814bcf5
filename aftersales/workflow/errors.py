"""Error codes of the workflow app (docs/errors.md): moves the workflow refuses."""

from aftersales.core.errors import ErrorCode


class WorkflowErrorCode(ErrorCode):
    INVALID_WORKFLOW = "invalid_workflow"  # a workflow section that can't be used (422)
    WORKFLOW_MISSING = "workflow_missing"  # no workflow for this business line and kind (404)
    INVALID_TRANSITION = "invalid_transition"  # no such move from the case's state (409)
    ROLE_NOT_ALLOWED = "role_not_allowed"  # none of your roles may make this move (403)
    REQUIREMENT_MISSING = "requirement_missing"  # the case lacks a fact the move needs (422)
    REQUIREMENT_FORBIDS = "requirement_forbids"  # the case has a fact the move excludes (422)
    NOT_THE_AGREED_SOLUTION = "not_the_agreed_solution"  # the move serves another solution (422)
    REASON_REQUIRED = "reason_required"  # the move needs a written reason (422)
    WAIVER_NOT_ALLOWED = "waiver_not_allowed"  # your role may not waive this fine (403)
