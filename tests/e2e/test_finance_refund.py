"""Browser journey of the finance app (issue 11 item 11; S7.2): finance sees the refund to
approve with its amount and method on the home page, approves it — someone else submitted it —
records the bank transfer made with its reference, and prints the refund slip. Screenshots go
to /tmp/aftersales-e2e."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory

SHOTS = "/tmp/aftersales-e2e"  # made by conftest.reference (test artifacts)


@pytest.mark.e2e
def test_finance_approves_and_records_a_refund(reference, live_server, page, staff_login):
    from aftersales.finance.models import Refund, RefundStatus
    from aftersales.finance.services import refund_create
    from aftersales.finance.tests.helpers import inspected_case, mixed_order

    agent = UserFactory(username="cs1", display_name="王芳", roles=[Role.CUSTOMER_SERVICE])
    warehouse = UserFactory(username="wh1", display_name="赵仓", roles=[Role.WAREHOUSE])
    finance = UserFactory(username="fin1", display_name="钱会计", roles=[Role.FINANCE])
    # given a consumer return paid 650.00 by bank transfer, received, inspected, and
    # submitted by customer service
    bought = timezone.now() - timedelta(days=2)
    order = mixed_order(methods=[("bank_transfer", "650.00", {})], placed_at=bought,
                        signed_at=bought)
    case = inspected_case(order, agent, warehouse)
    refund = refund_create(case=case, actor=agent)

    # when finance opens the home page, the refund waits there with its amount and method
    staff_login(page, live_server, finance)
    panel = page.locator("#finance-home")
    expect(panel).to_contain_text(refund.number)
    expect(panel).to_contain_text("650.00")
    expect(panel).to_contain_text("对公转账")
    page.screenshot(path=f"{SHOTS}/finance-home.png", full_page=True)

    # and approves it on the refund page
    panel.get_by_role("link", name=refund.number).first.click()
    expect(page.locator("#refund-title")).to_have_text(refund.number)
    page.locator('[data-action="approve"]').click()
    expect(page.locator("#refund-status")).to_contain_text("待支付")

    # and records the transfer made, with its reference
    row = page.locator('tr[data-line="bank_transfer"]')
    row.locator("input[name=reference]").fill("ICBC-20261204-0001")
    page.screenshot(path=f"{SHOTS}/finance-pay.png", full_page=True)
    row.locator('[data-action="pay-bank_transfer"]').click()

    # then the refund is paid once, with the reference, and the slip prints
    expect(page.locator("#refund-status")).to_contain_text("已退款")
    expect(page.locator("body")).to_contain_text("ICBC-20261204-0001")
    refund = Refund.objects.get(pk=refund.pk)
    assert refund.status == RefundStatus.PAID and refund.approved_by == finance
    assert refund.payments.count() == 1
    response = page.request.get(f"{live_server.url}/finance/{refund.number}/slip.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    page.screenshot(path=f"{SHOTS}/finance-paid.png", full_page=True)
