"""Error codes of the calendars app (docs/errors.md)."""

from aftersales.core.errors import ErrorCode


class CalendarErrorCode(ErrorCode):
    CALENDAR_YEAR_MISSING = "calendar_year_missing"  # no working-day data for that year (422)
    DATE_OUT_OF_RANGE = "date_out_of_range"  # a date or day count outside the range (422)
    BUSINESS_HOURS_MISSING = "business_hours_missing"  # no business hours configured (422)
