"""SLA due times, pauses, lateness and fines (issue 4 item 4; S3.4, S9.3, S11.3, S11.5; X2).

Real 2026 dates from the chinesecalendar data: Mid-autumn 2026-09-25..27 and National Day
2026-10-01..07 are holidays; Saturday 2026-10-10 is a 调休 working day.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.calendars.calendar import CalendarYearMissing
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.workflow.definitions import FineSpec, SlaSpec
from aftersales.workflow.sla import (
    Clock,
    clock_on_enter,
    days_late,
    due_at,
    end_to_end_on_enter,
    escalation_role,
    fine_amount,
    fine_waiver_check,
    paused_extension,
)

SH = ZoneInfo("Asia/Shanghai")
END = (23, 59, 59, 999999)


def at(y, m, d, hh=0, mm=0, *rest):
    return datetime(y, m, d, hh, mm, *rest, tzinfo=SH)


def eod(y, m, d):
    return at(y, m, d, *END)


WD3 = SlaSpec(amount=Decimal(3), unit="working_days", source="S9.3")
ONSITE = SlaSpec(amount=Decimal(3), unit="working_days", source="S11.3",
                 urgent=SlaSpec(amount=Decimal(1), unit="days", source="S11.3"))
H24 = SlaSpec(amount=Decimal(24), unit="hours", source="S3.4")
BH2 = SlaSpec(amount=Decimal(2), unit="business_hours")
S3_4 = FineSpec(per_day_late=Decimal(50), per_violation=Decimal(50),
                serious_multiplier=Decimal(2), rule="S3.4", waiver_role="sales_vp")


# ----------------------------------------------------------------------------- due_at
def test_three_working_days_skip_national_day(cal):
    """S9.3 review asked on Tue 2026-09-29: Sep 30, Oct 8, Oct 9 → due end of Fri Oct 9."""
    assert due_at(start=at(2026, 9, 29, 10), spec=WD3, calendar=cal) == eod(2026, 10, 9)


def test_working_days_count_the_adjusted_saturday(cal):
    """From Wed Sep 30: Oct 8, Oct 9 and the 调休 Saturday Oct 10 are the 3 working days."""
    assert due_at(start=at(2026, 9, 30, 17), spec=WD3, calendar=cal) == eod(2026, 10, 10)


def test_working_days_from_a_holiday_start_the_next_working_day(cal):
    assert due_at(start=at(2026, 10, 3, 9), spec=WD3, calendar=cal) == eod(2026, 10, 10)


def test_start_late_in_the_evening_counts_from_the_next_day(cal):
    """The start's day is day 0 (民法典 art. 201), also at 23:59."""
    assert due_at(start=at(2026, 9, 28, 23, 59), spec=WD3, calendar=cal) == eod(2026, 10, 8)


def test_start_in_utc_is_counted_on_the_beijing_day(cal):
    start = datetime(2026, 9, 28, 16, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 Sep 29 in Beijing
    assert due_at(start=start, spec=WD3, calendar=cal) == eod(2026, 10, 9)


def test_24_hours_are_natural_hours_even_over_a_holiday(cal):
    """S3.4: the report is handled within 24 hours, holiday or not."""
    assert due_at(start=at(2026, 9, 30, 15, 20), spec=H24, calendar=cal) == at(2026, 10, 1, 15, 20)


def test_business_hours_skip_lunch(cal):
    assert due_at(start=at(2026, 11, 30, 11), spec=BH2, calendar=cal) == at(2026, 11, 30, 14)


def test_business_hours_skip_the_evening_and_the_holiday(cal):
    assert due_at(start=at(2026, 11, 30, 17), spec=BH2, calendar=cal) == at(2026, 12, 1, 10)
    assert due_at(start=at(2026, 9, 30, 17), spec=BH2, calendar=cal) == at(2026, 10, 8, 10)


def test_urgent_onsite_confirmation_is_the_next_day(cal):
    """S11.3: normal 3 working days; urgent the next day (even a holiday — 特别安排)."""
    start = at(2026, 9, 30, 10)
    assert due_at(start=start, spec=ONSITE, calendar=cal) == eod(2026, 10, 10)
    assert due_at(start=start, spec=ONSITE, urgent=True, calendar=cal) == eod(2026, 10, 1)
    # urgent without an urgent variant falls back to the normal SLA
    assert due_at(start=start, spec=WD3, urgent=True, calendar=cal) == eod(2026, 10, 10)


def test_two_natural_days_and_same_day(cal):
    """S11.5 2 days after warehousing; S11.3 warehoused the same day (0 days)."""
    two = SlaSpec(amount=Decimal(2), unit="days", source="S11.5")
    same = SlaSpec(amount=Decimal(0), unit="days", source="S11.3")
    assert due_at(start=at(2026, 9, 30, 10), spec=two, calendar=cal) == eod(2026, 10, 2)
    assert due_at(start=at(2026, 9, 30, 10), spec=same, calendar=cal) == eod(2026, 9, 30)


def test_year_without_calendar_data_is_an_error_naming_it(cal):
    with pytest.raises(CalendarYearMissing) as exc:
        due_at(start=at(2026, 12, 29, 10), spec=WD3, calendar=cal)
    assert exc.value.extra == {"year": 2027}


def test_naive_start_is_refused(cal):
    with pytest.raises(ValueError):
        due_at(start=datetime(2026, 9, 29, 10), spec=WD3, calendar=cal)


# ----------------------------------------------------------------------------- pauses
def test_pause_pushes_a_working_day_clock_by_the_working_days_paused(cal):
    """Due end of Oct 9; waiting for the customer from Sep 30 to Oct 8 (1 working day: Oct 8)."""
    due = eod(2026, 10, 9)
    assert paused_extension(due=due, paused_at=at(2026, 9, 30, 9), resumed_at=at(2026, 10, 8, 9),
                            spec=WD3, calendar=cal) == eod(2026, 10, 10)
    # a pause within one day doesn't move a day clock
    assert paused_extension(due=due, paused_at=at(2026, 9, 30, 9),
                            resumed_at=at(2026, 9, 30, 15), spec=WD3, calendar=cal) == due


def test_pause_pushes_an_hour_clock_by_the_time_paused(cal):
    due = at(2026, 10, 1, 15)
    assert paused_extension(due=due, paused_at=at(2026, 9, 30, 20), resumed_at=at(2026, 10, 1, 2),
                            spec=H24, calendar=cal) == at(2026, 10, 1, 21)


def test_pause_pushes_business_hours_by_business_time_only(cal):
    due = at(2026, 11, 30, 14)
    # paused 11:30-13:30: 1 business hour (lunch excluded) → due 15:00
    assert paused_extension(due=due, paused_at=at(2026, 11, 30, 11, 30),
                            resumed_at=at(2026, 11, 30, 13, 30), spec=BH2,
                            calendar=cal) == at(2026, 11, 30, 15)


def test_pause_after_the_breach_does_not_extend(cal):
    due = at(2026, 10, 1, 15)
    assert paused_extension(due=due, paused_at=at(2026, 10, 1, 16), resumed_at=at(2026, 10, 2, 9),
                            spec=H24, calendar=cal) == due


def test_clock_is_shared_paused_and_resumed_across_states(shipped, cal):
    """S9.3 review clock: intake → verified keeps the due time; waiting for the customer stops it;
    back in a review state it resumes pushed by the pause; another SLA starts a new clock."""
    wf = shipped["online-shop"]["consumer"]
    c = clock_on_enter(workflow=wf, to_state="intake", now=at(2026, 9, 29, 10), clock=Clock(),
                       calendar=cal)
    assert c == Clock(due_at=eod(2026, 10, 9), name="review")
    c = clock_on_enter(workflow=wf, to_state="verified", now=at(2026, 9, 30, 10), clock=c,
                       calendar=cal)
    assert c.due_at == eod(2026, 10, 9)
    c = clock_on_enter(workflow=wf, to_state="options_offered", now=at(2026, 9, 30, 11), clock=c,
                       calendar=cal)
    assert c.paused_at == at(2026, 9, 30, 11) and c.due_at == eod(2026, 10, 9)
    c = clock_on_enter(workflow=wf, to_state="negotiation", now=at(2026, 10, 8, 11), clock=c,
                       calendar=cal)
    assert c == Clock(due_at=eod(2026, 10, 10), name="review")
    c = clock_on_enter(workflow=wf, to_state="received", now=at(2026, 10, 12, 9), clock=c,
                       calendar=cal)
    assert c.name == "settle" and c.due_at == eod(2026, 10, 21)  # S9.5 7 working days
    assert clock_on_enter(workflow=wf, to_state="completed", now=at(2026, 10, 13), clock=c,
                          calendar=cal) == Clock()


def test_end_to_end_clock_pauses_and_stops(shipped, cal):
    """S9.2: 15 working days end to end, not counting time waiting for the customer."""
    wf = shipped["online-shop"]["consumer"]
    c = end_to_end_on_enter(workflow=wf, to_state="intake", now=at(2026, 9, 29, 10),
                            clock=Clock(), calendar=cal)
    assert c.due_at == eod(2026, 10, 26)  # Sep 30, Oct 8-10 (调休 Sat), 12-16, 19-23, 26
    c = end_to_end_on_enter(workflow=wf, to_state="awaiting_return", now=at(2026, 10, 9, 10),
                            clock=c, calendar=cal)
    c = end_to_end_on_enter(workflow=wf, to_state="returning", now=at(2026, 10, 10, 10),
                            clock=c, calendar=cal)
    assert c.paused_at == at(2026, 10, 9, 10)
    c = end_to_end_on_enter(workflow=wf, to_state="received", now=at(2026, 10, 13, 10),
                            clock=c, calendar=cal)
    assert c.paused_at is None and c.due_at == eod(2026, 10, 29)  # Oct 10, 12, 13 paused
    assert end_to_end_on_enter(workflow=wf, to_state="closed", now=at(2026, 10, 14),
                               clock=c, calendar=cal) == Clock()


def test_escalation_role_defaults_to_the_department_supervisor(shipped):
    wf = shipped["electronics-rework"]["rework"]
    assert escalation_role(wf, "registered") == "quality_supervisor"
    assert escalation_role(wf, "classified") is None
    assert escalation_role(shipped["outsourced-manufacturer"]["quality_return"],
                           "quality_judgment") == "sales_vp"


# ----------------------------------------------------------------------------- lateness, fines
def test_days_late_counts_started_days():
    due = at(2026, 10, 1, 15)
    assert days_late(due, due) == 0
    assert days_late(due, due - timedelta(hours=5)) == 0
    assert days_late(due, due + timedelta(microseconds=1)) == 1
    assert days_late(due, due + timedelta(hours=24)) == 1
    assert days_late(due, due + timedelta(hours=24, microseconds=1)) == 2


def test_fine_amounts_of_s3_4():
    assert fine_amount(S3_4) == Decimal("0.00")
    assert fine_amount(S3_4, days_late=1) == Decimal("50.00")
    assert fine_amount(S3_4, days_late=3) == Decimal("150.00")
    assert fine_amount(S3_4, violations=1) == Decimal("50.00")
    assert fine_amount(S3_4, violations=1, serious=True) == Decimal("100.00")
    # "doubled when serious" applies to violations, not to the per-day lateness fine
    assert fine_amount(S3_4, days_late=2, violations=1, serious=True) == Decimal("200.00")
    with pytest.raises(ValueError):
        fine_amount(S3_4, days_late=-1)


@given(days=st.integers(0, 10_000), violations=st.integers(0, 100), serious=st.booleans(),
       per_day=st.decimals(0, 10_000, places=2), per_violation=st.decimals(0, 10_000, places=2),
       multiplier=st.decimals(1, 5, places=1))
def test_fine_never_negative_and_monotonic_in_days_late(days, violations, serious, per_day,
                                                        per_violation, multiplier):
    spec = FineSpec(per_day_late=per_day, per_violation=per_violation,
                    serious_multiplier=multiplier, rule="S3.4", waiver_role="sales_vp")
    amount = fine_amount(spec, days_late=days, violations=violations, serious=serious)
    assert amount >= 0 and amount == amount.quantize(Decimal("0.01"))
    assert fine_amount(spec, days_late=days + 1, violations=violations, serious=serious) >= amount
    assert fine_amount(spec, days_late=days, violations=violations, serious=True) >= fine_amount(
        spec, days_late=days, violations=violations, serious=False)


@given(minutes=st.integers(0, 60 * 24 * 30))
def test_days_late_monotonic_and_zero_until_due(minutes):
    due = at(2026, 10, 1, 15)
    now = due + timedelta(minutes=minutes)
    assert days_late(due, now) <= days_late(due, now + timedelta(minutes=1))
    assert (days_late(due, now) == 0) == (minutes == 0)


def test_waiver_needs_the_approver_and_a_reason():
    """S3.4 "特殊情况除外": approved special circumstances."""
    with pytest.raises(PermissionDenied):
        fine_waiver_check(spec=S3_4, roles={"sales_specialist"}, reason="客户停产")
    with pytest.raises(ValidationError) as exc:
        fine_waiver_check(spec=S3_4, roles={"sales_vp"}, reason=" ")
    assert "reason" in exc.value.fields
    fine_waiver_check(spec=S3_4, roles={"sales_vp"}, reason="客户停产")
