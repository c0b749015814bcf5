"""Day counting for windows, warranty ladders and deadlines (民法典 CC-201..203, X2).

A period of n days/working days/months starts the day after its event (CC-201) and ends at
24:00 of its last day; a month period ends on the corresponding day (CC-202, clamped to the
month's end). Rolling (CC-203): a last day that is not a working day moves to the next working
day. Only ``calendar.is_working_day`` / ``add_working_days`` / ``next_working_day`` are used;
a year without calendar data raises the calendar's CalendarYearMissing.
"""

from __future__ import annotations

import calendar as _stdcal
from datetime import date, datetime, time, timedelta
from typing import Any

from .request import BEIJING, Request

UNITS = ("days", "working_days", "months", "hours")
ROLLS = ("none", "next_working_day", "setting")


def add_months(d: date, n: int) -> date:
    """The corresponding day n months later, clamped to the month's last day (CC-202)."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, _stdcal.monthrange(year, month)[1]))


def last_day(event: date, length: int, unit: str, calendar: Any, roll: bool) -> date:
    """The last day (inclusive, until 24:00) of a period of `length` `unit` after `event`."""
    if unit == "days":
        end = event + timedelta(days=length)
    elif unit == "working_days":
        end = calendar.add_working_days(event, length) if length else event
    elif unit == "months":
        end = add_months(event, length)
    else:
        raise ValueError(unit)
    if roll and not calendar.is_working_day(end):
        end = calendar.next_working_day(end)
    return end


def end_of_day(d: date) -> datetime:
    return datetime.combine(d, time(23, 59, 59), tzinfo=BEIJING)


def stamp(d: date) -> str:
    """A deadline in the public JSON: 24:00 of day d shown as 23:59:59 Beijing time."""
    return f"{d.isoformat()}T23:59:59+08:00"


# Events a period can be counted from. "delivered" is the sign time (EC-51); "sale" is the
# invoice date when there is one, else the order date; "production" is the first requested
# line's production date (S8.2).
EVENTS = ("signed", "delivered", "placed", "paid", "installed", "invoice", "sale", "production",
          "asked", "received", "last_exchange")


def event_moment(req: Request, event: str) -> datetime | date | None:
    o = req.order
    if event in ("signed", "delivered"):
        return o.signed_at
    if event == "placed":
        return o.placed_at
    if event == "paid":
        return o.paid_at
    if event == "installed":
        return o.installed_at
    if event == "invoice":
        return o.invoice_date
    if event == "sale":
        return o.invoice_date or o.placed_at
    if event == "production":
        for item in req.items:
            if item.line.production_date:
                return item.line.production_date
        return None
    if event == "asked":
        return req.asked_at
    if event == "received":
        return req.received_at
    if event == "last_exchange":
        return req.exchanges[-1] if req.exchanges else None
    raise ValueError(event)


def event_date(req: Request, event: str) -> date | None:
    m = event_moment(req, event)
    if m is None:
        return None
    return m.date() if isinstance(m, datetime) else m


def deadline_text(base: datetime | date, unit: str, n: int, roll: bool, calendar: Any
                  ) -> str:
    """base + n units as the public ISO text (Beijing time; day periods end 23:59:59)."""
    if unit == "hours":
        start = base if isinstance(base, datetime) else datetime.combine(base, time(), BEIJING)
        return iso(start + timedelta(hours=n))
    d = base.date() if isinstance(base, datetime) else base
    return stamp(last_day(d, n, unit, calendar, roll))


def iso(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")
