"""The end-to-end clock (S9.2: the whole process within 15 working days) in the SLA sweep
(issue 4 item 4): a breach is escalated once per case to the role the workflow's
sla_end_to_end names, with a timeline event; paused time pushes it; closed cases are left."""

from datetime import timedelta

from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent, Escalation, EscalationKind, EventKind
from aftersales.cases.selectors import supervisor_breaches
from aftersales.cases.tests import factories as f
from aftersales.notify.models import Message

E2E = EscalationKind.END_TO_END


def _open_return():
    order = f.order(lines=[(f.product(), 2, "300.00")])
    return s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       description="尺码不合适", lines=[{"line_no": 1, "quantity": 1,
                       "condition": {"unused": True, "packaging_intact": True,
                                     "tags_attached": True, "all_parts_present": True}}])


def _e2e_events(case) -> int:
    return CaseEvent.objects.filter(case=case, kind=EventKind.SLA_BREACHED,
                                    data__clock="end_to_end").count()


def test_end_to_end_breach_is_escalated_once_to_the_named_supervisor(
        policies, clock, agent, supervisor):
    # given a return opened Monday 10:00, due end to end in 15 working days (S9.2)
    case = _open_return()
    assert case.end_to_end_due_at is not None and not case.is_end_to_end_overdue

    # when the sweep runs before the due time, nothing is escalated end to end
    clock.at = case.end_to_end_due_at - timedelta(minutes=1)
    assert s.sla_sweep()["end_to_end_escalated"] == 0

    # when it runs an hour after the due time, twice
    clock.at = case.end_to_end_due_at + timedelta(hours=1)
    first, second = s.sla_sweep(), s.sla_sweep()

    # then one end-to-end escalation to the cs supervisor (escalate_to), one event, one mail
    assert (first["end_to_end_escalated"], second["end_to_end_escalated"]) == (1, 0)
    esc = Escalation.objects.get(case=case, kind=E2E)
    assert esc.escalated_to == supervisor and esc.due_at == case.end_to_end_due_at
    assert _e2e_events(case) == 1
    assert Message.objects.filter(topic="sla_escalation", recipient=supervisor.email,
                                  dedupe_key=f"escalation:{case.pk}:end_to_end").count() == 1
    case.refresh_from_db()
    assert case.end_to_end_escalated_at == clock.at and case.is_end_to_end_overdue
    assert esc in supervisor_breaches(supervisor)

    # when the case is rejected (resolved), the whole-case breach leaves the list
    s.case_reject(case=case, actor=agent, reason="已超过退货期")
    s.case_close(case=case, actor=agent)
    assert not supervisor_breaches(supervisor).filter(kind=E2E).exists()
    assert s.sla_sweep()["end_to_end_escalated"] == 0


def test_time_waiting_for_the_customer_pushes_the_end_to_end_due_time(
        policies, clock, agent, supervisor):
    # given a return (Monday 23 November) whose options are offered at once: the clock
    # waits for the customer
    case = _open_return()
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    first_due = case.end_to_end_due_at
    assert case.end_to_end_paused_at is not None

    # when the customer answers two weeks later, the due time moves by the time waited
    clock.set(2026, 12, 7, 10)
    case = s.case_accept_option(case=case, actor=None, option=0)
    assert case.end_to_end_paused_at is None
    assert case.end_to_end_due_at >= first_due + timedelta(days=14)

    # then a sweep after the first due time escalates nothing
    clock.at = first_due + timedelta(hours=1)
    assert s.sla_sweep()["end_to_end_escalated"] == 0
    assert not Escalation.objects.filter(case=case, kind=E2E).exists()

    # and only after the pushed due time is it escalated, once
    clock.at = case.end_to_end_due_at + timedelta(minutes=5)
    assert s.sla_sweep()["end_to_end_escalated"] == 1
    assert s.sla_sweep()["end_to_end_escalated"] == 0
    assert Escalation.objects.filter(case=case, kind=E2E).count() == 1 == _e2e_events(case)


def test_a_paused_end_to_end_clock_is_not_escalated(policies, clock, agent, supervisor):
    # given a case waiting for the customer whose (stale) end-to-end due time has passed
    case = _open_return()
    Case.objects.filter(pk=case.pk).update(end_to_end_paused_at=case.created_at)
    clock.at = case.end_to_end_due_at + timedelta(days=3)
    # then the sweep leaves it alone
    assert s.sla_sweep()["end_to_end_escalated"] == 0


def test_closed_cases_are_not_escalated_end_to_end(policies, clock, agent, supervisor):
    # given a case withdrawn by the customer (closed) and, like imported data, still carrying
    # an end-to-end due time in the past
    case = _open_return()
    due = case.end_to_end_due_at
    case = s.case_transition(case=case, actor=None, transition="withdraw", reason="不要了")
    assert case.is_closed
    Case.objects.filter(pk=case.pk).update(end_to_end_due_at=due)

    # when the sweep runs long after: nothing is escalated
    clock.at = due + timedelta(days=30)
    assert s.sla_sweep()["end_to_end_escalated"] == 0
    assert not Escalation.objects.filter(case=case).exists() and _e2e_events(case) == 0
