"""Each customer-facing step says what it is about (issue 10 item 2; S5.1, S5.4, S7.2, S4.1):
the accepted option with its amount, the return number, address and ship-back deadline, the
refund's amount and the methods it went back by, the repair quote's amount and validity. The
outbox rows keep those values (``Message.params``) and the rendered text, in Chinese with
Chinese punctuation (English when that is the active language), and the SMS provider (a local
stub of Alibaba Cloud's API) receives them as its template's named parameters."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases import services as s
from aftersales.cases.tests import factories as f
from aftersales.cases.tests.conftest import *  # noqa: F403  (policies, clock, agent, make_user)
from aftersales.charges import services as charges
from aftersales.charges.tests.helpers import price_list
from aftersales.finance import services as fs
from aftersales.finance.tests.helpers import inspected_case, mixed_order
from aftersales.logistics.services import rma_issue
from aftersales.logistics.services.rma import return_address_text
from aftersales.notify.models import Channel, Message
from aftersales.notify.services import message_deliver_due
from aftersales.notify.tests import stubs
from aftersales.notify.texts import SMS_TEXTS, sms_text


@pytest.fixture
def aliyun(db, settings):
    """SMS on (Alibaba Cloud, a local stub of its API), one template code per step."""
    stub, server = stubs.start("aliyun")
    settings.AFTERSALES_BASE_URL = "https://shouhou.example.com"
    settings.NOTIFY_SMS_PROVIDER = "aliyun"
    settings.NOTIFY_CUSTOMER_CHANNELS = ("email", "sms")
    settings.NOTIFY_SMS_SIGN_NAME = "示例商城"
    settings.NOTIFY_SMS_TEMPLATES = json.dumps(
        {"default": "SMS_100", **{t: f"SMS_{i}" for i, t in enumerate(SMS_TEXTS, 200)}})
    settings.NOTIFY_ALIYUN_SMS = {"access_key_id": "ak", "access_key_secret": "sk",
                                  "endpoint": stub.url}
    yield stub
    server.shutdown()
    server.server_close()


def _sms(case, topic) -> Message:
    return Message.objects.get(case=case, topic=topic, channel=Channel.SMS)


def _email(case, topic) -> Message:
    return Message.objects.get(case=case, topic=topic, channel=Channel.EMAIL)


def _sent(stub) -> dict[str, dict]:
    """What the provider received: template code → its named parameters."""
    message_deliver_due(now=timezone.now() + timedelta(minutes=1))
    return {dict(c.query)["TemplateCode"]: json.loads(dict(c.query)["TemplateParam"])
            for c in stub.seen}


def _code(topic: str) -> str:
    return f"SMS_{list(SMS_TEXTS).index(topic) + 200}"


def _agreed_return(agent):
    order = f.order(lines=[(f.product(), 2, "1234.50")])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="no_reason", description="不合适",
                       lines=[{"line_no": 1, "quantity": 2, "condition": {
                           "unused": True, "packaging_intact": True, "tags_attached": True,
                           "all_parts_present": True}}])
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小", quantity_affected=2)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    return s.case_accept_option(case=case, actor=None, option=0)


def test_the_accepted_option_and_the_return_instructions_carry_their_content(
        aliyun, policies, clock, agent):
    with translation.override("zh-hans"):
        case = _agreed_return(agent)
        rma = rma_issue(case=case, actor=agent)
    link = _sms(case, "option_accepted").params["link"]

    # the option: what was chosen and what comes back, as ¥ with thousands separators
    refund = case.agreed_option["refund"]["total"]
    assert refund == "2469.00"
    option = "退货退款，退款 ¥2,469.00"
    sms = _sms(case, "option_accepted")
    assert sms.params["option"] == option
    assert sms.body == f"售后单 {case.number}：已记录您选择的方案（{option}）。详情：{link}"
    assert f"您选择了：{option}。" in _email(case, "option_accepted").body

    # the return: its number, the address on one line and the ship-back date
    due = timezone.localtime(rma.ship_back_by, SHANGHAI).strftime("%Y-%m-%d")
    address = return_address_text(rma)
    assert rma.address and rma.address in address and rma.address_name in address
    sms = _sms(case, "rma_issued")
    assert {k: sms.params[k] for k in ("rma", "address", "due")} == {
        "rma": rma.number, "address": address, "due": due}
    assert sms.body == f"退货 {rma.number}：请于 {due} 前寄至 {address}。详情：{link}"
    email = _email(case, "rma_issued").body
    assert rma.number in email and rma.address in email and due in email
    assert email.count("。") >= 3 and ". " not in email  # Chinese punctuation

    # and the provider gets each step's template with those values by name
    sent = _sent(aliyun)
    assert sent[_code("option_accepted")] == {"number": case.number, "option": option,
                                              "link": link}
    assert sent[_code("rma_issued")] == {"rma": rma.number, "address": address, "due": due,
                                         "link": link}


def test_the_paid_refund_names_the_amount_and_the_methods(aliyun, policies, clock, agent,
                                                          make_user):
    warehouse, finance = make_user("warehouse"), make_user("finance")
    clerk = make_user("customer_service", "finance")
    order = mixed_order(quantity=2, price="1234.50", methods=[
        ("card", "2369.00", {"reference": "CARD-1"}), ("points", "100.00", {"points": 1000})])
    with translation.override("zh-hans"):
        case = inspected_case(order, agent, warehouse)
        refund = fs.refund_approve(refund=fs.refund_create(case=case, actor=clerk),
                                   actor=finance)
        for n, line in enumerate(refund.lines.all()):
            fs.refund_pay(refund=refund, line=line, actor=finance, idempotency_key=f"k{n}",
                          reference="BANK-2026-1")
    sms = _sms(case, "refund_paid")
    link = sms.params["link"]
    assert (sms.params["amount"], sms.params["method"]) == ("¥2,369.00", "银行卡、积分")
    assert sms.body == (f"售后单 {case.number}：您的退款 ¥2,369.00 已支付（银行卡、积分），"
                        f"收到后请确认：{link}")
    email = _email(case, "refund_paid").body
    assert "共 ¥2,369.00 已支付：¥2,369.00 原路退回您的银行卡；1000 积分退回您的账户。" in email
    assert _sent(aliyun)[_code("refund_paid")] == {
        "number": case.number, "amount": "¥2,369.00", "method": "银行卡、积分", "link": link}


def test_the_repair_quote_names_its_amount_and_validity_in_both_languages(
        aliyun, policies, clock, agent):
    order = f.order(business_line="member_store")
    prices = price_list()
    assert prices["P-BOARD"].price == 140
    case = s.case_open(kind="repair", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}], description="漏水")
    with translation.override("en"):
        quote = charges.quote_issue(case=case, actor=agent, labour_hours="1.5",
                                    lines=[{"code": "P-BOARD", "quantity": 9}])
    until = timezone.localtime(quote.valid_until, SHANGHAI).strftime("%Y-%m-%d")
    assert until != timezone.localtime(case.due_at, SHANGHAI).strftime("%Y-%m-%d") \
        or case.due_at is None  # the quote's own validity, not the case's due date
    sms = _sms(case, "quote_issued")
    link = sms.params["link"]
    assert (sms.params["amount"], sms.params["due"]) == ("¥1,305.00", until)
    assert sms.body == (f"Case {case.number}: the repair costs ¥1,305.00. Please accept or "
                        f"refuse by {until}: {link}")
    assert ("The repair costs ¥1,305.00 (parts ¥1,260.00, labour ¥45.00). Please accept or "
            f"refuse it by {until}") in _email(case, "quote_issued").body
    with translation.override("zh-hans"):  # the same values in the Chinese template
        assert sms_text("quote_issued", sms.params) == (
            f"售后单 {case.number}：维修报价 ¥1,305.00，请于 {until} 前确认或拒绝：{link}")
    assert _sent(aliyun)[_code("quote_issued")] == {
        "number": case.number, "amount": "¥1,305.00", "due": until, "link": link}

