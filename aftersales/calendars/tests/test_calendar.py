"""WorkCalendar on the seeded 2025/2026 State Council schedules (REGULATIONS-CN §6, CC-201..203)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.calendars.calendar import (
    SHANGHAI,
    CalendarYearMissing,
    Hours,
    WorkCalendar,
    get_calendar,
    reset_calendar_cache,
)

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def cal():
    return get_calendar()


def test_seed_covers_2004_to_2026(cal):
    assert cal.years[0] == 2004 and cal.years[-1] == 2026
    assert not cal.covers(2027)


@pytest.mark.parametrize(
    "d, working",
    [
        (date(2026, 2, 16), False),  # 春节 Monday
        (date(2026, 2, 23), False),  # 春节 last day, a Monday
        (date(2026, 2, 14), True),  # 调休 Saturday
        (date(2026, 2, 28), True),  # 调休 Saturday
        (date(2026, 1, 4), True),  # 调休 Sunday after 元旦
        (date(2026, 10, 1), False),  # 国庆 Thursday
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # 调休 Saturday
        (date(2026, 9, 20), True),  # 调休 Sunday
        (date(2026, 3, 7), False),  # ordinary Saturday
        (date(2026, 3, 9), True),  # ordinary Monday
        (date(2025, 1, 26), True),  # 2025 调休 Sunday
        (date(2025, 2, 3), False),  # 2025 春节 Monday
        (date(2025, 10, 8), False),  # 2025 国庆+中秋
        (date(2025, 10, 11), True),  # 2025 调休 Saturday
    ],
)
def test_is_working_day_matches_state_council_notices(cal, d, working):
    assert cal.is_working_day(d) is working


def test_spec_example_and_holiday_spans(cal):
    assert cal.add_working_days(date(2026, 1, 5), 3) == date(2026, 1, 8)  # POLICY-API example
    # Friday before 春节 + 1 → the 调休 Saturday 2/14; +2 → 2/24 (the week 2/15-2/23 is off)
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)  # 调休 Saturday
    assert cal.add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 16), 0) == date(2026, 2, 16)  # n=0 → d
    assert cal.next_working_day(date(2026, 2, 16)) == date(2026, 2, 24)
    assert cal.next_working_day(date(2026, 2, 24)) == date(2026, 2, 24)
    # across a year boundary, 2025 → 2026 (元旦 1/1-1/3 off, 1/4 Sunday working)
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 1, 5)) == 2
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert cal.working_days_between(date(2026, 2, 24), date(2026, 2, 13)) == -2


def test_natural_days_and_period_end_cc203(cal):
    assert cal.add_days(date(2026, 9, 28), 7) == date(2026, 10, 5)
    # signed 9/28, 7-day window: natural last day 10/5 is 国庆 → LEGAL reading rolls to 10/8
    assert cal.period_end(date(2026, 9, 28), 7, roll_to_working_day=True) == date(2026, 10, 8)
    assert cal.period_end(date(2026, 9, 28), 7, roll_to_working_day=False) == date(2026, 10, 5)
    # a last day that is a 调休 working Saturday does not move
    assert cal.period_end(date(2026, 2, 7), 7, roll_to_working_day=True) == date(2026, 2, 14)
    # CC-201: the start day isn't counted; end_of_day is inclusive 23:59:59.999999
    last = cal.period_end(date(2026, 3, 2), 7, roll_to_working_day=True)
    assert last == date(2026, 3, 9)
    eod = cal.end_of_day(last)
    assert at(2026, 3, 9, 23, 59) <= eod < at(2026, 3, 10, 0, 1)
    assert eod.utcoffset() == timedelta(hours=8)


def test_unknown_year_is_refused_never_guessed(cal):
    with pytest.raises(CalendarYearMissing) as exc:
        cal.add_working_days(date(2026, 12, 28), 5)  # walks into 2027
    assert exc.value.extra == {"year": 2027}
    assert "2027" in str(exc.value.message)
    assert exc.value.status == 422 and exc.value.code == "calendar_year_missing"
    with pytest.raises(CalendarYearMissing):
        cal.is_working_day(date(2030, 1, 2))
    with pytest.raises(CalendarYearMissing):
        cal.working_days_between(date(2026, 12, 1), date(2027, 1, 5))
    with pytest.raises(CalendarYearMissing):
        cal.period_end(date(2026, 12, 30), 3, roll_to_working_day=True)
    with pytest.raises(CalendarYearMissing):
        cal.add_working_days(date(2004, 1, 5), -10)  # walks into 2003
    # natural-day arithmetic doesn't need calendar data
    assert cal.period_end(date(2026, 12, 30), 3, roll_to_working_day=False) == date(2027, 1, 2)


STD = Hours(time(9), time(18), time(12), time(13))


def test_business_hours_lunch_evening_weekend_holiday(cal):
    # default row from the migration: 09:00-18:00, lunch 12:00-13:00
    assert cal.hours() == STD
    # before lunch → continues after lunch
    assert cal.add_business_hours(at(2026, 3, 2, 11, 0), 2) == at(2026, 3, 2, 14, 0)
    # exactly at a segment end stays there
    assert cal.add_business_hours(at(2026, 3, 2, 11, 0), 1) == at(2026, 3, 2, 12, 0)
    # started during lunch: the clock starts at 13:00
    assert cal.add_business_hours(at(2026, 3, 2, 12, 30), Decimal("0.5")) == at(2026, 3, 2, 13, 30)
    # evening → next morning
    assert cal.add_business_hours(at(2026, 3, 2, 17, 0), 2) == at(2026, 3, 3, 10, 0)
    assert cal.add_business_hours(at(2026, 3, 2, 20, 0), 1) == at(2026, 3, 3, 10, 0)
    # Friday evening → Monday (ordinary weekend)
    assert cal.add_business_hours(at(2026, 3, 6, 17, 0), 2) == at(2026, 3, 9, 10, 0)
    # Friday before 春节 → the 调休 Saturday, then over the 9-day holiday to 2/24
    assert cal.add_business_hours(at(2026, 2, 13, 17, 0), 3) == at(2026, 2, 14, 11, 0)
    assert cal.add_business_hours(at(2026, 2, 14, 17, 0), 2) == at(2026, 2, 24, 10, 0)
    # whole days: 16 h from Monday 09:00 = Tuesday 18:00
    assert cal.add_business_hours(at(2026, 3, 2, 9, 0), 16) == at(2026, 3, 3, 18, 0)
    # input in UTC is read in Asia/Shanghai
    utc = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # = 11:00 in Shanghai
    assert cal.add_business_hours(utc, 2) == at(2026, 3, 2, 14, 0)


def test_business_hours_between(cal):
    assert cal.business_hours_between(at(2026, 3, 2, 11, 0), at(2026, 3, 2, 14, 0)) == 2
    assert cal.business_hours_between(at(2026, 3, 6, 17, 0), at(2026, 3, 9, 10, 0)) == 2
    assert cal.business_hours_between(at(2026, 2, 13, 9, 0), at(2026, 2, 24, 9, 0)) == 16
    assert cal.business_hours_between(at(2026, 3, 2, 14, 0), at(2026, 3, 2, 11, 0)) == -2
    no_lunch = Hours(time(8), time(12))
    assert cal.business_hours_between(at(2026, 3, 2, 0), at(2026, 3, 3, 0), no_lunch) == 4
    with pytest.raises(CalendarYearMissing):
        cal.business_hours_between(at(2026, 12, 31, 9), at(2027, 1, 4, 9))


def test_department_hours_and_cache_reset():
    from aftersales.accounts.models import Department
    from aftersales.calendars.models import BusinessHours

    dept = Department.objects.create(code="h1-night", name="night desk")
    BusinessHours.objects.create(department=dept, start=time(13), end=time(21))
    reset_calendar_cache()
    cal = get_calendar()
    assert cal.add_business_hours(at(2026, 3, 2, 20, 0), 2, "h1-night") == at(2026, 3, 3, 14, 0)
    assert cal.add_business_hours(at(2026, 3, 2, 20, 0), 2, dept) == at(2026, 3, 3, 14, 0)
    # an unknown department code falls back to the company default
    assert cal.add_business_hours(at(2026, 3, 2, 17, 0), 2, "nope") == at(2026, 3, 3, 10, 0)


def test_snapshot_is_cached_and_fast():
    a = get_calendar()
    assert get_calendar() is a
    reset_calendar_cache()
    assert get_calendar() is not a


# --- properties --------------------------------------------------------------------------
_cal_holder: dict = {}


def _static_cal() -> WorkCalendar:
    return _cal_holder["cal"]


dates_2025_2026 = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 8, 31))


@given(d=dates_2025_2026, n=st.integers(min_value=1, max_value=40))
@settings(max_examples=300, deadline=None)
def test_property_add_working_days(d, n):
    cal = _static_cal()
    r = cal.add_working_days(d, n)
    assert cal.is_working_day(r)
    assert r > d
    assert cal.working_days_between(d, r) == n
    assert cal.add_working_days(r, -n) <= d  # going back lands on/before d


@given(d=dates_2025_2026, n=st.integers(min_value=0, max_value=40),
       k=st.integers(min_value=0, max_value=20))
@settings(max_examples=300, deadline=None)
def test_property_monotonic(d, n, k):
    cal = _static_cal()
    assert cal.add_days(d, n) <= cal.add_days(d, n + k)
    assert cal.period_end(d, n, True) <= cal.period_end(d, n + k, True)
    assert cal.period_end(d, n, False) <= cal.period_end(d, n, True)
    assert cal.add_working_days(d, n) <= cal.add_working_days(d, n + k)


@given(start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 10, 31),
                          timezones=st.just(SHANGHAI)),
       hours=st.decimals(min_value=0, max_value=60, places=2))
@settings(max_examples=200, deadline=None)
def test_property_business_hours_roundtrip(start, hours):
    cal = _static_cal()
    end = cal.add_business_hours(start, hours)
    assert end >= start
    assert cal.business_hours_between(start, end) == hours


@pytest.fixture(autouse=True, scope="module")
def _load_static_cal(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reset_calendar_cache()
        _cal_holder["cal"] = get_calendar()
    yield
    _cal_holder.clear()
