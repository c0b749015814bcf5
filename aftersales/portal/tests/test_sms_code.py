"""The one-time SMS code (issue 10 item 1): where SMS is configured, order number + phone sends
a code to that phone and only the code opens the order's cases; a wrong, expired or
over-tried code is refused with a clear message and opens nothing."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.cases.tests import factories as f
from aftersales.notify.models import Message


@pytest.fixture
def sms_on(settings):
    settings.NOTIFY_CUSTOMER_CHANNELS = ("email", "sms")
    settings.PORTAL_SMS_CODE = True


@pytest.fixture
def order(policies, clock):
    return f.order()


def _find(client, order):
    return client.post(reverse("portal:index"), {"order_number": order.number,
                                                 "phone": order.customer.phone})


def _sent_code(order) -> str:
    sms = Message.objects.filter(topic="portal_code", recipient=order.customer.phone)
    latest = sms.latest("pk")
    assert latest.channel == "sms"
    return re.search(r"\d{6}", latest.body).group(0)


def _opened(client) -> bool:
    return client.get(reverse("portal:items")).status_code == 200


def test_the_code_sent_to_the_phone_opens_the_orders_cases(sms_on, order):
    client = Client()
    # when the customer finds the order
    r = _find(client, order)
    # then a code goes to that phone, in Chinese, and the page asks for it (phone masked)
    assert r.status_code == 302 and r["Location"] == reverse("portal:code")
    code = _sent_code(order)
    body = Message.objects.get(topic="portal_code").body
    assert "验证码" in body and code in body
    page = client.get(reverse("portal:code")).content.decode()
    assert order.customer.phone[-4:] in page and order.customer.phone not in page
    assert not _opened(client)
    # when the code is typed, the order opens
    r = client.post(reverse("portal:code"), {"code": code})
    assert r.status_code == 302 and r["Location"] == reverse("portal:items")
    assert _opened(client)
    # and the code opens once only
    assert client.post(reverse("portal:code"), {"code": code}).status_code == 302
    assert Client().post(reverse("portal:code"), {"code": code})["Location"] == \
        reverse("portal:index")


def test_a_wrong_code_is_refused_with_the_attempts_left_then_locked(sms_on, order, settings):
    client = Client()
    _find(client, order)
    code = _sent_code(order)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    r = client.post(reverse("portal:code"), {"code": wrong})
    assert r.status_code == 422 and "验证码不正确" in r.content.decode()
    assert f"还可尝试 {settings.PORTAL_CODE_ATTEMPTS - 1} 次" in r.content.decode()
    assert not _opened(client)
    for _ in range(settings.PORTAL_CODE_ATTEMPTS - 1):
        r = client.post(reverse("portal:code"), {"code": "abc"})
    assert "错误次数过多" in r.content.decode()
    # now even the right code opens nothing: a new one must be asked for
    r = client.post(reverse("portal:code"), {"code": code})
    assert r.status_code == 422 and "错误次数过多" in r.content.decode()
    assert not _opened(client)


def test_an_expired_code_opens_nothing_and_a_new_one_can_be_asked_for(sms_on, order, clock,
                                                                      settings):
    client = Client()
    _find(client, order)
    code = _sent_code(order)
    clock.at += timedelta(seconds=settings.PORTAL_CODE_TTL_SECONDS + 1)
    r = client.post(reverse("portal:code"), {"code": code})
    assert r.status_code == 422 and "验证码已过期" in r.content.decode()
    assert not _opened(client)
    # the customer asks for a new code on the same page, and it works
    assert client.post(reverse("portal:code"), {"resend": "1"}).status_code == 302
    fresh = _sent_code(order)
    assert Message.objects.filter(topic="portal_code").count() == 2
    client.post(reverse("portal:code"), {"code": fresh})
    assert _opened(client)


def test_a_new_code_is_not_sent_again_within_the_resend_interval(sms_on, order, clock,
                                                                 settings):
    client = Client()
    _find(client, order)
    r = client.post(reverse("portal:code"), {"resend": "1"})
    assert r.status_code == 422 and "秒后" in r.content.decode()
    _find(client, order)  # finding the order again doesn't send another either
    assert Message.objects.filter(topic="portal_code").count() == 1
    clock.at += timedelta(seconds=settings.PORTAL_CODE_RESEND_SECONDS + 1)
    assert client.post(reverse("portal:code"), {"resend": "1"}).status_code == 302
    assert Message.objects.filter(topic="portal_code").count() == 2
    # only the newest code opens the order
    client.post(reverse("portal:code"), {"code": _sent_code(order)})
    assert _opened(client)


def test_without_sms_the_order_and_phone_are_enough(order, settings):
    settings.NOTIFY_CUSTOMER_CHANNELS = ("email",)
    client = Client()
    assert _find(client, order)["Location"] == reverse("portal:items")
    assert not Message.objects.filter(topic="portal_code").exists()
    assert client.get(reverse("portal:code"))["Location"] == reverse("portal:index")


def test_a_wrong_phone_sends_no_code(sms_on, order):
    r = Client().post(reverse("portal:index"), {"order_number": order.number,
                                                "phone": "13900000000"})
    assert r.status_code == 200
    assert not Message.objects.filter(topic="portal_code").exists()
