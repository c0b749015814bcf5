"""Seeding CalendarYear/CalendarDay from the `chinesecalendar` package (REGULATIONS-CN.md §6.2).

Used by the data migration (with historical models) and by `aftersales calendar seed`.
The package covers 2004-2026 (v1.11.0); its holiday names are English and are stored in
Chinese, like the names an administrator types from the State Council notice.
"""

from datetime import date, time, timedelta

import chinese_calendar as cc

# The company default seeded on a fresh database (an administrator may change the row).
DEFAULT_BUSINESS_HOURS = {
    "start": time(9), "end": time(18), "lunch_start": time(12), "lunch_end": time(13),
}

CC_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def chinesecalendar_years() -> list[int]:
    return sorted({d.year for d in cc.holidays} | {d.year for d in cc.workdays})


def chinesecalendar_days(year: int) -> list[tuple[date, bool, str, str]]:
    """(date, is_working, kind, holiday name) for every day of `year`."""
    out = []
    d = date(year, 1, 1)
    end = date(year + 1, 1, 1)
    while d < end:
        if d in cc.workdays:
            name = cc.workdays[d]
            out.append((d, True, "adjusted_workday", CC_NAMES_ZH.get(name, name)))
        elif d in cc.holidays:
            out.append((d, False, "holiday", CC_NAMES_ZH.get(cc.holidays[d], cc.holidays[d])))
        elif d.weekday() >= 5:
            out.append((d, False, "weekend", ""))
        else:
            out.append((d, True, "workday", ""))
        d += timedelta(days=1)
    return out


def seed_years(CalendarYear, CalendarDay, *, region="CN", years=None, replace=False) -> list[int]:
    """Create the package's years (all, or `years`); existing years are kept unless replace.

    Returns the years written. Model classes are parameters so the migration can pass its
    historical models.
    """
    available = chinesecalendar_years()
    wanted = [y for y in (years or available) if y in available]
    existing = set(
        CalendarYear.objects.filter(region=region, year__in=wanted).values_list("year", flat=True)
    )
    if replace and existing:
        CalendarDay.objects.filter(region=region, date__year__in=existing).delete()
        CalendarYear.objects.filter(region=region, year__in=existing).delete()
        existing = set()
    todo = [y for y in wanted if y not in existing]
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(region=region, year=y, source="chinesecalendar",
                         note="chinesecalendar package")
            for y in todo
        ]
    )
    rows = []
    for y in todo:
        rows.extend(
            CalendarDay(region=region, date=d, is_working=w, kind=k, holiday_name=n)
            for d, w, k, n in chinesecalendar_days(y)
        )
    CalendarDay.objects.bulk_create(rows, batch_size=2000)
    return todo


def ensure_default_business_hours(BusinessHours) -> bool:
    """Create the company-default BusinessHours row if there is none; True if created."""
    if BusinessHours.objects.filter(department__isnull=True).exists():
        return False
    BusinessHours.objects.create(department=None, **DEFAULT_BUSINESS_HOURS)
    return True
