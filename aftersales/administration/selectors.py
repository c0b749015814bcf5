"""Reads of the settings pages that are not one app's: the notification channels as the
deployment configured them (settings/env, docs/notifications.md) with the outbox's counts,
and the business lines with the policy that serves each."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import DEFAULT_POLICY, BusinessLine
from aftersales.notify.channels import route
from aftersales.notify.models import Channel, Message, MessageStatus
from aftersales.policy.models import Policy

# The channels a deployment may configure and what decides whether each is on.
CHANNEL_SETTINGS = {
    Channel.EMAIL: ("AFTERSALES_EMAIL_BACKEND", "AFTERSALES_FROM_EMAIL"),
    Channel.SMS: ("AFTERSALES_SMS_PROVIDER", "AFTERSALES_SMS_SIGN_NAME",
                  "AFTERSALES_SMS_TEMPLATES"),
    Channel.WECOM: ("AFTERSALES_WECOM_ROBOT_URL",),
}
TESTABLE = (Channel.EMAIL, Channel.SMS, Channel.WECOM)


def _sms_details() -> list[tuple[str, str]]:
    provider = getattr(settings, "NOTIFY_SMS_PROVIDER", "") or ""
    rows = [(str(_("Provider")), provider or "—"),
            (str(_("Sign name")), getattr(settings, "NOTIFY_SMS_SIGN_NAME", "") or "—")]
    keys = {"aliyun": getattr(settings, "NOTIFY_ALIYUN_SMS", {}),
            "tencent": getattr(settings, "NOTIFY_TENCENT_SMS", {})}.get(provider, {})
    for key, value in keys.items():  # whether each credential is set, never its value
        rows.append((key, str(_("set")) if value else str(_("not set"))))
    return rows


def channels_overview() -> list[dict]:
    """Each channel: the plug-in that delivers it (None: not configured), what configures it
    (secrets shown only as set / not set), whether customers get it, and its outbox counts."""
    counts: dict[tuple[str, str], int] = {
        (r["channel"], r["status"]): r["n"]
        for r in Message.objects.values("channel", "status").annotate(n=Count("pk")).order_by()}
    customer = set(getattr(settings, "NOTIFY_CUSTOMER_CHANNELS", ()))
    rows = []
    for code in TESTABLE:
        plugin = route(code)
        if code == Channel.EMAIL:
            details = [(str(_("Backend")), settings.EMAIL_BACKEND.rsplit(".", 1)[-1]),
                       (str(_("Sender")), settings.DEFAULT_FROM_EMAIL)]
        elif code == Channel.SMS:
            details = _sms_details()
        else:
            url = getattr(settings, "NOTIFY_WECOM_ROBOT_URL", "")
            details = [(str(_("Webhook")), str(_("set")) if url else str(_("not set")))]
        rows.append({
            "code": code.value, "label": code.label, "plugin": plugin,
            "enabled": plugin is not None, "customers": code.value in customer,
            "env": CHANNEL_SETTINGS[code], "details": details,
            "pending": counts.get((code.value, MessageStatus.PENDING), 0)
            + counts.get((code.value, MessageStatus.SENDING), 0),
            "failed": counts.get((code.value, MessageStatus.FAILED), 0),
            "sent": counts.get((code.value, MessageStatus.SENT), 0),
        })
    return rows


def outbox_failures() -> int:
    return Message.objects.filter(status=MessageStatus.FAILED).count()


def recent_failures(limit: int = 10):
    return (Message.objects.filter(status=MessageStatus.FAILED)
            .only("pk", "channel", "recipient", "subject", "attempts", "last_error",
                  "created_at", "topic").order_by("-created_at", "-pk")[:limit])


def business_lines() -> list[dict]:
    """The fixed business lines (core.choices) with the policy serving each by default and
    every policy that names the line."""
    policies = list(Policy.objects.select_related("parent").order_by("name"))
    by_name = {p.name: p for p in policies}
    rows = []
    for code, label in BusinessLine.choices:
        default = DEFAULT_POLICY.get(BusinessLine(code))
        rows.append({"code": code, "label": label, "default_name": default,
                     "default": by_name.get(default or ""),
                     "others": [p for p in policies
                                if p.business_line == code and p.name != default]})
    return rows
