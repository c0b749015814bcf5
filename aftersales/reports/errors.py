"""Error codes of the reports (docs/errors.md)."""

from aftersales.core.errors import ErrorCode


class ReportErrorCode(ErrorCode):
    REPORT_NOT_FOUND = "report_not_found"  # no report by that name
    REPORT_FORBIDDEN = "report_forbidden"  # the user's roles may not see this report
    REPORT_FILTER_INVALID = "report_filter_invalid"  # a filter value; ``fields`` names it
