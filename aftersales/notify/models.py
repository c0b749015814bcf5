"""The notification outbox (issue 4 item 9).

A business action queues a Message in its own transaction (so a rolled-back action sends
nothing); the background worker delivers due messages with retries and exponential backoff.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    WECOM = "wecom", _("WeCom group robot")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", pgettext_lazy("notify", "Failed")


class Message(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    # The values of the step's SMS template (case number, amount, deadline, link…): a provider
    # sends an approved template with parameters, never free text (docs/notifications.md).
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    # db_index=False: the (case, created_at) index below serves every lookup by case.
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="messages", db_index=False)
    topic = models.CharField(_("topic"), max_length=40, blank=True)  # e.g. "case_opened"
    dedupe_key = models.CharField(_("deduplication key"), max_length=120, null=True, blank=True,
                                  unique=True)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Which plug-in sent it (email, sms_aliyun, sms_tencent, wecom_robot, console) and the
    # provider's id of the message (Alibaba BizId, Tencent SerialNo), for the provider's support.
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    provider_ref = models.CharField(_("provider reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due",
                         condition=Q(status__in=["pending", "sending"])),
            models.Index(fields=["case", "created_at"], name="message_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"
