"""The in-process working-day calendar (REGULATIONS-CN.md §6, POLICY-API.md "Working days").

Usage (policy engine, SLA clocks)::

    from aftersales.calendars.calendar import get_calendar, CalendarYearMissing
    cal = get_calendar()                     # region "CN"; a cached in-memory snapshot
    cal.add_working_days(date(2026, 2, 13), 1)   # -> 2026-02-14 (调休 Saturday)
    cal.period_end(signed_on, 7, roll_to_working_day=True)   # CC-201..203
    asked_at <= cal.end_of_day(last_day)     # "day 7 at 23:59 ok, day 8 00:01 late"

Data comes only from the database (CalendarYear/CalendarDay, seeded from `chinesecalendar` or
entered by hand from the State Council notice). A computation that touches a year without data
raises CalendarYearMissing (code "calendar_year_missing", extra {"year": Y}); there is never a
silent Monday-Friday fallback. Natural-day arithmetic (add_days, period_end without rolling,
end_of_day) needs no calendar data.

Caching: get_calendar() returns a per-process snapshot kept in aftersales.core.cache: any save
or delete of a calendar year, day or business-hours row moves the cache stamp in its own
transaction, and the bulk writers (set-year, seed) call reset_calendar_cache(), so every process
reads the calendar again after a change is committed, and not before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.calendars.errors import CalendarErrorCode
from aftersales.calendars.models import BusinessHours, CalendarDay, CalendarYear
from aftersales.core import cache
from aftersales.core.errors import ValidationError

SHANGHAI = ZoneInfo("Asia/Shanghai")
_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 86_400_000_000


def _missing_message(year: int) -> str:
    return gettext(
        "The working-day calendar has no data for %(year)s; "
        "enter that year's State Council schedule first."
    ) % {"year": year}


_missing_message_lazy = lazy(_missing_message, str)


class CalendarYearMissing(ValidationError):
    """A computation needed a year the calendar has no data for (HOL-7: data can't be computed)."""

    code = CalendarErrorCode.CALENDAR_YEAR_MISSING

    def __init__(self, year: int, *, field: str | None = None) -> None:
        message = _missing_message_lazy(year)
        super().__init__(
            message,
            code="calendar_year_missing",
            fields={field: message} if field else None,
            extra={"year": year},
        )
        self.year = year


@dataclass(frozen=True, slots=True)
class Hours:
    """Business hours of one working day, e.g. 09:00-18:00 with lunch 12:00-13:00."""

    start: time
    end: time
    lunch_start: time | None = None
    lunch_end: time | None = None

    @classmethod
    def of(cls, obj: Any) -> Hours:
        if isinstance(obj, Hours):
            return obj
        return cls(obj.start, obj.end, obj.lunch_start, obj.lunch_end)

    def segments(self) -> tuple[tuple[int, int], ...]:
        """Working segments as (start_us, end_us) since midnight."""

        def us(t: time) -> int:
            return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond

        s, e = us(self.start), us(self.end)
        if self.lunch_start and self.lunch_end:
            ls, le = us(self.lunch_start), us(self.lunch_end)
            if s < ls < le < e:
                return ((s, ls), (le, e))
        return ((s, e),)


class _Year:
    __slots__ = ("year", "first", "working", "cum", "wd", "total")

    def __init__(self, year: int, working: bytearray) -> None:
        self.year = year
        self.first = date(year, 1, 1).toordinal()
        self.working = bytes(working)
        cum, n, wd = [], 0, []
        for i, w in enumerate(self.working):
            if w:
                n += 1
                wd.append(self.first + i)
            cum.append(n)
        self.cum = cum  # cum[i] = working days among days 0..i of the year
        self.wd = wd  # ordinals of the working days, ascending
        self.total = n


class WorkCalendar:
    """An immutable snapshot of one region's working-day calendar."""

    def __init__(
        self,
        region: str,
        years: dict[int, _Year],
        exceptions: dict[date, tuple[str, str]] | None = None,
        hours: dict[str | None, Hours] | None = None,
        stamp: Any = None,
    ) -> None:
        self.region = region
        self._years = years
        self.exceptions = exceptions or {}  # date -> (kind, holiday name), non-ordinary days
        self._hours = hours or {}
        self.stamp = stamp

    # ----------------------------------------------------------------- coverage
    @property
    def years(self) -> list[int]:
        return sorted(self._years)

    def covers(self, year: int) -> bool:
        return year in self._years

    def _year(self, year: int) -> _Year:
        y = self._years.get(year)
        if y is None:
            raise CalendarYearMissing(year)
        return y

    # ----------------------------------------------------------------- days
    def is_working_day(self, d: date) -> bool:
        y = self._years.get(d.year)
        if y is None:
            raise CalendarYearMissing(d.year)
        return y.working[d.toordinal() - y.first] == 1

    def next_working_day(self, d: date) -> date:
        """d itself if it is a working day, else the first working day after it."""
        if self.is_working_day(d):
            return d
        return self.add_working_days(d, 1)

    @staticmethod
    def add_days(d: date, n: int) -> date:
        """Natural days (no calendar data needed)."""
        return d + timedelta(days=n)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (counting starts the day after d).

        n = 0 returns d unchanged; for n >= 1 the result is always a working day and
        working_days_between(d, result) == n. Negative n counts backwards (the |n|-th working
        day before d).
        """
        if n == 0:
            return d
        y = self._year(d.year)
        i = d.toordinal() - y.first
        if n > 0:
            target = y.cum[i] + n  # 1-based index into this year's working days
            while target > y.total:
                target -= y.total
                y = self._year(y.year + 1)
            return date.fromordinal(y.wd[target - 1])
        target = y.cum[i] - y.working[i] + n  # 0-based index
        while target < 0:
            y = self._year(y.year - 1)
            target += y.total
        return date.fromordinal(y.wd[target])

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in (a, b]; negative if b < a. Needs every year a.year..b.year."""
        if b < a:
            return -self.working_days_between(b, a)
        ya = self._year(a.year)
        ia = ya.cum[a.toordinal() - ya.first]
        if a.year == b.year:
            return ya.cum[b.toordinal() - ya.first] - ia
        n = ya.total - ia
        for year in range(a.year + 1, b.year):
            n += self._year(year).total
        yb = self._year(b.year)
        return n + yb.cum[b.toordinal() - yb.first]

    def period_end(self, d: date, n_days: int, roll_to_working_day: bool) -> date:
        """Last day of a period of n_days natural days starting the day after d (CC-201).

        The period ends at 24:00 of the returned day (compare with end_of_day()). With
        roll_to_working_day, a last day that is a statutory holiday or rest day moves to the
        next working day (CC-203, the "LEGAL" reading); without it, natural days only.
        """
        if n_days < 0:
            raise ValidationError(
                _("A period can't have a negative number of days."),
                fields={"n_days": _("Must be zero or more.")},
            )
        last = d + timedelta(days=n_days)
        return self.next_working_day(last) if roll_to_working_day else last

    @staticmethod
    def end_of_day(d: date) -> datetime:
        """The last instant of day d: d 23:59:59.999999 Asia/Shanghai (aware).

        Compare inclusively: ``asked_at <= end_of_day(last_day)`` is in time
        (day 7 at 23:59 ok, day 8 at 00:01 late).
        """
        return datetime.combine(d, time.max, tzinfo=SHANGHAI)

    # ----------------------------------------------------------------- business hours
    def hours(self, hours_spec: Any = None) -> Hours:
        """Resolve hours_spec: None (company default), a department code, a BusinessHours row,
        a Department, or an Hours value."""
        if hours_spec is None or isinstance(hours_spec, str):
            h = self._hours.get(hours_spec) or (
                self._hours.get(None) if isinstance(hours_spec, str) else None
            )
            if h is None:
                raise ValidationError(
                    _("No default business hours are configured."),
                    code=CalendarErrorCode.BUSINESS_HOURS_MISSING,
                )
            return h
        if hasattr(hours_spec, "start"):
            return Hours.of(hours_spec)
        code = getattr(hours_spec, "code", None)  # a Department
        return self.hours(code)

    def add_business_hours(
        self, start: datetime, hours: Decimal | float | int, hours_spec: Any = None
    ) -> datetime:
        """The instant at which `hours` business hours after `start` are used up.

        Only working days count, and only inside the business segments (e.g. 09:00-12:00 and
        13:00-18:00). A result that falls exactly at a segment end is returned as that end
        (e.g. 18:00, not next morning 09:00). hours = 0 returns start. Result in Asia/Shanghai.
        """
        if start.tzinfo is None:
            raise ValueError("naive datetime")
        remaining = int(Decimal(str(hours)) * _US_PER_HOUR)
        if remaining < 0:
            raise ValidationError(
                _("Business hours can't be negative."), fields={"hours": _("Must be zero or more.")}
            )
        if remaining == 0:
            return start
        segs = self.hours(hours_spec).segments()
        per_day = sum(e - s for s, e in segs)
        local = start.astimezone(SHANGHAI)
        d = local.date()
        t = (local - datetime.combine(d, time.min, tzinfo=SHANGHAI)) // timedelta(microseconds=1)
        while True:
            if self.is_working_day(d):
                if t == 0 and remaining > per_day:
                    remaining -= per_day
                else:
                    for s, e in segs:
                        if t >= e:
                            continue
                        begin = max(t, s)
                        avail = e - begin
                        if remaining <= avail:
                            return datetime.combine(d, time.min, tzinfo=SHANGHAI) + timedelta(
                                microseconds=begin + remaining
                            )
                        remaining -= avail
                        t = e
            d += timedelta(days=1)
            t = 0

    def business_microseconds_between(
        self, a: datetime, b: datetime, hours_spec: Any = None
    ) -> int:
        """Business time in [a, b] in microseconds (exact); negative if b < a."""
        if a.tzinfo is None or b.tzinfo is None:
            raise ValueError("naive datetime")
        if b < a:
            return -self.business_microseconds_between(b, a, hours_spec)
        segs = self.hours(hours_spec).segments()
        la, lb = a.astimezone(SHANGHAI), b.astimezone(SHANGHAI)
        d, last = la.date(), lb.date()
        total = 0
        while d <= last:
            if self.is_working_day(d):
                midnight = datetime.combine(d, time.min, tzinfo=SHANGHAI)
                lo = (la - midnight) // timedelta(microseconds=1) if d == la.date() else 0
                hi = (lb - midnight) // timedelta(microseconds=1) if d == last else _US_PER_DAY
                for s, e in segs:
                    o = min(e, hi) - max(s, lo)
                    if o > 0:
                        total += o
            d += timedelta(days=1)
        return total

    def business_hours_between(self, a: datetime, b: datetime, hours_spec: Any = None) -> Decimal:
        """Business hours in [a, b] as a Decimal (6 decimal places); negative if b < a."""
        us = self.business_microseconds_between(a, b, hours_spec)
        return (Decimal(us) / Decimal(_US_PER_HOUR)).quantize(Decimal("0.000001"))


# --------------------------------------------------------------------- loading and caching
def _build(region, years, days, hours, stamp=None) -> WorkCalendar:
    arrays: dict[int, bytearray] = {}
    for year in years:
        first = date(year, 1, 1)
        n = (date(year + 1, 1, 1) - first).days
        # Every day of a covered year has a row; the weekday rule only pre-fills the array.
        arrays[year] = bytearray(
            1 if (first + timedelta(days=i)).weekday() < 5 else 0 for i in range(n)
        )
    exceptions: dict[date, tuple[str, str]] = {}
    for d, is_working, kind, name in days:
        arr = arrays.get(d.year)
        if arr is None:
            continue
        arr[d.toordinal() - date(d.year, 1, 1).toordinal()] = 1 if is_working else 0
        if kind in ("holiday", "adjusted_workday"):
            exceptions[d] = (kind, name)
    ys = {year: _Year(year, arr) for year, arr in arrays.items()}
    return WorkCalendar(region, ys, exceptions, dict(hours), stamp)


def calendar_from_days(
    days, *, region: str = "CN", hours: dict[str | None, Hours] | None = None
) -> WorkCalendar:
    """A WorkCalendar from (date, is_working, kind, name) tuples, without the database.

    Every year that has at least one tuple counts as covered; give all its days. Handy for
    unit tests and benchmarks, e.g. with aftersales.calendars.seed.chinesecalendar_days(2026).
    """
    days = list(days)
    return _build(region, sorted({d.year for d, *_ in days}), days, hours or {})


def _load(region: str) -> WorkCalendar:
    year_list = list(CalendarYear.objects.filter(region=region).values_list("year", flat=True))
    # A date range, not date__year__in: no per-row year extraction (on SQLite a Python call
    # per row); _build skips the days of years that are not covered.
    span = (
        {"date__gte": date(min(year_list), 1, 1), "date__lt": date(max(year_list) + 1, 1, 1)}
        if year_list else {"pk__in": []}
    )
    rows = CalendarDay.objects.filter(region=region, **span).values_list(
        "date", "is_working", "kind", "holiday_name"
    )
    hours: dict[str | None, Hours] = {}
    for bh in BusinessHours.objects.select_related("department"):
        hours[bh.department.code if bh.department_id else None] = Hours.of(bh)
    return _build(region, year_list, rows.iterator(chunk_size=4000), hours)


def get_calendar(region: str = "CN") -> WorkCalendar:
    """The calendar snapshot for `region`, kept in aftersales.core.cache until a calendar year,
    day or business-hours row changes (CalendarsConfig.ready watches them)."""
    return cache.memo("calendars.calendar", region, lambda: _load(region))


def reset_calendar_cache() -> None:
    """Have every process read the calendar again (after writing calendar rows in bulk)."""
    cache.changed()
