"""Browser journey of the charges app (issue 11 item 6; S4.3): the cashier finds a member's
exchange difference on the home page, collects it on the case page with a receipt, and the
warehouse can then ship the replacement. Screenshots go to /tmp/aftersales-e2e."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory

SHOTS = "/tmp/aftersales-e2e"  # made by conftest.reference (test artifacts)


@pytest.mark.e2e
def test_the_cashier_collects_the_difference_and_the_replacement_ships(
        reference, live_server, page, staff_login):
    from aftersales.cases.models import Case
    from aftersales.charges.models import CashierReceipt
    from aftersales.charges.tests.helpers import member_exchange

    agent = UserFactory(username="cs1", display_name="王芳", roles=[Role.CUSTOMER_SERVICE])
    warehouse = UserFactory(username="wh1", display_name="赵仓", roles=[Role.WAREHOUSE])
    cashier = UserFactory(username="cash1", display_name="孙出纳", roles=[Role.CASHIER])
    # given a member's exchange of 128.00 goods for 158.00 goods, the old goods back
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="128.00",
                           old_points=128, new_price="158.00", new_points=158)
    assert case.state == "collecting"

    # when the cashier opens the home page, the difference is there with its amount
    staff_login(page, live_server, cashier)
    panel = page.locator("#home-charges")
    expect(panel).to_contain_text(case.number)
    expect(panel).to_contain_text("30.00")
    page.screenshot(path=f"{SHOTS}/cashier-home.png", full_page=True)
    # and on the case page the warehouse can't ship yet: the difference is not collected
    panel.get_by_role("link", name=case.number).click()
    expect(page.locator("#case-title")).to_have_text(case.number)
    expect(page.locator("#difference-due")).to_contain_text("30.00")
    # when the cashier records the WeChat payment of 30.00 and 30 points
    form = page.locator('[data-action="collect"]')
    form.locator("#c-method").select_option("wechat_pay")
    form.locator("#c-ref").fill("WX4200000001")
    page.screenshot(path=f"{SHOTS}/cashier-collect.png", full_page=True)
    form.locator("button[type=submit]").click()
    # then the receipt is numbered and printable, and the case waits for the warehouse
    expect(page.locator("#difference")).to_contain_text("SK-")
    receipt = CashierReceipt.objects.get(case=case)
    assert receipt.amount == Decimal("30.00") and receipt.points == 30
    expect(page.get_by_role("link", name="打印换货单/收款收据")).to_be_visible()
    assert Case.objects.get(pk=case.pk).state == "shipping"

    # when the warehouse opens the case, the ship step is there and ships
    page.context.clear_cookies()
    staff_login(page, live_server, warehouse)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    box = page.locator('[data-action="ship"]')
    box.locator("summary").click()
    box.locator("button[type=submit]").first.click()
    expect(page.locator("#case-state")).to_contain_text("已发货")
    page.screenshot(path=f"{SHOTS}/warehouse-shipped.png", full_page=True)
    assert Case.objects.get(pk=case.pk).state == "completed"
