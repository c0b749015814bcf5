"""Calendar business actions (STYLE.md: keyword-only, one transaction each).

calendar_year_save enters one year's State Council schedule (HOL-7: it can't be computed):
weekends are rest days, holiday ranges are rest days, 调休 dates are working days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.calendar import reset_calendar_cache
from aftersales.calendars.models import (
    BusinessHours,
    CalendarDay,
    CalendarSource,
    CalendarYear,
    DayKind,
)
from aftersales.calendars.seed import ensure_default_business_hours, seed_years
from aftersales.calendars.selectors import calendar_can_edit
from aftersales.core.errors import PermissionDenied, ValidationError

MIN_YEAR, MAX_YEAR = 2000, 2100


def _fmt(d: date) -> str:
    return d.isoformat()


def calendar_schedule_validate(
    *, year: int, holidays: Iterable[tuple[date, date, str]], adjusted_workdays: Iterable[date]
) -> tuple[list[tuple[date, date, str]], list[date]]:
    """Check a schedule; raise ValidationError whose fields name each bad entry.

    Field keys: "year", "holidays.<i>" and "adjusted_workdays.<i>" (0-based positions).
    """
    holidays = [(s, e, (n or "").strip()) for s, e, n in holidays]
    adjusted = list(adjusted_workdays)
    fields: dict[str, Any] = {}
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            fields={"year": _("Not a supported year.")},
        )
    for i, (start, end, name) in enumerate(holidays):
        key = f"holidays.{i}"
        if start is None or end is None:
            fields[key] = _("Enter both the first and the last day.")
        elif end < start:
            fields[key] = _("The last day %(end)s is before the first day %(start)s.") % {
                "end": _fmt(end), "start": _fmt(start)}
        elif start.year != year or end.year != year:
            fields[key] = _(
                "%(start)s–%(end)s is not inside %(year)s; enter only this year's days "
                "(days of another year belong to that year's schedule)."
            ) % {"start": _fmt(start), "end": _fmt(end), "year": year}
        elif not name:
            fields[key] = _("Name the holiday (e.g. Spring Festival).")
    valid = [
        (i, s, e) for i, (s, e, _n) in enumerate(holidays) if f"holidays.{i}" not in fields
    ]
    valid.sort(key=lambda t: t[1])
    for (i, s1, e1), (j, s2, e2) in zip(valid, valid[1:], strict=False):
        if s2 <= e1:
            fields[f"holidays.{max(i, j)}"] = _(
                "%(start)s–%(end)s overlaps the holiday %(ostart)s–%(oend)s."
            ) % {"start": _fmt(s2), "end": _fmt(e2), "ostart": _fmt(s1), "oend": _fmt(e1)}
    seen: set[date] = set()
    for i, d in enumerate(adjusted):
        key = f"adjusted_workdays.{i}"
        if d is None:
            continue
        if d.year != year:
            fields[key] = _("%(date)s is not in %(year)s.") % {"date": _fmt(d), "year": year}
        elif d.weekday() < 5:
            fields[key] = _(
                "%(date)s is a weekday, already a working day; an adjusted working day "
                "must be a Saturday or Sunday."
            ) % {"date": _fmt(d)}
        elif d in seen:
            fields[key] = _("%(date)s is listed twice.") % {"date": _fmt(d)}
        elif any(s <= d <= e for s, e, _n in holidays if s and e):
            fields[key] = _("%(date)s falls inside a holiday range.") % {"date": _fmt(d)}
        seen.add(d)
    if fields:
        raise ValidationError(
            _("The schedule for %(year)s has errors; nothing was saved.") % {"year": year},
            fields=fields,
        )
    return holidays, [d for d in adjusted if d is not None]


def _year_days(
    *, year: int, holidays: list[tuple[date, date, str]], adjusted_workdays: list[date]
) -> list[tuple[date, bool, str, str]]:
    """Every day of `year` as (date, is_working, kind, holiday name)."""
    names: dict[date, str] = {}
    for start, end, name in holidays:
        d = start
        while d <= end:
            names[d] = name
            d += timedelta(days=1)
    adjusted = set(adjusted_workdays)
    out = []
    d, stop = date(year, 1, 1), date(year + 1, 1, 1)
    while d < stop:
        if d in adjusted:
            out.append((d, True, DayKind.ADJUSTED_WORKDAY.value, ""))
        elif d in names:
            out.append((d, False, DayKind.HOLIDAY.value, names[d]))
        elif d.weekday() >= 5:
            out.append((d, False, DayKind.WEEKEND.value, ""))
        else:
            out.append((d, True, DayKind.WORKDAY.value, ""))
        d += timedelta(days=1)
    return out


@transaction.atomic
def calendar_year_save(
    *,
    year: int,
    holidays: Iterable[tuple[date, date, str]],
    adjusted_workdays: Iterable[date],
    actor: Any = None,
    region: str = "CN",
    note: str = "",
) -> CalendarYear:
    """Create or replace one year from the State Council schedule (HOL-7), atomically.

    actor None = the system (CLI); a user must be an admin or hold
    calendars.change_calendaryear.
    """
    if actor is not None and not calendar_can_edit(actor):
        raise PermissionDenied(_("You may not edit the working-day calendar."))
    holidays, adjusted = calendar_schedule_validate(
        year=year, holidays=holidays, adjusted_workdays=adjusted_workdays
    )
    days = _year_days(year=year, holidays=holidays, adjusted_workdays=adjusted)
    # Name the adjusted working days after the holiday they serve (nearest range).
    for idx, (d, w, kind, _n) in enumerate(days):
        if kind == DayKind.ADJUSTED_WORKDAY and holidays:
            nearest = min(holidays, key=lambda h: min(abs((h[0] - d).days), abs((h[1] - d).days)))
            days[idx] = (d, w, kind, nearest[2])
    CalendarDay.objects.filter(region=region, date__year=year).delete()
    cy, _created = CalendarYear.objects.update_or_create(
        region=region, year=year,
        defaults={
            "source": CalendarSource.MANUAL,
            "entered_by": actor if getattr(actor, "pk", None) else None,
            "entered_at": timezone.now(),
            "note": note,
        },
    )
    CalendarDay.objects.bulk_create(
        [CalendarDay(region=region, date=d, is_working=w, kind=k, holiday_name=n)
         for d, w, k, n in days]
    )
    reset_calendar_cache()  # bulk writes send no signal
    return cy


@transaction.atomic
def calendar_seed(*, years: list[int] | None = None, replace: bool = False,
                  region: str = "CN") -> list[int]:
    """(Re-)seed years from the `chinesecalendar` package; returns the years written.

    Also restores the company-default business hours if the row is missing (e.g. after a
    test flush). Tests using transactional_db/live_server may call this in a fixture.
    """
    written = seed_years(CalendarYear, CalendarDay, region=region, years=years, replace=replace)
    ensure_default_business_hours(BusinessHours)
    reset_calendar_cache()  # bulk writes send no signal
    return written
