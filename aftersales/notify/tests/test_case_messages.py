"""A phone-only shopper's case (the demo customers have no e-mail): the messages go by SMS with
absolute links; when the SMS provider refuses, the messages stay in the outbox, retried and then
shown as failed, and the case goes on."""

import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services as s
from aftersales.cases.tests import factories as f
from aftersales.cases.tests.conftest import _ensure_policies
from aftersales.notify.models import Channel, Message, MessageStatus
from aftersales.notify.services import message_deliver_due
from aftersales.notify.tests import stubs

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def aliyun(db, settings):
    _ensure_policies()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    stub, server = stubs.start("aliyun")
    settings.AFTERSALES_BASE_URL = "https://shouhou.example.com"
    settings.NOTIFY_SMS_PROVIDER = "aliyun"
    settings.NOTIFY_CUSTOMER_CHANNELS = ("email", "sms")
    settings.NOTIFY_SMS_SIGN_NAME = "示例商城"
    settings.NOTIFY_SMS_TEMPLATES = json.dumps({"default": "SMS_100", "case_opened": "SMS_101"})
    settings.NOTIFY_ALIYUN_SMS = {"access_key_id": "ak", "access_key_secret": "sk",
                                  "endpoint": stub.url}
    settings.NOTIFY_MAX_ATTEMPTS = 2
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    yield stub
    server.shutdown()
    server.server_close()


def _phone_only_case():
    buyer = f.customer(email="")
    order = f.order(buyer=buyer, lines=[(f.product(), 1, "300.00")])
    with translation.override("zh-hans"):
        case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                           verify_phone=buyer.phone, reason="no_reason", description="尺码不合适",
                           lines=[{"line_no": 1, "quantity": 1, "condition": {
                               "unused": True, "packaging_intact": True, "tags_attached": True,
                               "all_parts_present": True}}])
    return case, buyer


def test_a_phone_only_customer_gets_sms_with_an_absolute_link(aliyun):
    case, buyer = _phone_only_case()
    (m,) = Message.objects.filter(case=case)
    assert (m.channel, m.recipient, m.topic) == (Channel.SMS, buyer.phone, "case_opened")
    link = m.params["link"]
    assert link.startswith(f"https://shouhou.example.com/portal/cases/{case.number}/?t=")
    assert m.body == f"您的售后单 {case.number} 已受理。详情：{link}"
    assert message_deliver_due()["sent"] == 1
    (call,) = aliyun.seen
    sent = dict(call.query)
    assert (sent["PhoneNumbers"], sent["SignName"], sent["TemplateCode"]) == (
        buyer.phone, "示例商城", "SMS_101")
    assert json.loads(sent["TemplateParam"]) == {"number": case.number, "link": link}


def test_a_refusing_provider_never_blocks_the_case(aliyun):
    aliyun.answer = "error"
    case, _buyer = _phone_only_case()
    agent = UserFactory(roles=["customer_service"])
    now = datetime.now(SHANGHAI)
    assert message_deliver_due(now=now)["retry"] == 1
    case = s.case_transition(case=case, actor=agent, transition="verify")  # the case goes on
    (m,) = Message.objects.filter(case=case)
    assert (m.status, m.attempts) == (MessageStatus.PENDING, 1)
    assert "isv.BUSINESS_LIMIT_CONTROL" in m.last_error
    assert message_deliver_due(now=now + timedelta(seconds=61))["failed"] == 1
    m.refresh_from_db()
    assert (m.status, m.attempts, m.next_attempt_at) == (MessageStatus.FAILED, 2, None)
    assert case.state != "submitted"


def test_without_a_site_address_the_message_has_no_link_and_says_so(aliyun, settings, caplog):
    settings.AFTERSALES_BASE_URL = ""
    with caplog.at_level(logging.WARNING, logger="aftersales.notify"):
        case, _buyer = _phone_only_case()
    (m,) = Message.objects.filter(case=case)
    assert "/portal/" not in m.body and "link" not in m.params
    assert m.body == f"您的售后单 {case.number} 已受理。"
    assert "AFTERSALES_BASE_URL is not set" in caplog.text and case.number in caplog.text
