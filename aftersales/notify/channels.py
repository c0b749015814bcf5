"""Delivery channels of the outbox. E-mail goes through Django's e-mail backend; SMS and WeChat
are plug-ins a deployment configures later (until then their messages fail visibly)."""

from django.conf import settings
from django.core.mail import send_mail

from aftersales.notify.models import Channel, Message


class ChannelNotConfigured(Exception):
    pass


class EmailChannel:
    def send(self, message: Message) -> None:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL,
                  [message.recipient], fail_silently=False)


class UnconfiguredChannel:
    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, message: Message) -> None:
        raise ChannelNotConfigured(f"no {self.name} gateway is configured")


def channel_for(code: str):
    """The sender for a channel code; a deployment adds SMS/WeChat senders here."""
    if code == Channel.EMAIL:
        return EmailChannel()
    return UnconfiguredChannel(code)
