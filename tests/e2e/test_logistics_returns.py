"""Browser journeys of the logistics app (issue 11 items 1, 2, 11; S2.7, S3.3, S5.3): a
warehouse clerk receives a return with a quantity mismatch by scanning the tracking number and
the sales specialist settles it with the customer; the customer sees the return address and
downloads the label on the portal. Screenshots go to /tmp/aftersales-e2e."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory

SHOTS = "/tmp/aftersales-e2e"  # made by conftest.reference (test artifacts)


def _agreed_return(agent):
    from aftersales.logistics.tests.conftest import agreed_return

    bought = timezone.now() - timedelta(days=2)
    return agreed_return(agent, placed_at=bought, signed_at=bought)


@pytest.mark.e2e
def test_the_clerk_receives_short_and_the_specialist_settles(reference, live_server, page,
                                                             staff_login):
    from aftersales.logistics.models import Discrepancy, RmaStatus
    from aftersales.logistics.services import rma_issue, rma_ship

    agent = UserFactory(username="cs1", display_name="王芳", roles=[Role.CUSTOMER_SERVICE])
    clerk = UserFactory(username="wh1", display_name="赵仓", roles=[Role.WAREHOUSE])
    specialist = UserFactory(username="sp1", display_name="李专员",
                             roles=[Role.SALES_SPECIALIST])
    # given a return of 2 items authorized and shipped back by the customer
    case = _agreed_return(agent)
    rma = rma_issue(case=case, actor=agent)
    rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF20261204")

    # when the clerk opens the home page, the parcel is on its way
    staff_login(page, live_server, clerk)
    expect(page.locator("#count-to-receive")).to_have_text("1")
    page.locator('#returns-home [data-action="receive"]').click()
    # and scans the tracking number into the one field
    page.locator("#scan").fill("SF20261204")
    page.locator("#scan-form button[type=submit]").click()
    expect(page.locator("#receipt-form")).to_contain_text(case.lines.get().order_line.name)
    # and only 1 of the 2 items is in the parcel
    page.locator("#qty-1").fill("1")
    page.screenshot(path=f"{SHOTS}/warehouse-receive.png", full_page=True)
    page.locator('[data-action="record-receipt"]').click()
    # then the receipt is recorded and the difference goes to the sales specialist
    expect(page.locator(".messages")).to_contain_text("RCV-")
    d = Discrepancy.objects.get(case=case)
    assert d.kind == "quantity" and d.is_open
    rma.refresh_from_db()
    assert rma.status == RmaStatus.PARTLY_RECEIVED

    # when the specialist opens the home page, the discrepancy waits for them
    page.context.clear_cookies()
    staff_login(page, live_server, specialist)
    panel = page.locator("#discrepancies-home")
    expect(panel).to_contain_text(case.number)
    page.screenshot(path=f"{SHOTS}/specialist-home.png", full_page=True)
    panel.get_by_role("link", name=case.number).click()
    # and writes down what the customer agreed: keep the other one, accept as received
    box = page.locator(f"#discrepancy-{d.pk}")
    box.locator("select[name=outcome]").select_option("accept")
    box.locator("textarea[name=note]").fill("客户确认另一件自留，按实收1件处理")
    box.locator('[data-action="settle"]').click()
    # then it is settled, the return counts as received and the receipt matches
    expect(page.locator(f"#discrepancy-{d.pk}")).to_contain_text("按实收接受")
    page.screenshot(path=f"{SHOTS}/specialist-settled.png", full_page=True)
    d.refresh_from_db()
    rma.refresh_from_db()
    case.refresh_from_db()
    assert d.settled_by == specialist and rma.status == RmaStatus.RECEIVED
    assert "receipt_matches" in case.facts


@pytest.mark.e2e
def test_the_customer_sees_the_return_address_and_the_label(reference, live_server, page):
    from aftersales.cases.access import portal_token
    from aftersales.logistics.services import rma_issue

    agent = UserFactory(username="cs2", display_name="王芳", roles=[Role.CUSTOMER_SERVICE])
    case = _agreed_return(agent)
    rma = rma_issue(case=case, actor=agent)
    # when the customer opens the link of their case
    page.goto(f"{live_server.url}/portal/cases/{case.number}/?t={portal_token(case)}")
    # then the return number, the address and the label are there
    expect(page.locator("#rma-number")).to_have_text(rma.number)
    expect(page.locator("#return-address")).to_contain_text("优品网店退货仓")
    expect(page.locator("#return-address")).to_contain_text(rma.address)
    page.screenshot(path=f"{SHOTS}/portal-return.png", full_page=True)
    href = page.locator("#label-link").get_attribute("href")
    label = page.request.get(f"{live_server.url}{href}")
    assert label.status == 200 and label.headers["content-type"] == "application/pdf"
    assert label.body()[:4] == b"%PDF"
    # and they enter the courier and the tracking number of their parcel
    page.locator("#p-courier").fill("中通快递")
    page.locator("#p-tracking").fill("ZT7788")
    page.locator("#return-panel button[type=submit]").click()
    expect(page.locator("#return-panel")).to_contain_text("ZT7788")
    rma.refresh_from_db()
    case.refresh_from_db()
    assert rma.tracking_number == "ZT7788" and case.state == "returning"
