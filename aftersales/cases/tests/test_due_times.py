"""Due times on the statutory calendar (X2): across a holiday and a 调休 working weekend, the
24-hour report clock, and the clock standing still while the customer is waited for."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aftersales.cases import services as s
from aftersales.cases.tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_three_working_days_across_spring_festival_count_the_adjusted_saturday(
        policies, clock, agent):
    # given Friday 2026-02-13 10:00: Sat 02-14 is a 调休 working day, 02-15..02-23 holiday
    clock.set(2026, 2, 13, 10, 0)
    order = f.order(placed_at=datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI))
    # when a return is opened (S9.3 review: 3 working days)
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])
    # then it is due at the end of Wednesday 02-25 (14th, 24th, 25th)
    assert case.due_at.astimezone(SHANGHAI) == datetime(
        2026, 2, 25, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_three_working_days_across_national_day(policies, clock, agent):
    # given Wednesday 2026-09-30: 10-01..10-07 holiday, Sat 10-10 a 调休 working day
    clock.set(2026, 9, 30, 16, 0)
    order = f.order(placed_at=datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI))
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])
    # then: Thu 10-08, Fri 10-09, Sat 10-10 (worked)
    assert case.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-10-10"


def test_waiting_for_the_customer_stops_the_review_clock(policies, clock, agent):
    # given a case in review, due Thursday 2026-11-26 end of day (opened Monday 11-23)
    order = f.order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone,
                       lines=[{"line_no": 1, "quantity": 1, "condition": {"unused": True}}],
                       reason="no_reason")
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="不喜欢")
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    due = case.due_at
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    # when the customer takes two working days to decline the options
    clock.at = clock.at + timedelta(days=2)
    assert s.sla_sweep()["cases"] == 0  # nothing to watch while waiting
    case = s.case_transition(case=case, actor=None, transition="decline_options")
    # then the same review clock resumes, pushed by the two working days waited:
    # Thursday 11-26 → Friday 11-27, (weekend), Monday 11-30
    assert case.state == "negotiation"
    assert due.astimezone(SHANGHAI).date().isoformat() == "2026-11-26"
    assert case.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-11-30"
    assert case.breached_at is None


def test_an_urgent_electronics_complaint_is_due_the_next_day_a_normal_one_in_3_working_days(
        policies, clock, make_user):
    # given Friday 2026-11-27 15:00 and a quality engineer registering customer complaints
    clock.set(2026, 11, 27, 15, 0)
    quality = make_user("quality")
    order = f.order(business_line="electronics", channel="b2b")

    def open_case(priority):
        return s.case_open(kind="repair", channel="phone", actor=quality, order=order,
                           priority=priority, lines=[{"line_no": 1, "quantity": 1}])

    # then S11.3: normal → the 3rd working day (Wed 12-02), urgent → the next day (Sat 11-28)
    assert open_case("normal").due_at.astimezone(SHANGHAI).date().isoformat() == "2026-12-02"
    assert open_case("urgent").due_at.astimezone(SHANGHAI).date().isoformat() == "2026-11-28"
