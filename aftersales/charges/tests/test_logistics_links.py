"""What the charges app reads from logistics: freight both ways on the case's cost (the RMA's
and the replacement shipments' freight, single and bulk alike), and the S8.1 advance
replacement whose defective unit is overdue, charged to the customer once by the worker."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales.cases import services as cs
from aftersales.cases.tests import factories as f
from aftersales.charges import selectors as sel
from aftersales.charges import services as s
from aftersales.charges.models import Charge
from aftersales.logistics.models import ReturnAuthorization, Shipment
from aftersales.notify.models import Message


def electronics_case(user):
    order = f.order(business_line="electronics", lines=[(f.product(), 3, "420.00")])
    return cs.case_open(kind="repair", channel="phone", actor=user, order=order,
                        verify_phone=order.customer.phone, reason="quality",
                        lines=[{"line_no": 1, "quantity": 2}])


def rma(case, number: str, **kw):
    return ReturnAuthorization.objects.create(
        number=number, case=case, destination="plant", address_name="本厂",
        address="惠州市", created_at=timezone.now(), **kw)


def test_freight_both_ways_on_the_cost_single_and_bulk(policies, clock, make_user):
    user = make_user("sales_assistant")
    case, other = electronics_case(user), electronics_case(user)
    rma(case, "RMA-T-1", freight_cost=Decimal("18.00"))
    Shipment.objects.create(number="SHP-T-1", case=case, courier="SF", tracking_number="SF1",
                            freight_cost=Decimal("22.50"), shipped_at=timezone.now())
    Shipment.objects.create(number="SHP-T-2", case=case, courier="SF", tracking_number="SF2",
                            freight_cost=Decimal("10.00"), shipped_at=timezone.now())
    cost = sel.case_cost(case)
    assert cost.freight_back == Decimal("18.00") and cost.freight_out == Decimal("32.50")
    assert cost.total == Decimal("50.50")
    bulk = sel.case_costs([case.pk, other.pk])
    assert bulk[case.pk] == cost and bulk[other.pk].total == Decimal("0.00")


def test_an_overdue_advance_replacement_is_charged_once_and_the_customer_told(
        policies, clock, make_user):
    user = make_user("sales_assistant")
    case = electronics_case(user)
    rma(case, "RMA-T-9", advance_replacement=True,
        defective_due_by=timezone.now() + timedelta(days=30))
    assert s.advance_replacement_charges_raise() == 0  # not due yet
    clock.at = clock.at + timedelta(days=31)
    assert s.advance_replacement_charges_raise() == 1
    assert s.advance_replacement_charges_raise() == 0  # once
    charge = Charge.objects.get(case=case)
    # the replaced goods: 2 × 420.00
    assert charge.party == "customer" and charge.amount == Decimal("840.00")
    assert charge.reason == "advance_not_returned" and charge.source == "RMA-T-9"
    assert Message.objects.filter(case=case, topic="advance_replacement_charge").exists()
