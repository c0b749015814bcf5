"""Browser journeys of cases (issue 4 item 10) in Debian's Chromium: a customer opens a return
on the portal (390×844) and accepts the option; an agent processes it to closure on the case
page (1366×768), the warehouse and finance steps in between; the customer rates it; a
supervisor sees an overdue case on the home page. Screenshots go to /tmp/aftersales-e2e."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory

SHOTS = "/tmp/aftersales-e2e"  # made by conftest.reference (test artifacts)

PORTAL = {"width": 390, "height": 844}


def _png(w: int = 96, h: int = 96, rgb: tuple = (70, 110, 190)) -> bytes:
    """A real little PNG (a blue square), so the thumbnail shows."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _order():
    from aftersales.cases.tests import factories as f

    now = timezone.now()
    order = f.order(lines=[(f.product(name="纯棉衬衫"), 2, "300.00"),
                           (f.product(name="羊毛围巾"), 1, "129.00")],
                    placed_at=now - timedelta(days=3), signed_at=now - timedelta(days=2))
    order.payments.update(method="bank_transfer")  # refunded by a transfer finance records
    return order


def _act(page, action: str, fill: dict | None = None):
    """Open an action's inline form, fill it, submit; wait until the workplace is redrawn."""
    workplace = page.locator("#workplace")
    version = workplace.get_attribute("data-version")
    box = page.locator(f'[data-action="{action}"]')
    if box.evaluate("e => e.tagName") == "DETAILS":
        box.locator("summary").click()
    for selector, value in (fill or {}).items():
        box.locator(selector).fill(value)
    box.locator("button[type=submit]").first.click()
    # one action may make the step it completes too (confirm → agreed): the version moves on
    expect(workplace).not_to_have_attribute("data-version", version)
    expect(page.locator("#action-error")).to_have_count(0)


def _refund_approved_and_paid(case_number: str, finance) -> None:
    from aftersales.finance.models import Refund
    from aftersales.finance.services import refund_approve, refund_pay

    refund = Refund.objects.get(case__number=case_number)
    refund = refund_approve(refund=refund, actor=finance)
    for line in refund.lines.all():
        refund_pay(refund=refund, line=line, actor=finance, idempotency_key=f"e2e:{line.pk}",
                   reference="ICBC-0001")


def _inspect_passed(case_number: str, user):
    """The warehouse's inspection on receipt (quality, S5.5); the inspect step follows."""
    from aftersales.cases.models import Case
    from aftersales.quality.services import inspection_record

    inspection_record(case=Case.objects.get(number=case_number), actor=user, result="pass")


def _receive_all(case_number: str, user):
    """The warehouse's receipt of everything authorized (logistics); the receive step follows."""
    from aftersales.logistics.models import ReturnAuthorization
    from aftersales.logistics.services import receipt_record

    rma = ReturnAuthorization.objects.get(case__number=case_number)
    receipt_record(rma=rma, actor=user, lines=[{"rma_line": ln.pk, "quantity": ln.quantity}
                                               for ln in rma.lines.all()])


@pytest.mark.e2e
def test_portal_return_processed_to_closure_and_rated(reference, live_server, page, browser,
                                                      staff_login):
    from aftersales.cases.access import portal_token
    from aftersales.cases.models import Case

    order = _order()
    agent = UserFactory(username="agent1", display_name="王芳", roles=[Role.CUSTOMER_SERVICE])
    warehouse = UserFactory(username="wh1", display_name="赵仓", roles=[Role.WAREHOUSE])
    finance = UserFactory(username="fin1", display_name="钱财", roles=[Role.FINANCE])

    # given the customer on their phone
    phone = browser.new_context(viewport=PORTAL, locale="zh-CN", timezone_id="Asia/Shanghai",
                                is_mobile=True, has_touch=True)
    p = phone.new_page()
    p.goto(f"{live_server.url}/portal/")
    p.screenshot(path=f"{SHOTS}/portal-find.png")
    # when they find the order with a wrong phone, they are told, nothing more
    p.locator("#order_number").fill(order.number)
    p.locator("#phone").fill("13999999999")
    p.locator("#main button[type=submit]").first.click()
    expect(p.locator("#find-error")).to_be_visible()
    # and with the right phone they pick one shirt to return (step 1)
    p.locator("#phone").fill(order.customer.phone)
    p.locator("#main button[type=submit]").first.click()
    p.locator("#qty_1").fill("1")
    p.locator('input[name=kind][value="return"]').check()
    p.screenshot(path=f"{SHOTS}/portal-step1.png", full_page=True)
    p.locator("#main button[type=submit]").first.click()
    # step 2: reason, a sentence, a photo
    p.locator("#reason").select_option("no_reason")
    p.locator("#description").fill("尺码偏小，吊牌还在")
    p.locator("#photos").set_input_files(files=[{
        "name": "shirt.png", "mimeType": "image/png",
        "buffer": _png()}])
    p.screenshot(path=f"{SHOTS}/portal-step2.png", full_page=True)
    p.locator("#main button[type=submit]").first.click()
    # step 3: the options with amounts; accept the first
    expect(p.locator(".option").first).to_be_visible()
    expect(p.locator(".option").first).to_contain_text("¥")
    p.screenshot(path=f"{SHOTS}/portal-step3-options.png", full_page=True)
    p.locator("#main button[type=submit]").first.click()
    # then "what happens next" with the due date
    expect(p.locator("#next-title")).to_be_visible()
    expect(p.locator(".agreed")).to_be_visible()
    p.screenshot(path=f"{SHOTS}/portal-next.png", full_page=True)
    case = Case.objects.get()
    assert case.agreed_option is not None and case.verified_at is not None
    tracking_url = f"{live_server.url}/portal/cases/{case.number}/?t={portal_token(case)}"

    # when the agent opens the case from their queue on the home page
    staff_login(page, live_server, agent)
    expect(page.locator("#queue")).to_contain_text(case.number)
    page.locator("#queue").get_by_role("link", name=case.number).click()
    expect(page.locator("#case-title")).to_have_text(case.number)
    page.screenshot(path=f"{SHOTS}/case-intake.png", full_page=True)
    thumb = page.locator(".thumbs img").first
    expect(thumb).to_be_visible()
    # served through the case's file view (decode() waits for the image to load)
    assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") == 96
    # and walks it: verify, confirm the problem — which agrees the case on the option the
    # customer accepted on the portal (nobody offers or accepts it again) — and instruct
    _act(page, "verify")
    _act(page, "confirm", {"#c-symptom": "尺码偏小"})
    expect(page.locator("#case-state")).to_have_text("已达成一致")
    # the return authorization (logistics) sends the address and instructions (S5.2, S5.3)
    page.locator('[data-action="issue-rma"]').click()
    page.locator(".rma-issue button[type=submit]").click()
    expect(page.locator("#logistics-panel")).to_contain_text("RMA-")
    # the customer ships the parcel back and enters its tracking number on the phone (S5.4)
    p.goto(tracking_url)
    p.locator("#customer-actions summary", has_text="运单号").first.click()
    p.locator("#c-ship_back").fill("顺丰速运")
    p.locator("#t-ship_back").fill("SF1234567890")
    p.screenshot(path=f"{SHOTS}/portal-ship-back.png", full_page=True)
    p.locator("#customer-actions details", has=p.locator("#t-ship_back")).locator(
        "button[type=submit]").click()
    expect(p.locator("#case-error")).to_have_count(0)
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("SF1234567890")
    page.screenshot(path=f"{SHOTS}/case-shipped-back.png", full_page=True)
    # the warehouse receives and inspects it (their own pages come with logistics)
    _receive_all(case.number, warehouse)
    _inspect_passed(case.number, warehouse)
    page.reload()
    # customer service submits the refund from the case's refund panel (its first review moves
    # the case to finance); finance approves and records the transfer (aftersales.finance)
    page.locator('[data-action="refund-create"] button[type=submit]').click()
    expect(page.locator("#refund-status")).to_be_visible()  # on the new refund's page
    _refund_approved_and_paid(case.number, finance)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    _act(page, "close")
    expect(page.locator("#case-state")).to_have_class("tag tag--muted")
    page.screenshot(path=f"{SHOTS}/case-closed.png", full_page=True)
    case.refresh_from_db()
    assert case.state == "closed" and case.resolution == "refund"

    # when the customer opens the tracking link and taps four stars
    p.goto(tracking_url)
    p.locator("#comment").fill("退款很快")
    p.screenshot(path=f"{SHOTS}/portal-rate.png", full_page=True)
    p.locator('button.star[value="4"]').click()
    expect(p.locator(".stars-shown")).to_have_text("★★★★☆")
    p.screenshot(path=f"{SHOTS}/portal-rated.png", full_page=True)
    case.refresh_from_db()
    assert case.state == "rated" and case.csat_score == 4 and case.csat_comment == "退款很快"
    phone.close()


@pytest.mark.e2e
def test_supervisor_sees_an_overdue_case_on_the_home_page(reference, live_server, page,
                                                          staff_login):
    from aftersales.accounts.models import Department
    from aftersales.cases import services as s
    from aftersales.cases.models import Case

    supervisor = UserFactory(username="sup1", display_name="周主管", roles=[Role.CS_SUPERVISOR])
    Department.objects.filter(code="customer_service").update(supervisor=supervisor)
    agent = UserFactory(username="agent2", display_name="李客服", roles=[Role.CUSTOMER_SERVICE])
    order = _order()
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])
    # given the case's due time passed two days ago and the sweep ran
    past = timezone.now() - timedelta(days=2)
    Case.objects.filter(pk=case.pk).update(due_at=past, sla_next_check_at=past)
    s.sla_sweep()
    # when the supervisor signs in
    staff_login(page, live_server, supervisor)
    # then the home page shows the breach, in red
    breaches = page.locator("#breaches")
    expect(breaches).to_contain_text(case.number)
    expect(breaches.locator(".due--overdue").first).to_be_visible()
    page.screenshot(path=f"{SHOTS}/supervisor-home.png", full_page=True)


@pytest.mark.e2e
def test_agent_takes_a_phone_intake_and_finds_it_in_the_list(reference, live_server, page,
                                                             staff_login):
    from aftersales.cases.models import Case

    order = _order()
    agent = UserFactory(username="agent3", display_name="孙客服", roles=[Role.CUSTOMER_SERVICE])
    staff_login(page, live_server, agent)
    # when the agent looks the caller up by phone and takes the order found
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("#id_lookup").fill(order.customer.phone)
    expect(page.locator("#lookup")).to_contain_text(order.number)
    page.locator("#lookup").get_by_role("link").first.click()
    # and enters the quantity, the caller's phone and the problem
    page.locator("#qty_1").fill("1")
    page.locator("#id_phone").fill(order.customer.phone)
    page.locator("#id_symptom").fill("袖口开线")
    page.locator("#id_description").fill("洗了一次袖口就开线了")
    page.screenshot(path=f"{SHOTS}/intake.png", full_page=True)
    page.locator("button[name=create]").click()
    # then the case page opens, verified, and the list shows it
    expect(page.locator("#case-title")).to_have_text(Case.objects.get().number)
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("table.cases")).to_contain_text(order.customer.name)
    page.locator("#f-kind").select_option("consult")
    expect(page.locator("#results")).not_to_contain_text(order.customer.name)
    page.locator("#f-kind").select_option("return")
    expect(page.locator("table.cases")).to_contain_text(order.customer.name)
    page.screenshot(path=f"{SHOTS}/list.png")
