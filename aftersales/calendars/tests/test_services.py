"""calendar_year_save: entering a State Council schedule (HOL-7), validation, atomicity."""

from datetime import date

import pytest

from aftersales.calendars.calendar import CalendarYearMissing, get_calendar
from aftersales.calendars.models import CalendarDay, CalendarYear, DayKind
from aftersales.calendars.selectors import calendar_year_schedule
from aftersales.calendars.services import calendar_seed, calendar_year_save
from aftersales.core.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db
D = date.fromisoformat


def save_2027(actor=None, **kw):
    return calendar_year_save(
        year=2027,
        holidays=kw.get("holidays", [(D("2027-02-06"), D("2027-02-14"), "春节"),
                                     (D("2027-01-01"), D("2027-01-01"), "元旦")]),
        adjusted_workdays=kw.get("adjusted_workdays", [D("2027-02-20")]),
        actor=actor,
    )


def test_new_year_becomes_usable_at_once(admin_user):
    cal = get_calendar()
    with pytest.raises(CalendarYearMissing):
        cal.add_working_days(date(2026, 12, 30), 3)
    cy = save_2027(admin_user)
    assert cy.source == "manual" and cy.entered_by == admin_user
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    cal = get_calendar()  # the save dropped the cached snapshot
    assert cal.add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)  # 12/31, 1/4, 1/5
    assert not cal.is_working_day(date(2027, 2, 8))  # Monday in 春节
    assert not cal.is_working_day(date(2027, 2, 6))  # Saturday in the range
    assert cal.is_working_day(date(2027, 2, 20))  # 调休 Saturday
    assert not cal.is_working_day(date(2027, 2, 27))  # ordinary Saturday
    day = CalendarDay.objects.get(date=date(2027, 2, 20))
    assert day.kind == DayKind.ADJUSTED_WORKDAY and day.holiday_name == "春节"
    sched = calendar_year_schedule(year=2027)
    assert sched.holidays[0] == (D("2027-01-01"), D("2027-01-01"), "元旦")
    assert sched.adjusted_workdays == [D("2027-02-20")]


def test_replacing_a_year_rewrites_it(admin_user):
    save_2027(admin_user)
    save_2027(admin_user, holidays=[(D("2027-05-03"), D("2027-05-03"), "劳动节")],
              adjusted_workdays=[])
    cal = get_calendar()
    assert cal.is_working_day(date(2027, 2, 8))
    assert not cal.is_working_day(date(2027, 5, 3))
    assert CalendarYear.objects.filter(year=2027).count() == 1
    assert CalendarDay.objects.filter(date__year=2027).count() == 365


@pytest.mark.parametrize(
    "holidays, adjusted, field, words",
    [
        ([(D("2026-12-31"), D("2027-01-02"), "元旦")], [], "holidays.0", "2027"),
        ([(D("2027-02-06"), D("2027-02-14"), "春节"), (D("2027-02-14"), D("2027-02-16"), "x")],
         [], "holidays.1", "overlaps"),
        ([(D("2027-02-14"), D("2027-02-06"), "春节")], [], "holidays.0", "before"),
        ([(D("2027-02-06"), D("2027-02-06"), " ")], [], "holidays.0", "Name"),
        ([], [D("2027-02-22")], "adjusted_workdays.0", "Saturday or Sunday"),
        ([], [D("2026-12-26")], "adjusted_workdays.0", "not in 2027"),
        ([], [D("2027-02-20"), D("2027-02-20")], "adjusted_workdays.1", "twice"),
        ([(D("2027-02-06"), D("2027-02-14"), "春节")], [D("2027-02-13")], "adjusted_workdays.0",
         "inside a holiday"),
    ],
)
def test_invalid_schedules_are_refused_with_the_field(holidays, adjusted, field, words):
    with pytest.raises(ValidationError) as exc:
        calendar_year_save(year=2027, holidays=holidays, adjusted_workdays=adjusted, actor=None)
    assert field in exc.value.fields
    assert words in str(exc.value.fields[field])
    assert not CalendarYear.objects.filter(year=2027).exists()  # nothing saved


def test_failed_replacement_keeps_the_old_year():
    before = CalendarDay.objects.filter(date__year=2026, is_working=False).count()
    with pytest.raises(ValidationError):
        calendar_year_save(year=2026, holidays=[], adjusted_workdays=[D("2026-03-03")], actor=None)
    assert CalendarDay.objects.filter(date__year=2026, is_working=False).count() == before
    assert CalendarYear.objects.get(year=2026).source == "chinesecalendar"


def test_only_admins_or_perm_holders_may_edit(agent_user):
    with pytest.raises(PermissionDenied):
        save_2027(agent_user)
    from django.contrib.auth.models import Permission

    agent_user.user_permissions.add(Permission.objects.get(codename="change_calendaryear"))
    from aftersales.accounts.models import User

    save_2027(User.objects.get(pk=agent_user.pk))  # fresh instance: perm cache
    assert CalendarYear.objects.filter(year=2027).exists()


def test_reseed_restores_a_year():
    calendar_year_save(year=2026, holidays=[], adjusted_workdays=[], actor=None)
    assert get_calendar().is_working_day(date(2026, 2, 16))
    assert calendar_seed(years=[2026]) == []  # kept without --replace
    assert calendar_seed(years=[2026], replace=True) == [2026]
    assert not get_calendar().is_working_day(date(2026, 2, 16))
    assert CalendarYear.objects.get(year=2026).source == "chinesecalendar"
