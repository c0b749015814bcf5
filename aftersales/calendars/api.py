"""REST: /api/v1/calendar (POLICY-API.md "Working days").

GET /api/v1/calendar/add?from=2026-01-05&working_days=3  -> {"date": "2026-01-08"}
GET /api/v1/calendar/add?from=2026-09-30&days=7          -> {"date": "2026-10-07"}
GET /api/v1/calendar/add?at=2026-02-13T17:00:00%2B08:00&business_hours=3
    -> {"datetime": "2026-02-14T11:00:00+08:00"}
GET /api/v1/calendar/2026  -> the year's holidays and adjusted working days (调休)

Reading the calendar is public (auth=None): it is the published State Council schedule.
A year without data is 422 {"code": "calendar_year_missing", "message", "fields", "extra"}; a
date outside the years the calendar supports is 422 "date_out_of_range" naming them.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from aftersales.calendars.calendar import SHANGHAI, CalendarYearMissing, get_calendar
from aftersales.calendars.errors import CalendarErrorCode
from aftersales.calendars.models import CalendarDay, CalendarYear, DayKind
from aftersales.calendars.selectors import business_hours_department_check, calendar_year_schedule
from aftersales.calendars.services import MAX_YEAR, MIN_YEAR
from aftersales.core.api import ErrorOut
from aftersales.core.errors import ValidationError

router = Router(tags=["calendars"])


class DateOut(Schema):
    date: date


class DateTimeOut(Schema):
    datetime: datetime


class HolidayOut(Schema):
    name: str
    start: date
    end: date
    days: int


class DayOut(Schema):
    date: date
    is_working: bool
    kind: str
    name: str


class YearOut(Schema):
    year: int
    region: str
    source: str
    entered_at: datetime
    holidays: list[HolidayOut]
    adjusted_workdays: list[date]
    exceptions: list[DayOut]
    working_days: int


def _supported_range() -> tuple[date, date]:
    return date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)


def _out_of_range(field: str) -> ValidationError:
    first, last = _supported_range()
    message = _("Dates must lie between %(first)s and %(last)s, the years the working-day "
                "calendar supports.") % {"first": first, "last": last}
    return ValidationError(message,
                           code=CalendarErrorCode.DATE_OUT_OF_RANGE, fields={field: message},
                           extra={"first": first.isoformat(), "last": last.isoformat()})


def _check_date(value: date, field: str) -> None:
    first, last = _supported_range()
    if not first <= value <= last:
        raise _out_of_range(field)


def _one_count(working_days, days, business_hours) -> str:
    given = [k for k, v in (("working_days", working_days), ("days", days),
                            ("business_hours", business_hours)) if v is not None]
    if len(given) != 1:
        msg = _("Give exactly one of working_days, days or business_hours.")
        raise ValidationError(msg, fields={k: msg for k in (given or ["working_days"])})
    return given[0]


def _start_instant(from_: date | None, at: datetime | None) -> datetime:
    if at is None and from_ is None:
        raise ValidationError(_("Give the start instant 'at'."),
                              fields={"at": _("This field is required.")})
    start = at if at is not None else datetime.combine(from_, datetime.min.time())
    _check_date(start.date(), "at" if at is not None else "from")
    return start if start.tzinfo is not None else start.replace(tzinfo=SHANGHAI)


def _add_business_hours(cal, start: datetime, hours: Decimal, department: str | None):
    first, last = _supported_range()
    if not hours.is_finite() or not 0 <= hours <= (last - first).days * 24:
        msg = _("Must be a number of hours from 0 to %(max)s.") % {
            "max": (last - first).days * 24}
        raise ValidationError(msg, fields={"business_hours": msg})
    business_hours_department_check(department)
    return cal.add_business_hours(start, hours, department)


def _add_days(cal, start: date, *, working_days: int | None, days: int | None) -> date:
    first, last = _supported_range()
    span = (last - first).days
    field = "working_days" if working_days is not None else "days"
    count = working_days if working_days is not None else days
    if abs(count) > span:  # necessarily past the supported years
        raise _out_of_range(field)
    if working_days is not None:
        return cal.add_working_days(start, working_days)
    result = cal.add_days(start, days)
    _check_date(result, "days")
    return result


@router.get(
    "/add", response={200: DateOut | DateTimeOut, 422: ErrorOut}, auth=None,
    summary="Add working days, natural days or business hours",
)
def calendar_add(
    request: HttpRequest,
    from_: date | None = Query(None, alias="from", description="start date (YYYY-MM-DD)"),
    at: datetime | None = Query(None, description="start instant for business_hours (ISO)"),
    working_days: int | None = Query(None, description="count of working days"),
    days: int | None = Query(None, description="count of natural days"),
    business_hours: Decimal | None = Query(None, description="business hours to add"),
    department: str | None = Query(None, description="department code for business hours",
                                   max_length=40),
):
    """Dates outside the supported years (2000–2100) are 422 ``date_out_of_range``; a year
    inside them without schedule data is 422 ``calendar_year_missing``."""
    given = _one_count(working_days, days, business_hours)
    cal = get_calendar()
    try:
        if business_hours is not None:
            start = _start_instant(from_, at)
            return {"datetime": _add_business_hours(cal, start, business_hours, department)}
        if from_ is None:
            raise ValidationError(_("Give the start date 'from'."),
                                  fields={"from": _("This field is required.")})
        _check_date(from_, "from")
        return {"date": _add_days(cal, from_, working_days=working_days, days=days)}
    except CalendarYearMissing as exc:
        exc.fields = {"from" if from_ and from_.year == exc.year else given: exc.message}
        raise


@router.get(
    "/{int:year}", response={200: YearOut, 422: ErrorOut}, auth=None,
    summary="A year's holidays and adjusted working days",
)
def calendar_year(request: HttpRequest, year: int):
    first, last = _supported_range()
    if not first.year <= year <= last.year:
        raise _out_of_range("year")
    cy = CalendarYear.objects.filter(region="CN", year=year).first()
    sched = calendar_year_schedule(year=year)
    if cy is None or sched is None:
        raise CalendarYearMissing(year, field="year")
    rows = CalendarDay.objects.filter(region="CN", date__year=year)
    exceptions = [
        {"date": d, "is_working": w, "kind": k, "name": n}
        for d, w, k, n in rows.filter(kind__in=[DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY])
        .order_by("date").values_list("date", "is_working", "kind", "holiday_name")
    ]
    return {
        "year": year, "region": cy.region, "source": cy.source, "entered_at": cy.entered_at,
        "holidays": [{"name": n, "start": s, "end": e, "days": (e - s).days + 1}
                     for s, e, n in sched.holidays],
        "adjusted_workdays": sched.adjusted_workdays,
        "exceptions": exceptions,
        "working_days": rows.filter(is_working=True).count(),
    }
