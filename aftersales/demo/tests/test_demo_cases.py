"""Demo after-sales cases (issue 4): played through the case services, spread over the five
business lines and all case kinds, in the queues of the right roles, some overdue and swept
(X2 breaches and escalations, S3.4 fines), some closed and rated (S1.7), one rejected and
appealed (S9.3); loading twice creates nothing new."""

from datetime import datetime, time, timedelta

import pytest
from django.db.models import Min

from aftersales.accounts.models import User
from aftersales.cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Escalation,
    EventKind,
    Fine,
    StateCategory,
)
from aftersales.cases.selectors import queue_for_user, supervisor_breaches
from aftersales.charges.models import CashierReceipt, Charge, Compensation, Quote
from aftersales.core.choices import BusinessLine
from aftersales.demo.cases import STORIES
from aftersales.demo.company import TZ
from aftersales.demo.services import demo_load
from aftersales.demo.tests.fixtures import TODAY
from aftersales.finance.models import PointsEntry, Refund, RefundPayment
from aftersales.logistics.models import Receipt, ReturnAuthorization, ReturnForm, Shipment
from aftersales.notify.models import Message
from aftersales.quality.models import Inspection, QualityReport, SupplierClaim

pytestmark = pytest.mark.django_db

ANCHOR = datetime.combine(TODAY, time(18, 0), tzinfo=TZ)


def test_every_story_becomes_a_case_through_the_services(demo_company):
    cases = Case.objects.all()
    assert demo_company["cases"]["created"] == len(STORIES) == cases.count()
    assert 40 <= cases.count() <= 90
    # Each case was opened by case_open (one OPENED event, a real policy version and due
    # times on the calendar), and its timeline lies between its opening and the load moment.
    assert CaseEvent.objects.filter(kind=EventKind.OPENED).count() == cases.count()
    assert not cases.filter(policy_version__isnull=True).exists()
    first = dict(CaseEvent.objects.values("case").annotate(at=Min("at"))
                 .values_list("case", "at"))
    for case in cases:
        assert case.idempotency_key.startswith("demo-")
        assert first[case.pk] == case.created_at, case.number
    assert not CaseEvent.objects.filter(at__gt=ANCHOR).exists()
    assert CaseEvent.objects.filter(at__lt=ANCHOR - timedelta(days=14)).exists()


def test_cases_cover_each_business_line_every_kind_and_many_states(demo_company):
    cases = Case.objects.all()
    assert set(cases.values_list("business_line", flat=True)) == set(BusinessLine.values)
    assert set(cases.values_list("kind", flat=True)) == set(CaseKind.values)
    for line in BusinessLine.values:
        assert cases.filter(business_line=line).count() >= 7, line
        assert cases.filter(business_line=line, state_category=StateCategory.CLOSED).exists()
    assert cases.values("state").distinct().count() >= 30
    # S2.5 / S3.4: quality judgments pending on the report's 24-hour clock
    judging = cases.filter(state="quality_judgment")
    assert judging.count() == 2
    assert all(c.due_at for c in judging)
    assert cases.filter(state__in=["refund_approval"]).count() >= 3  # S7.2 at finance
    assert cases.filter(workflow_key="rework").count() >= 6  # S11 electronics rework
    assert cases.filter(state="dealer_repair", assignee__dealer__isnull=False).exists()  # S10


def test_queues_are_filled_for_the_roles_that_act(demo_company):
    kefu = User.objects.get(username="kefu")
    page = queue_for_user(user=kefu)
    assert page.paginator.count >= 10
    # fresh intakes waiting for verification, not yet picked up
    assert any(c.state == "intake" and c.verified_at is None and c.assignee_id is None
               for c in page.paginator.object_list)
    for username in ("yewu_shouhou", "yewu_fuzong", "zhijian", "caiwu", "cangku", "sanbao",
                     "jishu", "weixiu", "chuna"):
        user = User.objects.get(username=username)
        assert queue_for_user(user=user).paginator.count >= 1, username
    # open cases are assigned to people whose roles work on their state
    for case in Case.objects.filter(assignee__isnull=False).exclude(
            state_category__in=[StateCategory.CLOSED, StateCategory.RESOLVED]):
        assert case.assignee.is_active


def test_overdue_cases_are_swept_breaches_escalations_and_s3_4_fines(demo_company):
    sweep = demo_company["cases"]["sweep"]
    assert sweep["breached"] >= 5 and sweep["escalated"] == sweep["breached"]
    breached = Case.objects.filter(breached_at__isnull=False)
    assert breached.count() == sweep["breached"]
    assert all(c.due_at < ANCHOR for c in breached)
    # the sales supervisor sees the late quality exception report on the home page (X2)
    boss = User.objects.get(username="yewu_zhuguan")
    assert any(e.case.state == "report_review" for e in supervisor_breaches(boss))
    assert supervisor_breaches(User.objects.get(username="kefu_zhuguan")).exists()
    # S3.4: 50 yuan per started day late, booked on the person holding the report
    fines = Fine.objects.filter(rule="S3.4-late")
    assert fines.count() == sweep["fines"] >= 2
    assert {f.person.username for f in fines} <= {"yewu_fuzong", "zhijian"}
    assert all(str(f.amount) == "50.00" for f in fines)
    assert CaseEvent.objects.filter(kind=EventKind.SLA_BREACHED).count() == sweep["breached"]


def test_closed_cases_are_rated_and_a_rejection_is_appealed(demo_company):
    rated = Case.objects.filter(csat_score__isnull=False)
    assert rated.count() >= 5
    assert {c.csat_score for c in rated} >= {2, 5}
    assert all(c.csat_comment and c.state_category == StateCategory.CLOSED for c in rated)
    appealed = Case.objects.filter(appeal_count=1, state="appeal_review")
    assert appealed.count() >= 2
    for case in appealed:
        assert case.rejection_reason
        assert case.events.filter(kind=EventKind.REJECTED).exists()
        assert case.events.filter(kind=EventKind.APPEALED).exists()


RECORDS = (ReturnAuthorization, Receipt, ReturnForm, Shipment, Inspection, QualityReport,
           SupplierClaim, Refund, RefundPayment, PointsEntry, Quote, CashierReceipt, Charge,
           Compensation)


def test_loading_again_creates_no_case_event_fine_record_or_message(demo_company):
    def counts():
        return (Case.objects.count(), CaseEvent.objects.count(), Fine.objects.count(),
                Escalation.objects.count(), Message.objects.count(),
                *(m.objects.count() for m in RECORDS))

    before = counts()
    again = demo_load(today=TODAY)
    assert again["cases"]["created"] == 0
    assert again["cases"]["sweep"]["fines"] == 0
    assert counts() == before
