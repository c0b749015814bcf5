"""The demo company holds the back half of a return as records (issue 11 "Goods and money"):
a consumer return, a member-store exchange with a difference and a B2B outsourced return in
every stage, each stage made by its real record (RMA, receipt, 退货处理单, inspection,
品质异常处理报告, refund and its payments, cashier's receipt, quote, charge, compensation),
never by a tick."""

from datetime import datetime, time, timedelta

import pytest

from aftersales.cases.models import Case
from aftersales.charges.models import (
    CashierReceipt,
    Charge,
    ChargeStatus,
    Compensation,
    CompensationStatus,
    PayMethod,
    Quote,
    QuoteStatus,
)
from aftersales.charges.selectors import case_costs
from aftersales.core.choices import PaymentMethod
from aftersales.demo.company import TZ
from aftersales.demo.tests.fixtures import TODAY
from aftersales.finance.models import PointsEntry, PointsKind, Refund, RefundStatus, RestoredCoupon
from aftersales.logistics.models import (
    Destination,
    Discrepancy,
    DiscrepancyOutcome,
    Receipt,
    ReturnAuthorization,
    ReturnForm,
    RmaStatus,
    Shipment,
)
from aftersales.quality.models import (
    ClaimStatus,
    CorrectiveAction,
    Inspection,
    QualityReport,
    ReportStatus,
    SupplierClaim,
)
from aftersales.workflow.vocabulary import RECORD_FACTS

pytestmark = pytest.mark.django_db

ANCHOR = datetime.combine(TODAY, time(18, 0), tzinfo=TZ)
MANUAL = {PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH}


def states(**filters) -> set[str]:
    return set(Case.objects.filter(**filters).values_list("state", flat=True))


def test_every_record_fact_names_its_record(demo_company):
    # No story ticks a record-backed fact: each names the record's number.
    for case in Case.objects.all():
        for fact, value in (case.facts or {}).items():
            if fact in RECORD_FACTS and isinstance(value, dict) and value.get("value", True):
                assert value.get("record"), (case.number, fact)


def test_consumer_returns_in_every_stage_with_their_records(demo_company):
    returns = dict(business_line="online_shop", kind="return")
    assert {"awaiting_return", "returning", "received", "inspected", "refund_approval",
            "refund_payment", "completed", "rated"} <= states(**returns)
    waiting = Case.objects.filter(state="awaiting_return", **returns)
    assert ReturnAuthorization.objects.filter(case__in=waiting, status=RmaStatus.ISSUED).exists()
    shipped = ReturnAuthorization.objects.get(case__state="returning", case__kind="return",
                                              case__business_line="online_shop")
    assert shipped.status == RmaStatus.SHIPPED and shipped.tracking_number
    for state in ("received", "inspected", "refund_approval", "refund_payment", "completed"):
        for case in Case.objects.filter(state=state, **returns):
            assert Receipt.objects.filter(case=case, received_by__username="cangku").exists()
    for case in Case.objects.filter(state__in=["inspected", "refund_approval"], **returns):
        assert Inspection.objects.filter(case=case, result="pass").exists(), case.number
    # refunds: submitted by customer service, approved by finance (maker-checker)
    for refund in Refund.objects.exclude(status=RefundStatus.PENDING):
        assert refund.requested_by.username == "kefu"
        assert refund.approved_by.username == "caiwu"
    # a refund over money + coupon + points, paid (manual gateway, in kind) and confirmed
    mixed = [r for r in Refund.objects.filter(status=RefundStatus.PAID,
                                              confirmed_at__isnull=False)
             if {ln.method for ln in r.lines.all()} >= {"coupon", "points"}]
    assert mixed
    refund = mixed[0]
    assert {ln.method for ln in refund.lines.all()} - {"coupon", "points"} <= MANUAL
    assert all(ln.paid_at for ln in refund.lines.all())
    assert PointsEntry.objects.filter(refund=refund, kind=PointsKind.RESTORE,
                                      delta=refund.points).exists()
    assert RestoredCoupon.objects.filter(refund=refund).exists()
    assert refund.case.state == "completed"
    # every refund can be paid back without WeChat Pay / Alipay credentials
    for refund in Refund.objects.all():
        assert {ln.method for ln in refund.lines.all()} <= MANUAL | {"coupon", "points"}
    # a refund breach: received more than 15 days before the load, still unpaid
    assert Refund.objects.filter(status__in=[RefundStatus.PENDING, RefundStatus.APPROVED],
                                 received_at__lt=ANCHOR - timedelta(days=15),
                                 breach_at__lt=ANCHOR).exists()
    # late compensation (S9.6): approved by the supervisor, paid by finance
    comp = Compensation.objects.get(status=CompensationStatus.PAID)
    assert comp.decided_by.username == "kefu_zhuguan" and comp.paid_by.username == "caiwu"
    assert Case.objects.filter(state="rated", refunds__status=RefundStatus.PAID,
                               **returns).count() >= 2


def test_member_store_exchanges_with_a_difference_in_every_stage(demo_company):
    exchanges = dict(business_line="member_store", kind="exchange")
    assert {"collecting", "shipping", "completed", "rated"} <= states(**exchanges)
    # difference due at the cashier: goods back, no receipt yet
    due = [c for c in Case.objects.filter(state="collecting", **exchanges) if c.exchange_for]
    assert any(not CashierReceipt.objects.filter(case=c).exists() for c in due)
    # collected with the cashier's receipt: money and points (多不退少补, S4.3)
    paid = CashierReceipt.objects.filter(case__business_line="member_store", amount__gt=0,
                                         points__gt=0)
    assert paid.exists()
    assert all(r.cashier.username == "chuna" for r in CashierReceipt.objects.all())
    assert PointsEntry.objects.filter(kind=PointsKind.SPEND,
                                      case__in=[r.case for r in paid]).exists()
    # replacement shipped with its tracking number, by the warehouse
    shipped = Shipment.objects.filter(case__business_line="member_store",
                                      case__state__in=["completed", "closed", "rated"])
    assert shipped.exists() and all(s.tracking_number for s in shipped)
    assert all(s.shipped_by.username == "cangku" for s in shipped)
    # cheaper goods: a zero receipt, nothing refunded (多不退)
    zero = CashierReceipt.objects.filter(case__business_line="member_store", amount=0,
                                         method=PayMethod.NONE)
    assert any(r.details.get("amount_kept") not in ("0.00", None) for r in zero)
    assert not Refund.objects.filter(case__in=[r.case for r in zero]).exists()


def test_outsourced_returns_from_the_form_to_the_goods_and_money(demo_company):
    b2b = dict(business_line="outsourced")
    assert {"report_review", "quality_judgment", "chargeable_quote", "awaiting_goods",
            "mismatch", "analysis", "rework", "closed"} <= states(**b2b)
    # the 退货处理单, signed by the quality follower and the factory's responsible person
    signed = [f for f in ReturnForm.objects.all() if f.signatures.count() == 2]
    assert signed and all(f.archived_id for f in signed)
    for form in signed:
        by = {s.role: s.user for s in form.signatures.all()}
        assert by["quality_follower"].username == "pinzhi_gendan"
        assert by["factory"].factory_id == form.factory_id
    # the 品质异常处理报告, opened by the specialist and reviewed by the sales VP
    reviewed = QualityReport.objects.filter(status=ReportStatus.APPROVED)
    assert reviewed.exists()
    assert {r.opened_by.username for r in reviewed} == {"yewu_shouhou"}
    assert {r.reviewed_by.username for r in reviewed} == {"yewu_fuzong"}
    assert QualityReport.objects.filter(status=ReportStatus.OPEN).exists()
    # quality judges: factory responsible, and customer-caused with a repair quote accepted
    assert Inspection.objects.filter(responsibility="factory", case__business_line="outsourced",
                                     inspected_by__username="zhijian").exists()
    accepted = Quote.objects.get(status=QuoteStatus.ACCEPTED, case__business_line="outsourced")
    assert accepted.parts_total > 0 and accepted.labour_total > 0
    assert Charge.objects.filter(case=accepted.case, party="customer").exists()
    assert Quote.objects.filter(status=QuoteStatus.ISSUED, case__state="chargeable_quote").exists()
    # a whole batch to its factory (received by the factory's user) vs sporadic items to the
    # own plant (received by the quality follower)
    factory = ReturnAuthorization.objects.filter(destination=Destination.FACTORY,
                                                 receipts__isnull=False).distinct()
    assert factory.exists()
    for rma in factory:
        assert rma.case.facts["whole_batch"]["record"] == rma.number
        assert rma.receipts.first().received_by.factory_id == rma.factory_id
    plant = Receipt.objects.filter(rma__destination=Destination.PLANT)
    assert plant.exists() and {r.received_by.username for r in plant} == {"pinzhi_gendan"}
    # a quantity mismatch settled by the specialist, and one still open
    assert Discrepancy.objects.filter(outcome=DiscrepancyOutcome.ACCEPT,
                                      settled_by__username="yewu_shouhou").exists()
    assert Discrepancy.objects.filter(settled_at__isnull=True, case__state="mismatch").exists()
    # a supplier claim passed to finance, a corrective action, the factory charged and deducted
    assert SupplierClaim.objects.filter(status=ClaimStatus.TO_FINANCE,
                                        created_by__username="caigou").exists()
    assert CorrectiveAction.objects.filter(report__isnull=False).exists()
    assert Charge.objects.filter(party="factory", status=ChargeStatus.COLLECTED,
                                 receipt__method=PayMethod.DEDUCTION).exists()


def test_the_cases_cost_shows_every_kind_of_cost(demo_company):
    costs = case_costs(Case.objects.values_list("pk", flat=True)).values()
    for kind in ("parts", "labour", "freight_out", "freight_back", "compensation", "fines"):
        assert any(getattr(c, kind) > 0 for c in costs), kind
    assert any(c.charged > 0 for c in costs)


def test_the_case_pages_show_the_cost_and_the_forms_print(demo_company, client):
    # The three journeys in the browser: the case page's money panel with the case's cost, and
    # the numbered forms printed as PDFs.
    from aftersales.accounts.models import User
    from aftersales.core.templatetags.ux import money

    client.force_login(User.objects.get(username="guanli"))
    # the late consumer return, a member-store exchange, the accepted quote, the whole batch
    journeys = Case.objects.filter(idempotency_key__in=["demo-66", "demo-69", "demo-71",
                                                         "demo-75"])
    costs = case_costs(journeys.values_list("pk", flat=True))
    assert len(costs) == 4
    for case in journeys:
        page = client.get(f"/cases/{case.number}/")
        assert page.status_code == 200, case.number
        assert costs[case.pk].total > 0, case.number
        assert f'id="cost-total">{money(costs[case.pk].total)}<' in page.content.decode()
    form = next(f for f in ReturnForm.objects.all() if f.signatures.count() == 2)
    paid = Refund.objects.filter(status=RefundStatus.PAID).first()
    for url in (f"/returns/forms/{form.number}/pdf/",
                f"/quality/reports/{QualityReport.objects.first().number}/pdf/",
                f"/finance/{paid.number}/slip.pdf",
                f"/charges/receipts/{CashierReceipt.objects.first().number}/pdf/",
                f"/charges/quotes/{Quote.objects.first().number}/pdf/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf", url


def test_an_advance_replacement_ships_before_the_defective_units_come_back(demo_company):
    # S8.1 (electronics): the replacement shipped first, the defective units due back later
    rma = ReturnAuthorization.objects.get(advance_replacement=True)
    assert rma.status == RmaStatus.ISSUED and rma.defective_due_by > ANCHOR
    assert Shipment.objects.filter(case=rma.case, rma=rma, tracking_number__gt="").exists()
    assert rma.case.state == "replacement_shipped"
