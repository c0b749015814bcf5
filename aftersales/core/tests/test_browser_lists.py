"""The staff lists built on core.listing at 390×844: with their filters (date range, page size)
and a row each, no list page gets wider than the phone; wide tables scroll in their own box."""

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.tests.factories import UserFactory

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/aftersales-e2e"
LISTS = ("/returns/", "/returns/receipts/", "/quality/inspections/", "/quality/reports/",
         "/quality/claims/", "/quality/actions/", "/finance/", "/charges/")


@pytest.fixture
def one_of_each(transactional_db):
    """A case and one record on every list, with long texts (ORM only: the pages are what is
    measured, not the services)."""
    from aftersales.calendars.services import calendar_seed
    from aftersales.cases import services as s
    from aftersales.cases.tests import factories as f
    from aftersales.charges.models import Charge
    from aftersales.finance.models import Refund
    from aftersales.logistics.models import Receipt, ReturnAuthorization
    from aftersales.parties.models import Supplier
    from aftersales.policy.models import Policy
    from aftersales.policy.services.versions import policies_load_directory
    from aftersales.quality.models import (
        CorrectiveAction,
        Inspection,
        QualityReport,
        SupplierClaim,
    )

    if not Policy.objects.exists():
        policies_load_directory()
    calendar_seed()
    os.makedirs(SHOTS, exist_ok=True)
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    agent = UserFactory(roles=["customer_service"])
    now = timezone.now()
    order = f.order(lines=[(f.product(name="加厚纯棉长袖衬衫（藏青色，XL）"), 2, "300.00")],
                    placed_at=now - dt.timedelta(days=3), signed_at=now - dt.timedelta(days=2))
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       description="袖口开线", lines=[{"line_no": 1, "quantity": 1}])
    rma = ReturnAuthorization.objects.create(
        number="RMA-2026-000001", case=case, destination="returns_warehouse",
        address_name="广东华禾实业集团售后仓库（东莞）", address="广东省东莞市松山湖工业园",
        courier="顺丰速运", tracking_number="SF1234567890123", created_at=now,
        ship_back_by=now + dt.timedelta(days=7))
    Receipt.objects.create(number="RC-2026-000001", rma=rma, case=case,
                           location="returns_warehouse", received_at=now,
                           received_by_label="仓管王")
    Inspection.objects.create(number="QI-2026-000001", case=case, result="fail",
                              defect_code="seam-open", inspected_by=boss, inspected_at=now)
    report = QualityReport.objects.create(number="QE-2026-000001", case=case,
                                          problem="袖口开线，批次性缝纫质量问题" * 3,
                                          opened_by=boss, opened_at=now)
    supplier = Supplier.objects.create(code="S01", name="东莞市某某纺织辅料有限公司")
    SupplierClaim.objects.create(number="MX-2026-000001", supplier=supplier, case=case,
                                 material="缝纫线", defect="强度不足", quantity=100,
                                 loss_amount=Decimal("12345.67"),
                                 deduction_amount=Decimal("9876.54"), created_by=boss,
                                 created_at=now, updated_at=now)
    CorrectiveAction.objects.create(description="缝纫工序增加拉力抽检" * 4, owner=boss,
                                    due_on=dt.date.today(), created_by=boss, created_at=now,
                                    report=report, case=case)
    Refund.objects.create(number="RF-2026-000001", case=case, order=order,
                          customer=order.customer, amount=Decimal("600.00"),
                          decision_amount=Decimal("600.00"), requested_at=now,
                          due_at=now + dt.timedelta(days=5))
    Charge.objects.create(number="FY-2026-000001", case=case, party="customer",
                          reason="other", amount=Decimal("88.00"), created_at=now)
    return boss


@pytest.mark.e2e
def test_every_list_fits_a_phone(one_of_each, live_server, browser, browser_context_args,
                                 staff_login):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE,
                                     "is_mobile": True, "has_touch": True})
    page = context.new_page()
    try:
        staff_login(page, live_server, one_of_each)
        for path in LISTS:
            page.goto(f"{live_server.url}{path}?date_from=2000-01-01&per_page=50")
            expect(page.locator("table.data")).to_be_visible()
            expect(page.locator("#lf-per-page")).to_have_value("50")
            width = page.evaluate("document.scrollingElement.scrollWidth")
            page.screenshot(path=f"{SHOTS}/phone-list{path.replace('/', '-')}.png",
                            full_page=True)
            assert width <= PHONE["width"], (path, width)
    finally:
        context.close()
