"""Calendar queries (STYLE.md: reads live here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.calendars.models import CalendarDay, CalendarYear, DayKind
from aftersales.core.errors import ValidationError


def calendar_can_edit(user: Any) -> bool:
    """Editing needs role admin or the perm calendars.change_calendaryear."""
    if not getattr(user, "is_authenticated", False):
        return False
    has_role = getattr(user, "has_role", None)
    return bool(has_role and has_role("admin")) or user.has_perm("calendars.change_calendaryear")


def calendar_year_list(*, region: str = "CN"):
    """Years with coverage (first/last day), counts of holidays and 调休 days, who entered."""
    return (
        CalendarYear.objects.filter(region=region)
        .select_related("entered_by")
        .order_by("-year")
    )


def calendar_year_stats(*, region: str = "CN") -> dict[int, dict]:
    rows = (
        CalendarDay.objects.filter(region=region)
        .values("date__year")
        .annotate(
            first=Min("date"), last=Max("date"), days=Count("id"),
            working=Count("id", filter=Q(is_working=True)),
            holidays=Count("id", filter=Q(kind=DayKind.HOLIDAY)),
            adjusted=Count("id", filter=Q(kind=DayKind.ADJUSTED_WORKDAY)),
        )
    )
    return {r["date__year"]: r for r in rows}


@dataclass
class Schedule:
    year: int
    holidays: list[tuple[date, date, str]] = field(default_factory=list)
    adjusted_workdays: list[date] = field(default_factory=list)


def calendar_year_schedule(*, year: int, region: str = "CN") -> Schedule | None:
    """The year as a State Council schedule: holiday ranges (consecutive days with one name)
    and the 调休 working days. None if the year has no data."""
    if not CalendarYear.objects.filter(region=region, year=year).exists():
        return None
    sched = Schedule(year=year)
    rows = CalendarDay.objects.filter(
        region=region, date__year=year, kind__in=[DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY]
    ).order_by("date").values_list("date", "kind", "holiday_name")
    for d, kind, name in rows:
        if kind == DayKind.ADJUSTED_WORKDAY:
            sched.adjusted_workdays.append(d)
            continue
        if sched.holidays:
            s, e, n = sched.holidays[-1]
            if n == name and e + timedelta(days=1) == d:
                sched.holidays[-1] = (s, d, n)
                continue
        sched.holidays.append((d, d, name))
    return sched


def calendar_year_days(*, year: int, region: str = "CN") -> dict[date, tuple[bool, str, str]]:
    return {
        d: (w, k, n)
        for d, w, k, n in CalendarDay.objects.filter(region=region, date__year=year).values_list(
            "date", "is_working", "kind", "holiday_name"
        )
    }


def business_hours_department_check(code: str | None) -> None:
    """Raise ValidationError (field "department") if `code` names no department."""
    if not code:
        return

    if not Department.objects.filter(code=code).exists():
        msg = _("There is no department with the code %(code)s.") % {"code": code}
        raise ValidationError(msg, fields={"department": msg})
