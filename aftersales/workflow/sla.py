"""SLA clocks and fine arithmetic (issue 4 item 4; S3.4, S9.2, S9.3, S11.3, S11.5; X2).

Units (SlaSpec.unit):
- ``working_days``: due at the end (23:59:59.999999 Beijing) of the n-th working day after the
  start day, on the statutory calendar with 调休 working weekends (S9.3 "3 个工作日内");
- ``days``: the end of the n-th natural day after the start day (民法典 art. 201; S11.5);
- ``hours``: n natural hours after the start (S3.4 "24 小时内");
- ``business_hours``: n hours counted only inside business hours on working days.
An SLA with an ``urgent`` variant uses it for urgent cases (S11.3: next day).

The clock of a case runs in states of category ``open``, stands still in ``waiting_customer``
and ``paused`` (the due time is pushed by the time it stood still) and stops in ``resolved`` and
``closed``. ``clock_on_enter`` does that bookkeeping for the cases app on every transition.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from aftersales.calendars.calendar import SHANGHAI, WorkCalendar, get_calendar
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.core.money import round_fen
from aftersales.workflow.definitions import FineSpec, SlaSpec, Workflow
from aftersales.workflow.errors import WorkflowErrorCode
from aftersales.workflow.vocabulary import CLOCK_PAUSED, CLOCK_STOPPED, SlaUnit

_DAY = timedelta(days=1)


def _calendar(calendar: Any) -> Any:
    if calendar is not None:
        return calendar
    return get_calendar()


def _aware(dt: datetime, name: str) -> None:
    if dt.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")


def effective_spec(spec: SlaSpec, *, urgent: bool = False) -> SlaSpec:
    return spec.urgent if urgent and spec.urgent is not None else spec


def due_at(*, start: datetime, spec: SlaSpec, urgent: bool = False, calendar: Any = None,
           hours_spec: Any = None) -> datetime:
    """When an SLA that starts at ``start`` is due (see the module docstring for units).

    ``calendar`` is a calendars.calendar.WorkCalendar (default: get_calendar()); ``hours_spec``
    chooses the business hours (None = company default, or a department code). Raises
    CalendarYearMissing when the calendar has no data for a year it needs.
    """
    _aware(start, "start")
    s = effective_spec(spec, urgent=urgent)
    if s.unit == SlaUnit.HOURS:
        return start + timedelta(microseconds=int(s.amount * 3_600_000_000))
    cal = _calendar(calendar)
    if s.unit == SlaUnit.BUSINESS_HOURS:
        due: datetime = cal.add_business_hours(start, s.amount, hours_spec)
        return due
    day = start.astimezone(SHANGHAI).date()
    n = int(s.amount)
    if s.unit == SlaUnit.DAYS:
        return WorkCalendar.end_of_day(day + timedelta(days=n))
    if s.unit == SlaUnit.WORKING_DAYS:
        return WorkCalendar.end_of_day(cal.add_working_days(day, n))
    raise ValueError(f"unknown SLA unit {s.unit!r}")


def paused_extension(*, due: datetime, paused_at: datetime, resumed_at: datetime,
                     spec: SlaSpec, urgent: bool = False, calendar: Any = None,
                     hours_spec: Any = None) -> datetime:
    """The due time after the clock stood still from ``paused_at`` to ``resumed_at``.

    The due time moves by the time paused, measured in the SLA's own unit: natural time for
    hours; business time for business hours; the number of day changes (natural or working
    days) for day SLAs, which end at the end of a day. A clock paused after it was already due
    is not extended (the breach stands).
    """
    for dt, name in ((due, "due"), (paused_at, "paused_at"), (resumed_at, "resumed_at")):
        _aware(dt, name)
    if resumed_at <= paused_at or paused_at >= due:
        return due
    s = effective_spec(spec, urgent=urgent)
    if s.unit == SlaUnit.HOURS:
        return due + (resumed_at - paused_at)
    cal = _calendar(calendar)
    if s.unit == SlaUnit.BUSINESS_HOURS:
        paused = cal.business_hours_between(paused_at, resumed_at, hours_spec)
        return cal.add_business_hours(due, paused, hours_spec) if paused > 0 else due
    a = paused_at.astimezone(SHANGHAI).date()
    b = resumed_at.astimezone(SHANGHAI).date()
    due_day = due.astimezone(SHANGHAI).date()
    if s.unit == SlaUnit.DAYS:
        return WorkCalendar.end_of_day(due_day + (b - a))
    k = cal.working_days_between(a, b)
    return WorkCalendar.end_of_day(cal.add_working_days(due_day, k)) if k else due


def days_late(due: datetime, now: datetime) -> int:
    """Started days of delay (S3.4 "拖延一天"): 0 up to the due instant, 1 right after it."""
    _aware(due, "due")
    _aware(now, "now")
    if now <= due:
        return 0
    return math.ceil((now - due) / _DAY)


def fine_amount(spec: FineSpec, *, days_late: int = 0, violations: int = 0,
                serious: bool = False) -> Decimal:
    """S3.4: per_day_late × days late + per_violation × violations (× serious_multiplier when
    serious). Yuan, rounded to the fen."""
    if days_late < 0 or violations < 0:
        raise ValueError("days_late and violations must be zero or more")
    per_violation = spec.per_violation * (spec.serious_multiplier if serious else Decimal(1))
    return round_fen(spec.per_day_late * days_late + per_violation * violations)


def fine_waiver_check(*, spec: FineSpec, roles: set[str] | frozenset[str],
                      reason: str | None) -> None:
    """A fine is waived only by its waiver role and with a reason (S3.4 "特殊情况除外")."""
    if spec.waiver_role not in set(roles):
        raise PermissionDenied(
            gettext("Only %(role)s may waive this fine.") % {"role": spec.waiver_role},
            code=WorkflowErrorCode.WAIVER_NOT_ALLOWED, extra={"waiver_role": spec.waiver_role},
        )
    if not (reason or "").strip():
        message = gettext("Give the reason for waiving the fine.")
        raise ValidationError(message,
                              code=WorkflowErrorCode.REASON_REQUIRED, fields={"reason": message})


# ------------------------------------------------------------------------------ case clocks
@dataclass(frozen=True)
class Clock:
    """A case's SLA clock as the cases app stores it: the due time, when it was paused (None
    while running) and the name of the SLA clock that set it (shared across states)."""

    due_at: datetime | None = None
    paused_at: datetime | None = None
    name: str | None = None


def _spec_of_clock(workflow: Workflow, name: str) -> SlaSpec | None:
    for state in workflow.states.values():
        if state.sla is not None and state.sla.clock == name:
            return state.sla
    return None


def clock_on_enter(*, workflow: Workflow, to_state: str, now: datetime, clock: Clock,
                   urgent: bool = False, calendar: Any = None, hours_spec: Any = None) -> Clock:
    """The state clock after the case enters ``to_state`` at ``now``.

    - a waiting/paused state stops the clock (due time kept, paused_at set);
    - a resolved/closed state clears it;
    - an open state whose SLA shares the running clock's name keeps the due time (pushed by
      the time paused); an open state with another SLA starts a new clock; one without an SLA
      has none.
    """
    state = workflow.state(to_state)
    if state.category in CLOCK_PAUSED:
        if clock.due_at is None or clock.paused_at is not None:
            return clock
        return replace(clock, paused_at=now)
    if state.category in CLOCK_STOPPED or state.sla is None:
        return Clock()
    spec = state.sla
    if spec.clock and clock.name == spec.clock and clock.due_at is not None:
        if clock.paused_at is None:
            return clock
        return Clock(due_at=paused_extension(due=clock.due_at, paused_at=clock.paused_at,
                                             resumed_at=now, spec=spec, urgent=urgent,
                                             calendar=calendar, hours_spec=hours_spec),
                     name=clock.name)
    return Clock(due_at=due_at(start=now, spec=spec, urgent=urgent, calendar=calendar,
                               hours_spec=hours_spec), name=spec.clock)


def end_to_end_on_enter(*, workflow: Workflow, to_state: str, now: datetime, clock: Clock,
                        calendar: Any = None, hours_spec: Any = None) -> Clock:
    """The case's end-to-end clock (S9.2 15 working days) after entering ``to_state``.

    Start it with ``Clock()`` on intake: it is set on the first open state, stands still in
    waiting/paused states and stops (cleared) when the case is resolved or closed.
    """
    spec = workflow.sla_end_to_end
    if spec is None:
        return Clock()
    state = workflow.state(to_state)
    if state.category in CLOCK_STOPPED:
        return Clock()
    if clock.due_at is None:
        started = Clock(due_at=due_at(start=now, spec=spec, calendar=calendar,
                                      hours_spec=hours_spec), name="end_to_end")
        return replace(started, paused_at=now) if state.category in CLOCK_PAUSED else started
    if state.category in CLOCK_PAUSED:
        return clock if clock.paused_at is not None else replace(clock, paused_at=now)
    if clock.paused_at is None:
        return clock
    return Clock(due_at=paused_extension(due=clock.due_at, paused_at=clock.paused_at,
                                         resumed_at=now, spec=spec, calendar=calendar,
                                         hours_spec=hours_spec), name=clock.name)


def escalation_role(workflow: Workflow, state: str) -> str | None:
    """Who a breach of ``state``'s SLA escalates to (the SLA's escalate_to, which defaults to
    the state's department supervisor)."""
    sla = workflow.state(state).sla
    return sla.escalate_to if sla else None
