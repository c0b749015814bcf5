"""Money, dates and countdowns the Chinese way (UX.md "Numbers and dates")."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

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
