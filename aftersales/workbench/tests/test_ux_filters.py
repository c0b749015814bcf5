"""Money, dates and countdowns the Chinese way (UX.md "Numbers and dates")."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from aftersales.core.templatetags.ux import due_state, format_money, format_when

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 29, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai, a Sunday


def render(source: str, **context) -> str:
    return Template("{% load ux %}" + source).render(Context(context))


def test_money_has_yuan_sign_thousands_and_fen():
    assert format_money(Decimal("1234.5")) == "¥1,234.50"
    assert format_money(Decimal("-12")) == "-¥12.00"
    assert format_money(Decimal("0.005")) == "¥0.01"  # half up, as core.money
    assert format_money(None) == "—"


def test_datetime_is_shown_in_shanghai_time_with_weekday():
    assert format_when(NOW) == "2026-11-29 14:30"
    assert format_when(dt.date(2026, 11, 25)) == "2026-11-25"
    with translation.override("zh-hans"):
        assert render("{{ t|when_weekday }}", t=NOW) == "2026-11-29 周日 14:30"
        assert render("{{ d|weekday }}", d=dt.date(2026, 11, 25)) == "周三"
    with translation.override("en"):
        assert render("{{ d|weekday }}", d=dt.date(2026, 11, 25)) == "Wed"


def test_due_countdown_hours_left_and_days_overdue():
    with translation.override("zh-hans"):
        assert due_state(NOW + dt.timedelta(hours=5, minutes=10), now=NOW).text == "剩 5 小时"
        late = due_state(NOW - dt.timedelta(days=2, hours=3), now=NOW)
        assert late.text == "已超时 2 天" and late.overdue
        assert due_state(NOW + dt.timedelta(days=3), now=NOW).text == "剩 3 天"
    with translation.override("en"):
        assert due_state(NOW + dt.timedelta(hours=1), now=NOW).text == "1 hour left"


def test_due_levels_colour_the_tag():
    assert due_state(NOW + dt.timedelta(hours=30), now=NOW).level == "ok"
    assert due_state(NOW + dt.timedelta(hours=2), now=NOW).level == "soon"
    assert due_state(NOW, now=NOW).level == "overdue"
    overdue = dt.datetime(2020, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    html = render("{{ t|due }}", t=overdue)
    assert 'class="due due--overdue"' in html
    assert render("{{ t|due }}", t=None) == "—"


def test_working_day_deadlines_say_so():
    with translation.override("zh-hans"):
        assert render("{{ n|working_days }}", n=3) == "3 个工作日内"


class TestWorkingDayCountdown:
    """A deadline set in working days counts in working days (issue 10 item 5)."""

    # Friday 2026-11-27 10:00 Beijing; the weekend is not worked.
    FRIDAY = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)

    @pytest.fixture(autouse=True)
    def _chinese(self):
        with translation.override("zh-hans"):
            yield

    @staticmethod
    def weekdays_between(a: dt.date, b: dt.date) -> int:
        """Working days in (a, b] for a plain Monday-to-Friday week."""
        return sum(1 for i in range(1, (b - a).days + 1)
                   if (a + dt.timedelta(days=i)).weekday() < 5)

    def due_end_of(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(23, 59, 59),
                                   tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def test_a_deadline_three_working_days_after_friday_says_three_working_days(self):
        due_at = self.due_end_of(dt.date(2026, 12, 2))  # Wednesday
        state = due_state(due_at, now=self.FRIDAY, working_days=self.weekdays_between)
        assert state.text == "剩 3 个工作日" and state.level == "ok"

    def test_on_the_day_it_is_due_the_countdown_is_in_hours(self):
        due_at = self.due_end_of(dt.date(2026, 11, 27))
        state = due_state(due_at, now=self.FRIDAY, working_days=self.weekdays_between)
        assert state.text == "剩 13 小时"

    def test_overdue_over_a_weekend_counts_only_the_working_days(self):
        due_at = self.due_end_of(dt.date(2026, 11, 25))  # Wednesday; now Monday 30th
        monday = self.FRIDAY + dt.timedelta(days=3)
        state = due_state(due_at, now=monday, working_days=self.weekdays_between)
        assert state.text == "已超时 3 个工作日" and state.overdue

    def test_overdue_only_over_a_weekend_is_told_in_natural_time(self):
        due_at = self.due_end_of(dt.date(2026, 11, 27))
        sunday_noon = dt.datetime(2026, 11, 29, 4, 0, tzinfo=dt.UTC)
        state = due_state(due_at, now=sunday_noon, working_days=self.weekdays_between)
        assert state.text == "已超时 1 天" and state.overdue
