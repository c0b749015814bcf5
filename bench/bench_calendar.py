"""Calendar micro-benchmarks (REGULATIONS-CN §6; the policy engine calls the calendar a lot).

    from bench.bench_calendar import run; run()  ->  [{"bench": "calendar", "figure": ...}, ...]
    python -m bench.bench_calendar                  (prints the figures as JSON lines)

Uses the configured database's calendar (seeded by the migrations); if that can't be read
(no migrated database), it builds the same calendar in memory from the `chinesecalendar`
package (same figures; the load time is then the package's).
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from decimal import Decimal


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _rate(fn, args_list, min_seconds=0.3) -> float:
    """Calls per second of fn over args_list, repeated for at least min_seconds."""
    n, start = 0, time.perf_counter()
    while True:
        for args in args_list:
            fn(*args)
        n += len(args_list)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return n / elapsed


def _calendar():
    from aftersales.calendars.calendar import get_calendar, reset_calendar_cache

    try:
        reset_calendar_cache()
        t0 = time.perf_counter()
        cal = get_calendar()
        load_ms = (time.perf_counter() - t0) * 1000
        if cal.covers(2025) and cal.covers(2026):
            return cal, "database", load_ms, get_calendar
    except Exception:  # noqa: BLE001 - no migrated database: fall back to the package data
        pass
    from datetime import time as dtime

    from aftersales.calendars.calendar import Hours, calendar_from_days
    from aftersales.calendars.seed import chinesecalendar_days

    t0 = time.perf_counter()
    days = [row for y in (2024, 2025, 2026) for row in chinesecalendar_days(y)]
    cal = calendar_from_days(
        days, hours={None: Hours(dtime(9), dtime(18), dtime(12), dtime(13))}
    )
    load_ms = (time.perf_counter() - t0) * 1000
    return cal, "chinesecalendar", load_ms, None


def run() -> list[dict]:
    _setup()
    from aftersales.calendars.calendar import SHANGHAI

    cal, source, load_ms, getter = _calendar()
    starts = [date(2025, 1, 1) + timedelta(days=i * 7) for i in range(80)]  # 2025-01 .. 2026-07
    figures = {
        "add_working_days_per_s": _rate(
            cal.add_working_days, [(d, n) for d in starts for n in (1, 3, 7, 10, 30)]),
        "is_working_day_per_s": _rate(cal.is_working_day, [(d,) for d in starts]),
        "working_days_between_per_s": _rate(
            cal.working_days_between, [(d, d + timedelta(days=45)) for d in starts]),
        "period_end_per_s": _rate(cal.period_end, [(d, 7, True) for d in starts]),
        "add_business_hours_per_s": _rate(
            cal.add_business_hours,
            [(datetime(d.year, d.month, d.day, 10, 30, tzinfo=SHANGHAI), Decimal(h))
             for d in starts for h in ("4", "24")]),
    }
    if getter is not None:
        figures["get_calendar_per_s"] = _rate(getter, [()] * 100)
    out = [
        {"bench": "calendar", "figure": k, "value": round(v), "unit": "ops/s", "target": None}
        for k, v in figures.items()
    ]
    out.append({"bench": "calendar", "figure": "snapshot_load_ms", "value": round(load_ms, 1),
                "unit": "ms", "target": None})
    return out


if __name__ == "__main__":
    import json

    for row in run():
        print(json.dumps(row))
