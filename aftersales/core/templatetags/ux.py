"""Numbers, dates and deadlines the Chinese way (UX.md "Numbers and dates").

Load with ``{% load ux %}``. Filters:

- ``{{ amount|money }}``            → ``¥1,234.50`` (``-¥12.00``; ``—`` for None)
- ``{{ dt|when }}``                 → ``2026-11-29 14:30`` in Asia/Shanghai (dates: ``2026-11-29``)
- ``{{ dt|weekday }}``              → ``周三`` (English: ``Wed``)
- ``{{ dt|when_weekday }}``         → ``2026-11-25 周三 14:30``
- ``{{ case.due_at|due }}``         → ``<span class="due due--overdue">已超时 2 天</span>``;
  classes ``due--ok``, ``due--soon`` (under 4 hours), ``due--overdue`` (red)
- ``{{ case.due_at|due_text }}``    → the same words without markup (``剩 5 小时``)
- ``{{ 3|working_days }}``          → ``3 个工作日内``
- ``{{ a_timedelta|minutes }}``      → ``15`` (whole minutes, rounded up)

All of them accept None/"" and show ``—``. Python callers can use ``format_money``,
``format_when``, ``due_state`` directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import InvalidOperation
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from aftersales.core.money import to_money

register = template.Library()

EMPTY = "—"
SOON = dt.timedelta(hours=4)  # display only: when the countdown turns amber


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)  # Asia/Shanghai: dates are shown in China time


def format_money(value: object) -> str:
    """``¥1,234.50``; negative amounts ``-¥1,234.50``; None/"" → ``—``."""
    if value is None or value == "":
        return EMPTY
    try:
        amount = to_money(value)
    except (ValueError, InvalidOperation):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        return value.astimezone(_zone())
    return value


def format_when(value: object) -> str:
    """``2026-11-29 14:30`` for a datetime (in China time), ``2026-11-29`` for a date."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def weekday_name(value: object) -> str:
    if not isinstance(value, dt.date):
        return EMPTY
    day = _local(value).weekday() if isinstance(value, dt.datetime) else value.weekday()
    names = (
        pgettext("weekday", "Mon"), pgettext("weekday", "Tue"), pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"), pgettext("weekday", "Fri"), pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    )
    return names[day]


@dataclass(frozen=True)
class DueState:
    level: str  # "ok" | "soon" | "overdue"
    text: str
    due_at: dt.datetime

    @property
    def overdue(self) -> bool:
        return self.level == "overdue"


def _span_words(delta: dt.timedelta, *, overdue: bool) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, days = minutes // 60, minutes // (60 * 24)
    if overdue:
        if days >= 1:
            return ngettext("%(n)s day overdue", "%(n)s days overdue", days) % {"n": days}
        if hours >= 1:
            return ngettext("%(n)s hour overdue", "%(n)s hours overdue", hours) % {"n": hours}
        minutes = max(minutes, 1)
        return ngettext("%(n)s minute overdue", "%(n)s minutes overdue", minutes) % {
            "n": minutes}
    # Up to two days the hours say more than "1 day" would.
    if hours >= 48:
        return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    if hours >= 1:
        return ngettext("%(n)s hour left", "%(n)s hours left", hours) % {"n": hours}
    if minutes >= 1:
        return ngettext("%(n)s minute left", "%(n)s minutes left", minutes) % {"n": minutes}
    return _("less than a minute left")


WorkingDayCounter = Callable[[dt.date, dt.date], int]


def due_state(due_at: dt.datetime | None, *, now: dt.datetime | None = None,
              working_days: WorkingDayCounter | None = None) -> DueState | None:
    """The countdown to ``due_at``: words and a level; None when there is no deadline.

    ``working_days`` (a calendar's count of working days in (a, b]) makes a deadline set in
    working days count in its own unit from the day before it is due: "剩 3 个工作日",
    "已超时 2 个工作日"; on the day itself, or overdue by less than a working day, hours."""
    if not isinstance(due_at, dt.datetime):
        return None
    now = now or timezone.now()
    overdue = due_at <= now
    level = "overdue" if overdue else ("soon" if due_at - now <= SOON else "ok")
    if working_days is not None:
        today, due_day = _local(now).date(), _local(due_at).date()
        n = working_days(due_day, today) if overdue else working_days(today, due_day)
        if n >= 1:
            words = (ngettext("%(n)s working day overdue", "%(n)s working days overdue", n)
                     if overdue else
                     ngettext("%(n)s working day left", "%(n)s working days left", n))
            return DueState(level, words % {"n": n}, due_at)
    span = now - due_at if overdue else due_at - now
    return DueState(level, _span_words(span, overdue=overdue), due_at)


def due_tag(state: DueState | None):
    """The countdown as a coloured tag; the absolute time is in the tooltip."""
    if state is None:
        return EMPTY
    return format_html(
        '<span class="due due--{}" title="{}">{}</span>',
        state.level, when_weekday(state.due_at), state.text,
    )


@register.filter
def money(value: object) -> str:
    return format_money(value)


@register.filter
def when(value: object) -> str:
    return format_when(value)


@register.filter
def weekday(value: object) -> str:
    return weekday_name(value)


@register.filter
def when_weekday(value: object) -> str:
    if not isinstance(value, dt.date):
        return EMPTY
    text = format_when(value)
    date, _sep, time = text.partition(" ")
    return f"{date} {weekday_name(value)} {time}".strip()


@register.filter
def due_text(value: object) -> str:
    state = due_state(value)  # type: ignore[arg-type]
    return state.text if state else EMPTY


@register.filter
def due(value: object):
    """The countdown to a datetime as a coloured tag (natural time; cases count working days
    through cases_ux's ``case_due``)."""
    return due_tag(due_state(value))  # type: ignore[arg-type]


@register.filter
def minutes(value: object) -> int | str:
    """A timedelta in whole minutes, rounded up (``15``)."""
    if not isinstance(value, dt.timedelta):
        return EMPTY
    return -(-int(value.total_seconds()) // 60)


@register.filter
def working_days(value: object) -> str:
    """``3 个工作日内`` — working-day deadlines say so (UX.md)."""
    try:
        n = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return EMPTY
    return ngettext("within %(n)s working day", "within %(n)s working days", n) % {"n": n}


__all__ = ["DueState", "due_state", "due_tag", "format_money", "format_when", "weekday_name"]
