"""Delivery channels of the outbox: plug-ins behind one interface (docs/notifications.md).

A plug-in has a ``name`` and ``send(message)``, which returns the provider's id of the message
(or "") and raises on any failure; the outbox records the failure and retries (services.py).
The registry names every plug-in: ``email`` (Django's e-mail backend), ``sms_aliyun`` (Alibaba
Cloud SMS), ``sms_tencent`` (Tencent Cloud SMS), ``wecom_robot`` (a WeCom group robot) and
``console`` (development: printed, never sent). A message's channel (email, sms, wecom) is routed
to a plug-in by the settings: SMS to ``NOTIFY_SMS_PROVIDER``, WeCom to the robot when its
webhook is set. Extra plug-ins: ``NOTIFY_CHANNEL_CLASSES`` (name -> dotted path).
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from aftersales.notify.models import Channel, Message

log = logging.getLogger("aftersales.notify")


class ChannelNotConfigured(Exception):
    """The deployment has not set up this channel (credentials, template, webhook…)."""


class DeliveryFailed(Exception):
    """The provider answered, and refused: its code and message are in the text."""


class ChannelPlugin(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Deliver one message; return the provider's reference ("" if none); raise on failure."""
        ...


class EmailChannel:
    name = "email"

    def send(self, message: Message) -> str:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL,
                  [message.recipient], fail_silently=False)
        return ""


class ConsoleChannel:
    """Development: the message is printed to the worker's output and logged, never sent."""

    name = "console"

    def __init__(self, stream=None) -> None:
        self.stream = stream

    def send(self, message: Message) -> str:
        text = (f"[{message.get_channel_display()} → {message.recipient}] "
                f"{message.subject}\n{message.body}\n")
        (self.stream or sys.stdout).write(text)
        log.info("console message %s to %s: %s", message.pk, message.recipient, message.subject)
        return ""


class UnconfiguredChannel:
    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, message: Message) -> str:
        raise ChannelNotConfigured(f"no {self.name} gateway is configured")


REGISTRY: dict[str, str] = {
    "email": "aftersales.notify.channels.EmailChannel",
    "console": "aftersales.notify.channels.ConsoleChannel",
    "sms_aliyun": "aftersales.notify.sms.AliyunSms",
    "sms_tencent": "aftersales.notify.sms.TencentSms",
    "wecom_robot": "aftersales.notify.wecom.WecomRobot",
}
SMS_PROVIDERS = {"aliyun": "sms_aliyun", "tencent": "sms_tencent", "console": "console"}


def plugin(name: str) -> ChannelPlugin:
    """The plug-in registered under ``name`` (KeyError for an unknown one)."""
    paths = {**REGISTRY, **getattr(settings, "NOTIFY_CHANNEL_CLASSES", {})}
    return import_string(paths[name])()


def route(code: str) -> str | None:
    """The plug-in name that delivers a message of channel ``code``; None: not configured."""
    if code == Channel.EMAIL:
        return "email"
    if code == Channel.SMS:
        provider = getattr(settings, "NOTIFY_SMS_PROVIDER", "") or ""
        return SMS_PROVIDERS.get(provider, provider if provider in REGISTRY else None) \
            if provider else None
    if code == Channel.WECOM:
        return "wecom_robot" if wecom_configured() else None
    return None


def wecom_configured() -> bool:
    return bool(getattr(settings, "NOTIFY_WECOM_ROBOT_URL", ""))


def channel_for(code: str) -> ChannelPlugin:
    """The sender for a message's channel code, as the settings route it."""
    name = route(code)
    if name is None:
        return UnconfiguredChannel(code)
    try:
        return plugin(name)
    except KeyError:
        return UnconfiguredChannel(f"{code} ({name})")
