"""A returning customer on a phone (issue 10 item 12), in Debian's Chromium at 390×844: they
open a return on the portal and leave; they come back later with the order number and phone
and find their case (not a new request); they ship the goods back with the return address
and RMA number shown on the page; after staff processed it they confirm the refund and, once
the case is closed, rate it.
The staff page (1366×768) shows the option the customer accepted on the portal. Screenshots go
to /tmp/aftersales-e2e (``back-*.png``)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services as s
from aftersales.cases.models import Case
from aftersales.cases.tests import factories as f
from aftersales.finance import services as fs
from aftersales.logistics.models import ReturnAuthorization
from aftersales.logistics.services import receipt_record, rma_issue
from aftersales.quality.services import inspection_record

SHOTS = "/tmp/aftersales-e2e"  # made by conftest.reference (test artifacts)

PHONE = {"width": 390, "height": 844}


def _phone(browser, browser_context_args):
    return browser.new_context(**{**browser_context_args, "viewport": PHONE,
                                  "is_mobile": True, "has_touch": True})


def _order():

    now = timezone.now()
    order = f.order(lines=[(f.product(name="纯棉衬衫"), 2, "300.00")],
                    placed_at=now - timedelta(days=3), signed_at=now - timedelta(days=2))
    order.payments.update(method="bank_transfer")  # refunded by a transfer finance records
    return order


def _find_order(p, base: str, order) -> None:
    p.goto(f"{base}/portal/")
    p.locator("#order_number").fill(order.number)
    p.locator("#phone").fill(order.customer.phone)
    p.locator("#main button[type=submit]").click()
    p.wait_for_load_state()


def _width(p) -> int:
    return p.evaluate("document.scrollingElement.scrollWidth")


def _staff_processes_to_awaiting_return(case, agent):
    """Customer service's steps up to the return instructions (their page is checked below;
    the steps themselves are covered by test_cases_journeys)."""

    case = s.case_transition(case=case, actor=agent, transition="verify")
    # confirming the problem agrees the case: the customer chose on the portal
    case = s.case_act(case=case, actor=agent, action="confirm",
                      data=s.ActInput(symptom="尺码偏小"))
    assert case.state == "agreed"
    return rma_issue(case=case, actor=agent)


def _staff_receive_refund_and_pay(case, warehouse, agent, finance):

    rma = ReturnAuthorization.objects.get(case=case)
    receipt_record(rma=rma, actor=warehouse,
                   lines=[{"rma_line": ln.pk, "quantity": ln.quantity} for ln in rma.lines.all()])
    case.refresh_from_db()
    inspection_record(case=case, actor=warehouse, result="pass")
    case.refresh_from_db()
    refund = fs.refund_approve(refund=fs.refund_create(case=case, actor=agent), actor=finance)
    for line in refund.lines.all():
        fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key=f"e2e:{line.pk}",
                      reference="ICBC-0002")


@pytest.mark.e2e
def test_a_returning_customer_finds_their_case_ships_back_confirms_and_rates(
        reference, live_server, browser, browser_context_args, staff_login):

    order = _order()
    agent = UserFactory(username="agent2", display_name="王芳", roles=[Role.CUSTOMER_SERVICE])
    warehouse = UserFactory(username="wh2", display_name="赵仓", roles=[Role.WAREHOUSE])
    finance = UserFactory(username="fin2", display_name="钱财", roles=[Role.FINANCE])

    # given a customer who opened a return on their phone, accepted the option, and left
    first = _phone(browser, browser_context_args)
    p = first.new_page()
    _find_order(p, live_server.url, order)
    p.locator("#qty_1").fill("1")
    p.locator('input[name=kind][value="return"]').check()
    p.locator("#main button[type=submit]").click()
    p.locator("#reason").select_option("no_reason")
    p.locator("#description").fill("尺码偏小，吊牌还在")
    p.locator("#main button[type=submit]").click()
    expect(p.locator(".option").first).to_contain_text("¥")
    p.get_by_role("button", name="接受这个方案").first.click()
    expect(p.locator(".agreed")).to_be_visible()
    first.close()
    case = Case.objects.get()

    # when they come back another day with the order number and phone
    back = _phone(browser, browser_context_args)
    p = back.new_page()
    _find_order(p, live_server.url, order)
    # then they see their case with its state, and only the other shirt is left to claim
    mine = p.get_by_role("link", name=case.number)
    expect(mine).to_be_visible()
    expect(p.locator("#main")).to_contain_text("还可申请 1 件")
    assert _width(p) <= PHONE["width"]
    p.screenshot(path=f"{SHOTS}/back-found.png", full_page=True)
    mine.click()
    expect(p.locator("#main")).to_contain_text(case.number)
    assert Case.objects.count() == 1  # coming back opened nothing new

    # and the agent's page shows the option the customer accepted on the portal
    staff = browser.new_context(**browser_context_args)
    page = staff.new_page()
    staff_login(page, live_server, agent)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    expect(page.locator("#decision tr.chosen")).to_contain_text("已接受")
    page.screenshot(path=f"{SHOTS}/back-staff-agreed.png", full_page=True)

    # when staff issued the return authorization
    rma = _staff_processes_to_awaiting_return(case, agent)
    p.reload()
    # then the case page shows where to send it and the RMA number, and takes the parcel
    main = p.locator("#main")
    expect(main).to_contain_text(rma.number)
    expect(main).to_contain_text(rma.address)
    assert _width(p) <= PHONE["width"]
    p.screenshot(path=f"{SHOTS}/back-ship.png", full_page=True)
    p.locator("#customer-actions summary", has_text="运单号").first.click()
    p.locator("#c-ship_back").fill("顺丰速运")
    p.locator("#t-ship_back").fill("SF9876543210")
    p.locator("#customer-actions details", has=p.locator("#t-ship_back")).locator(
        "button[type=submit]").click()
    expect(p.locator("#case-error")).to_have_count(0)
    rma.refresh_from_db()
    assert rma.tracking_number == "SF9876543210"

    # when the warehouse received and inspected it and finance paid the refund
    _staff_receive_refund_and_pay(Case.objects.get(pk=case.pk), warehouse, agent, finance)
    p.reload()
    p.screenshot(path=f"{SHOTS}/back-refunded.png", full_page=True)
    # then the customer confirms the refund arrived
    p.get_by_role("button", name="我已收到退款").click()
    p.wait_for_load_state()
    p.screenshot(path=f"{SHOTS}/back-confirmed.png", full_page=True)
    expect(p.locator("#case-error")).to_have_count(0)
    expect(p.locator("#main")).to_contain_text("您已确认收款")
    # and their confirmation closed the case (S7.2), so they rate it
    assert Case.objects.get(pk=case.pk).state == "closed"
    p.locator("#comment").fill("退款到账了")
    p.locator('button.star[value="5"]').click()
    expect(p.locator(".stars-shown")).to_have_text("★★★★★")
    assert _width(p) <= PHONE["width"]
    p.screenshot(path=f"{SHOTS}/back-rated.png", full_page=True)
    case.refresh_from_db()
    assert (case.state, case.csat_score, case.csat_comment) == ("rated", 5, "退款到账了")
    back.close()
    staff.close()


@pytest.mark.e2e
def test_the_agent_walks_a_portal_return_one_action_per_step(
        reference, live_server, browser, browser_context_args, staff_login):
    """Issue 10: each stage is one primary button (no "record X" and then "X"), and the option
    the customer accepted on the portal is not offered or accepted again."""
    order = _order()
    agent = UserFactory(username="agent3", roles=[Role.CUSTOMER_SERVICE])
    case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=order.customer.phone, reason="no_reason",
                       description="尺码偏小", lines=[{"line_no": 1, "quantity": 1}])
    case = s.case_accept_option(case=s.case_evaluate(case=case, actor=None), actor=None,
                                option=0)
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    try:
        staff_login(page, live_server, agent)
        page.goto(f"{live_server.url}/cases/{case.number}/")
        walked = []
        # verify, confirm the problem (which agrees the case), issue the return authorization
        # (which sends the return instructions)
        for _stage in range(3):
            # each stage has one primary button, and the accepted option is not offered again
            primary = page.locator("[data-primary]")
            expect(primary).to_have_count(1)
            for code in ("offer_options", "accept_option", "confirm_problem"):
                expect(page.locator(f'[data-action="{code}"]')).to_have_count(0)
            expect(page.locator("#actions .action-waiting", has_text="核实订单")).to_have_count(0)
            version = page.locator("#workplace").get_attribute("data-version")
            primary.click()
            primary.locator("xpath=..").locator("button[type=submit]").first.click()
            expect(page.locator("#workplace")).not_to_have_attribute("data-version", version)
            expect(page.locator("#action-error")).to_have_count(0)
            walked.append(Case.objects.get(pk=case.pk).state)
        assert walked == ["verified", "agreed", "awaiting_return"]
    finally:
        context.close()
