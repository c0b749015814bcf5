"""Messages that reach people (issue 10 item 2): the channel plug-ins against local stubs of the
providers' HTTP APIs (Alibaba Cloud SMS, Tencent Cloud SMS, the WeCom group robot), the routing
of a customer's message to the channel that reaches them, and a failing channel that leaves the
message in the outbox (attempts, error, backoff, failed at the end) while the case goes on."""

import json
import logging
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from aftersales.notify.channels import REGISTRY, channel_for, plugin, route
from aftersales.notify.models import Channel, Message, MessageStatus
from aftersales.notify.services import (
    customer_messages_build,
    message_build,
    message_deliver_due,
    message_queue,
    messages_queue_bulk,
)
from aftersales.notify.sms import e164, mainland
from aftersales.notify.tests import stubs
from aftersales.notify.texts import SMS_TEXTS, site_url, sms_template, sms_text

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LINK = "https://as.example.com/portal/cases/AS-2026-000001/?t=abc"


@pytest.fixture
def provider(request, settings):
    """A stub of one provider's API, and the settings that point its plug-in at it."""
    name = request.param
    stub, server = stubs.start(name)
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_SMS_SIGN_NAME = "售后服务"
    settings.NOTIFY_SMS_TEMPLATES = json.dumps({"default": "SMS_100", "refund_paid": "SMS_101"})
    settings.NOTIFY_CUSTOMER_CHANNELS = ("email", "sms")
    if name == "aliyun":
        settings.NOTIFY_SMS_PROVIDER = "aliyun"
        settings.NOTIFY_ALIYUN_SMS = {"access_key_id": "LTAI-test", "access_key_secret": "s3cr3t",
                                      "endpoint": stub.url}
    elif name == "tencent":
        settings.NOTIFY_SMS_PROVIDER = "tencent"
        settings.NOTIFY_TENCENT_SMS = {"secret_id": "AKID-test", "secret_key": "s3cr3t",
                                       "app_id": "1400000001", "region": "ap-guangzhou",
                                       "endpoint": stub.url}
    else:
        settings.NOTIFY_WECOM_ROBOT_URL = f"{stub.url}/cgi-bin/webhook/send?key=test-key"
    yield stub
    server.shutdown()
    server.server_close()


def _refund_sms(**params) -> Message:
    with translation.override("zh-hans"):
        (m,) = customer_messages_build(
            email="", phone="+86 138-0013-8000", number="AS-2026-000001", topic="refund_paid",
            subject="您的退款已支付", body="退款已支付", link=LINK,
            params={"amount": Decimal("1234.5"), "method": "微信支付", **params})
    m.save(force_insert=True)
    return m


def _due(m: Message, at: datetime = NOW) -> None:
    Message.objects.filter(pk=m.pk).update(next_attempt_at=at)


# ---------------------------------------------------------------- Alibaba Cloud SMS
@pytest.mark.parametrize("provider", ["aliyun"], indirect=True)
def test_aliyun_sends_the_topics_template_with_its_parameters(db, provider):
    m = _refund_sms()
    assert m.body == (f"售后单 AS-2026-000001：您的退款 ¥1,234.50 已支付（微信支付），"
                      f"收到后请确认：{LINK}")
    assert message_deliver_due()["sent"] == 1
    (call,) = provider.seen
    assert call.query["Action"] == "SendSms" if "Action" in call.query else True
    sent = {**call.query, **dict(_form(call.body))}
    assert sent["PhoneNumbers"] == "13800138000" and sent["SignName"] == "售后服务"
    assert sent["TemplateCode"] == "SMS_101"
    assert json.loads(sent["TemplateParam"]) == {"number": "AS-2026-000001",
                                                 "amount": "¥1,234.50", "method": "微信支付",
                                                 "link": LINK}
    assert "authorization" in call.headers  # the SDK signs the call with the access key
    m.refresh_from_db()
    assert (m.status, m.attempts, m.provider, m.provider_ref) == (
        MessageStatus.SENT, 1, "sms_aliyun", "900619746936498440^0")


def _form(body: bytes):
    from urllib.parse import parse_qsl
    return parse_qsl(body.decode()) if body else []


@pytest.mark.parametrize("provider", ["aliyun"], indirect=True)
def test_aliyun_refusal_is_retried_with_backoff_then_failed(db, provider):
    provider.answer = "error"
    m = _refund_sms()
    _due(m)
    assert message_deliver_due(now=NOW) == {"sent": 0, "retry": 1, "failed": 0}
    m.refresh_from_db()
    assert (m.status, m.attempts, m.next_attempt_at) == (
        MessageStatus.PENDING, 1, NOW + timedelta(seconds=60))
    assert "isv.BUSINESS_LIMIT_CONTROL" in m.last_error and m.provider == "sms_aliyun"
    provider.answer = "http_error"  # the next try: the SDK raises on the error status
    message_deliver_due(now=NOW + timedelta(seconds=60))
    m.refresh_from_db()
    assert (m.attempts, m.next_attempt_at) == (2, NOW + timedelta(seconds=180))
    assert "SignatureDoesNotMatch" in m.last_error
    assert message_deliver_due(now=NOW + timedelta(seconds=180))["failed"] == 1
    m.refresh_from_db()
    assert (m.status, m.attempts, m.next_attempt_at) == (MessageStatus.FAILED, 3, None)
    assert len(provider.seen) == 3


# ---------------------------------------------------------------- Tencent Cloud SMS
@pytest.mark.parametrize("provider", ["tencent"], indirect=True)
def test_tencent_sends_the_template_with_positional_parameters(db, provider):
    m = _refund_sms()
    assert message_deliver_due()["sent"] == 1
    (call,) = provider.seen
    assert call.headers["x-tc-action"] == "SendSms"
    assert call.headers["x-tc-version"] == "2021-01-11"
    assert call.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID-test/")
    assert call.json() == {
        "PhoneNumberSet": ["+8613800138000"], "SmsSdkAppId": "1400000001",
        "SignName": "售后服务", "TemplateId": "SMS_101",
        "TemplateParamSet": ["AS-2026-000001", "¥1,234.50", "微信支付", LINK],
        "SessionContext": str(m.pk)}
    m.refresh_from_db()
    assert (m.status, m.provider, m.provider_ref) == (
        MessageStatus.SENT, "sms_tencent", "5000:1045710669157053657849499619")


@pytest.mark.parametrize("provider", ["tencent"], indirect=True)
@pytest.mark.parametrize("answer, code", [
    ("error", "LimitExceeded.PhoneNumberDailyLimit"),
    ("http_error", "AuthFailure.SignatureFailure")])
def test_tencent_refusal_stays_in_the_outbox_with_its_code(db, provider, answer, code):
    provider.answer = answer
    m = _refund_sms()
    _due(m)
    assert message_deliver_due(now=NOW)["retry"] == 1
    m.refresh_from_db()
    assert m.status == MessageStatus.PENDING and m.attempts == 1 and code in m.last_error


# ---------------------------------------------------------------- WeCom group robot
@pytest.mark.parametrize("provider", ["wecom"], indirect=True)
def test_a_staff_escalation_also_goes_to_the_wecom_group(db, provider):
    escalation = message_build(channel=Channel.EMAIL, recipient="sup@example.com",
                               subject="[AS-2026-000001] 已逾期", body="请处理",
                               topic="sla_escalation", dedupe_key="escalation:1:1")
    messages_queue_bulk([escalation])
    messages_queue_bulk([message_build(channel=Channel.EMAIL, recipient="sup@example.com",
                                       subject="again", body="b", topic="sla_escalation",
                                       dedupe_key="escalation:1:1")])  # the next sweep
    assert sorted(Message.objects.values_list("channel", "dedupe_key")) == [
        ("email", "escalation:1:1"), ("wecom", "escalation:1:1:wecom")]
    # a customer's message never goes to the staff's group
    message_queue(channel=Channel.EMAIL, recipient="c@example.com", subject="s", body="b",
                  topic="case_opened")
    assert Message.objects.filter(channel=Channel.WECOM).count() == 1

    assert message_deliver_due()["sent"] == 3
    (call,) = provider.seen
    assert call.path == "/cgi-bin/webhook/send" and call.query == {"key": "test-key"}
    assert call.headers["content-type"] == "application/json"
    assert call.json() == {"msgtype": "text",
                           "text": {"content": "[AS-2026-000001] 已逾期\n请处理"}}
    assert Message.objects.get(channel=Channel.WECOM).provider == "wecom_robot"


@pytest.mark.parametrize("provider", ["wecom"], indirect=True)
@pytest.mark.parametrize("answer, error", [("error", "93000"), ("http_error", "HTTP 502")])
def test_a_refusing_robot_is_retried(db, provider, answer, error):
    provider.answer = answer
    message_queue(channel=Channel.EMAIL, recipient="sup@example.com", subject="s", body="b",
                  topic="sla_escalation")
    assert message_deliver_due() == {"sent": 1, "retry": 1, "failed": 0}
    robot = Message.objects.get(channel=Channel.WECOM)
    assert robot.status == MessageStatus.PENDING and error in robot.last_error


def test_without_a_robot_escalations_go_by_e_mail_only(db, settings):
    settings.NOTIFY_WECOM_ROBOT_URL = ""
    message_queue(channel=Channel.EMAIL, recipient="sup@example.com", subject="s", body="b",
                  topic="sla_escalation")
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]


# ---------------------------------------------------------------- routing and the console
def test_the_registry_names_every_plugin_behind_one_interface(settings):
    assert set(REGISTRY) == {"email", "console", "sms_aliyun", "sms_tencent", "wecom_robot"}
    for name in REGISTRY:
        p = plugin(name)
        assert p.name == name and callable(p.send)
    for provider, name in [("aliyun", "sms_aliyun"), ("tencent", "sms_tencent"),
                           ("console", "console"), ("", None)]:
        settings.NOTIFY_SMS_PROVIDER = provider
        assert route(Channel.SMS) == name
    assert route(Channel.EMAIL) == "email" and route(Channel.WECHAT) is None


def test_the_console_channel_prints_for_development(db, settings, capsys):
    settings.NOTIFY_SMS_PROVIDER = "console"
    settings.NOTIFY_CUSTOMER_CHANNELS = ("email", "sms")
    m = _refund_sms()
    assert message_deliver_due()["sent"] == 1
    out = capsys.readouterr().out
    assert "+86 138-0013-8000" in out and "¥1,234.50" in out
    m.refresh_from_db()
    assert m.provider == "console" and m.status == MessageStatus.SENT


def test_a_phone_only_customer_gets_an_sms_when_a_provider_is_configured(db, settings, caplog):
    settings.NOTIFY_CUSTOMER_CHANNELS = ("email", "sms")
    out = customer_messages_build(email="", phone="13800138000", number="AS-1",
                                  topic="case_opened", subject="s", body="b", link=LINK)
    assert [m.channel for m in out] == ["sms"]
    both = customer_messages_build(email="a@example.com", phone="13800138000", number="AS-1",
                                   topic="case_opened", subject="s", body="b", link=LINK,
                                   dedupe_key="k")
    assert [(m.channel, m.dedupe_key) for m in both] == [("email", "k"), ("sms", "k:sms")]

    settings.NOTIFY_CUSTOMER_CHANNELS = ("email",)  # no provider: said in the log
    with caplog.at_level(logging.WARNING, logger="aftersales.notify"):
        assert customer_messages_build(email="", phone="13800138000", number="AS-1",
                                       topic="case_opened", subject="s", body="b",
                                       link=LINK) == []
    assert "AFTERSALES_SMS_PROVIDER" in caplog.text


def test_an_sms_without_a_template_or_sign_fails_visibly(db, settings):
    settings.NOTIFY_SMS_PROVIDER = "aliyun"
    settings.NOTIFY_ALIYUN_SMS = {"access_key_id": "a", "access_key_secret": "b",
                                  "endpoint": "http://127.0.0.1:9"}
    settings.NOTIFY_SMS_SIGN_NAME = "售后服务"
    settings.NOTIFY_SMS_TEMPLATES = {}
    message_queue(channel="sms", recipient="13800138000", subject="", body="b", topic="x")
    assert message_deliver_due()["retry"] == 1
    assert "no SMS template" in Message.objects.get().last_error
    settings.NOTIFY_ALIYUN_SMS = {}
    Message.objects.update(next_attempt_at=NOW)
    message_deliver_due(now=NOW)
    assert "access_key_id" in Message.objects.get().last_error


def test_channel_for_an_unrouted_channel_says_it_is_not_configured(settings):
    settings.NOTIFY_SMS_PROVIDER = "carrier-pigeon"
    with pytest.raises(Exception, match="not configured|no sms"):
        channel_for(Channel.SMS).send(Message(channel="sms", recipient="1", body="b"))


# ---------------------------------------------------------------- texts and links
def test_every_topic_has_a_short_text_in_both_languages():
    params = {"number": "AS-2026-000001", "title": "已受理", "link": LINK, "amount": "12.00",
              "due": "2026-11-30", "option": "退货退款", "rma": "RMA-2026-000001",
              "address": "上海市浦东新区张江路 1 号", "courier": "顺丰", "tracking": "SF123",
              "code": "204613", "minutes": "5", "method": "微信支付"}
    for topic in SMS_TEXTS:
        with translation.override("zh-hans"):
            zh = sms_text(topic, params)
        with translation.override("en"):
            en = sms_text(topic, params)
        assert zh != en and "%(" not in zh + en
        assert all(params[n] in zh for n in SMS_TEXTS[topic][0]), topic
        assert len(zh) <= 70 + len(LINK) + len(params["address"]), (topic, zh)


def test_a_step_without_its_values_falls_back_to_the_default_template(settings):
    settings.NOTIFY_SMS_TEMPLATES = {"default": "SMS_100", "refund_paid": "SMS_101",
                                     "quote_issued": {"code": "SMS_102",
                                                      "params": ["amount", "due"]}}
    short = {"number": "AS-1", "title": "退款已支付", "link": LINK}
    assert sms_template("refund_paid", short) == (
        "SMS_100", [("number", "AS-1"), ("title", "退款已支付"), ("link", LINK)])
    assert sms_template("quote_issued", {**short, "amount": "9.00", "due": "2026-12-01"}) == (
        "SMS_102", [("amount", "9.00"), ("due", "2026-12-01")])
    with translation.override("en"):
        assert sms_text("refund_paid", short) == f"Case AS-1: 退款已支付. Details: {LINK}"


def test_links_are_absolute_or_absent_with_a_warning(settings, caplog):
    settings.AFTERSALES_BASE_URL = "https://as.example.com/"
    assert site_url("/portal/cases/AS-1/?t=x") == "https://as.example.com/portal/cases/AS-1/?t=x"
    settings.AFTERSALES_BASE_URL = ""
    with caplog.at_level(logging.WARNING, logger="aftersales.notify"):
        assert site_url("/portal/cases/AS-1/", what="AS-1") == ""
    assert "AFTERSALES_BASE_URL is not set" in caplog.text and "AS-1" in caplog.text


def test_the_email_is_the_full_text_with_the_link(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COMPANY_NAME = "示例电器"
    with translation.override("zh-hans"):
        (m,) = customer_messages_build(
            email="a@example.com", phone="", number="AS-2026-000001", topic="refund_paid",
            subject="您的退款已支付", body="您的退款 RF-1 共 500.00 元已支付。", link=LINK)
        (nolink,) = customer_messages_build(
            email="a@example.com", phone="", number="AS-2026-000001", topic="case_closed",
            subject="已结案", body="请评价。", link="")
    assert m.subject == "[AS-2026-000001] 您的退款已支付"
    assert m.body.splitlines() == [
        "您好，", "", "您的退款 RF-1 共 500.00 元已支付。", "", "售后单号：AS-2026-000001",
        f"查看售后单进度：{LINK}", "", "--", "示例电器售后服务", "本邮件由系统自动发送，请勿回复。"]
    assert "查看售后单进度" not in nolink.body and "/portal/" not in nolink.body
    m.save(force_insert=True)
    assert message_deliver_due()["sent"] == 1
    assert mail.outbox[0].body == m.body


def test_mainland_numbers():
    assert mainland("+86 138-0013-8000") == "13800138000"
    assert mainland("8613800138000") == "13800138000"
    assert mainland("13800138000") == "13800138000"
    assert e164("138 0013 8000") == e164("+86 138-0013-8000") == "+8613800138000"
    assert e164("+852 6123 4567") == "+85261234567"


def test_the_deploy_check_names_what_a_deployment_forgot(settings):
    from aftersales.notify.checks import message_settings

    settings.AFTERSALES_BASE_URL = ""
    settings.NOTIFY_SMS_PROVIDER = ""
    assert [w.id for w in message_settings()] == ["notify.W001", "notify.W002"]
    settings.AFTERSALES_BASE_URL = "https://shouhou.example.com"
    settings.NOTIFY_SMS_PROVIDER = "tencent"
    settings.NOTIFY_TENCENT_SMS = {"secret_id": "id", "secret_key": "", "app_id": "1400"}
    settings.NOTIFY_SMS_SIGN_NAME = "示例商城"
    settings.NOTIFY_SMS_TEMPLATES = '{"default": "100"}'
    (w,) = message_settings()
    assert w.id == "notify.W003" and "AFTERSALES_TENCENT_SMS_SECRET_KEY" in w.msg
    settings.NOTIFY_TENCENT_SMS["secret_key"] = "k"
    assert message_settings() == []


def test_without_a_link_the_sms_ends_cleanly():
    params = {"number": "AS-1", "amount": "¥500.00", "method": "支付宝", "title": "已检验"}
    with translation.override("zh-hans"):
        assert sms_text("case_opened", params) == "您的售后单 AS-1 已受理。"
        assert sms_text("refund_paid", params) == (
            "售后单 AS-1：您的退款 ¥500.00 已支付（支付宝），收到后请确认。")
        assert sms_text("case_transitioned", params) == "售后单 AS-1 当前进度：已检验。"
    with translation.override("en"):
        assert sms_text("case_opened", params) == "Your after-sales case AS-1 is open."
        assert sms_text("case_rejected", params) == (
            "Case AS-1 was not accepted; you may appeal with more evidence.")
        assert sms_text("refund_paid", params) == (
            "Case AS-1: your refund of ¥500.00 is paid (支付宝). Please confirm when you "
            "receive it.")
    for topic in SMS_TEXTS:
        with translation.override("zh-hans"):
            text = sms_text(topic, {**params, "due": "2026-12-01", "option": "退货退款",
                                    "rma": "RMA-1", "address": "上海", "courier": "顺丰",
                                    "tracking": "SF1"})
        assert not text.endswith(("：", ":", " ")) and "\x00" not in text, (topic, text)
