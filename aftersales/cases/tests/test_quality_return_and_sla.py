"""The outsourced-manufacturer quality return (S2, S3) with the report's 24-hour clock, the
sweep (escalation once, one fine per started day late, S3.4) and the waiver."""

from datetime import timedelta
from decimal import Decimal

import pytest

from aftersales.accounts.models import Department
from aftersales.cases import services as s
from aftersales.cases.models import CaseEvent, Escalation, EventKind, Fine, FineStatus
from aftersales.cases.selectors import fines_ledger, supervisor_breaches
from aftersales.cases.tests import factories as f
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.logistics.services import receipt_record, rma_issue
from aftersales.notify.models import Message
from aftersales.quality import services as q
from aftersales.quality.services import inspection_record


@pytest.fixture
def team(make_user):
    return {
        "specialist": make_user("sales_specialist"),
        "vp": make_user("sales_vp", email="vp@example.com"),
        "quality": make_user("quality"),
        "follower": make_user("quality_follower"),
        "warehouse": make_user("warehouse"),
    }


def _open_report(team):
    order = f.order(business_line="outsourced", channel="b2b",
                    lines=[(f.product(category="pump"), 100, "80.00")])
    case = s.case_open(kind="return", channel="phone", actor=team["specialist"], order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       symptom="漏水", lines=[{"line_no": 1, "quantity": 20}])
    sp = team["specialist"]
    # 退货处理单 S2.4: as logistics' return_form_create does
    case = s.case_note_record(case=case, actor=sp, fact="return_form", record="THD-2026-000001")
    # 品质异常处理报告 S3.2: the numbered report is the record; opening it makes open_report
    q.quality_report_open(case=case, actor=sp, problem="漏水")
    case.refresh_from_db()
    assert case.state == "report_review"
    return case


def _review(case, team):
    """The sales VP approves the report (S3.2): the review record makes review_report."""
    q.quality_report_review(report=case.quality_reports.get(), actor=team["vp"], approve=True)
    case.refresh_from_db()
    return case


def _judge_factory(case, team):
    """Quality's inspection judges the factory responsible (S2.5): approve_return follows."""
    q.inspection_record(case=case, actor=team["quality"], result="fail", defect_code="leak",
                        responsibility="factory")
    case.refresh_from_db()
    return case


def test_quality_return_walks_through_report_judgment_receipt_and_rework(
        policies, clock, team):
    # given a B2B return whose report was opened at Monday 10:00
    case = _open_report(team)
    # then the report is due in 24 hours (S3.4)
    assert case.state == "report_review"
    assert case.due_at == clock() + timedelta(hours=24)
    report_due = case.due_at

    # when the VP reviews and quality judges the factory responsible (S3.2, S2.5)
    case = _review(case, team)
    assert case.state == "quality_judgment"
    assert case.due_at == report_due  # one clock for review + judgment
    case = _judge_factory(case, team)
    assert case.state == "approved" and case.due_at is None

    # and the goods come back to the plant, match the form, are replenished and shipped
    sp, qf, q, wh = team["specialist"], team["follower"], team["quality"], team["warehouse"]
    # the RMA and the receipt are the records the steps wait for (S2.5, S2.6, S5.3)
    rma = rma_issue(case=case, actor=sp)
    case.refresh_from_db()
    assert case.state == "awaiting_goods"
    receipt_record(rma=rma, actor=qf, lines=[{"rma_line": rma.lines.get().pk, "quantity": 20}])
    case.refresh_from_db()
    assert case.state == "analysis"  # received at the plant, matching the form (S2.6)
    case = s.case_transition(case=case, actor=q, transition="replenish")
    # the outgoing inspection is quality's record; passed, the goods go to the warehouse
    inspection_record(case=case, actor=q, result="pass", kind="outgoing")
    case.refresh_from_db()
    assert case.state == "warehoused"
    case = s.case_transition(case=case, actor=wh, transition="ship")
    case = s.case_close(case=case, actor=sp)

    # then the report is closed with the resolution, and no fine was booked (on time)
    assert case.state == "closed" and case.resolution == "reship"
    assert not Fine.objects.filter(case=case).exists()


def test_sweep_twice_books_one_escalation_and_one_fine_then_the_next_day_another(
        policies, clock, team):
    # given a report opened Monday 10:00, due Tuesday 10:00, the sales department's supervisor
    case = _open_report(team)
    sales = Department.objects.get(code="sales")
    sales.supervisor = team["vp"]
    sales.save(update_fields=["supervisor"])
    s.case_assign(case=case, actor=team["vp"], assignee=team["vp"])

    # when the sweep runs at Tuesday 11:00, twice
    clock.at = case.due_at + timedelta(hours=1)
    first = s.sla_sweep()
    second = s.sla_sweep()

    # then one escalation to the supervisor, one fine of 50 yuan on the assignee (S3.4)
    assert first["escalated"] == 1 and first["fines"] == 1
    assert second["escalated"] == 0 and second["fines"] == 0
    esc = Escalation.objects.get(case=case)
    assert esc.escalated_to == team["vp"]
    fine = Fine.objects.get(case=case)
    assert (fine.amount, fine.person, fine.department.code, fine.rule) == (
        Decimal("50.00"), team["vp"], "sales", "S3.4-late")
    assert Message.objects.filter(topic="sla_escalation", recipient="vp@example.com").count() == 1
    case.refresh_from_db()
    assert case.breached_at is not None
    assert list(supervisor_breaches(team["vp"])) == [esc]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.SLA_BREACHED).count() == 1

    # when a later sweep runs on the next day of delay
    clock.at = case.due_at + timedelta(days=1, hours=2)
    third = s.sla_sweep()
    # then it books that day's fine only
    assert third["fines"] == 1 and third["escalated"] == 0
    assert sorted(Fine.objects.filter(case=case).values_list("day", flat=True)) == [1, 2]
    assert fines_ledger(person=team["vp"]).count() == 2

    # when the VP finally reviews the report, the clock (shared with the judgment) runs on
    # overdue; once quality approves, the breach leaves the supervisor's list
    case = _review(case, team)
    assert list(supervisor_breaches(team["vp"])) == [esc]
    case = _judge_factory(case, team)
    assert case.state == "approved"
    assert list(supervisor_breaches(team["vp"])) == []
    assert s.sla_sweep()["fines"] == 0


def test_fine_waiver_needs_the_policy_waiver_role_and_a_reason(policies, clock, team):
    case = _open_report(team)
    clock.at = case.due_at + timedelta(minutes=5)
    s.sla_sweep()
    fine = Fine.objects.get(case=case)
    with pytest.raises(PermissionDenied):
        s.fine_waive(fine=fine, actor=team["quality"], reason="客户原因")
    with pytest.raises(ValidationError):
        s.fine_waive(fine=fine, actor=team["vp"], reason=" ")
    fine = s.fine_waive(fine=fine, actor=team["vp"], reason="客户周末无法接收")
    assert fine.status == FineStatus.WAIVED and fine.waived_by == team["vp"]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.FINE_WAIVED).count() == 1


def test_a_violation_fine_is_doubled_when_serious(policies, clock, team):
    case = _open_report(team)
    light = s.fine_book_violation(case=case, actor=team["vp"], person=team["specialist"])
    heavy = s.fine_book_violation(case=case, actor=team["vp"], person=team["specialist"],
                                  serious=True, note="未开单先收货")
    assert (light.amount, heavy.amount) == (Decimal("50.00"), Decimal("100.00"))
