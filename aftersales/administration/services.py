"""Settings actions that belong to no lower app: a test message through a channel.

The message goes through the outbox like every other (notify.services.message_queue, delivered
by `aftersales worker`), so the test proves the whole path, worker and provider included; the
SettingsChange row records who asked for it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import SettingsAction
from aftersales.accounts.services import may_manage_settings, settings_change_record
from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.notify.channels import route
from aftersales.notify.models import Channel, Message
from aftersales.notify.services import message_queue

TEST_TOPIC = "settings_test"


@transaction.atomic
def channel_test_send(*, actor, channel: str, recipient: str) -> Message:
    """Queue one test message on ``channel`` to ``recipient`` (an e-mail address, a phone
    number; the WeCom robot's group needs none)."""
    if not may_manage_settings(actor):
        raise PermissionDenied(_("Only the system administrator may change these settings."))
    if channel not in (Channel.EMAIL, Channel.SMS, Channel.WECOM):
        raise ValidationError(_("Unknown channel."), fields={"channel": _("unknown channel")})
    recipient = (recipient or "").strip()
    if channel == Channel.WECOM:
        recipient = recipient or "wecom-group"
    if route(channel) is None:
        message = _("This channel is not configured: set it up first.")
        raise ValidationError(message, fields={"channel": message})
    if not recipient:
        raise ValidationError(_("Enter who gets the test message."),
                              fields={"recipient": _("required")})
    if channel == Channel.EMAIL and "@" not in recipient:
        raise ValidationError(_("Enter an e-mail address."),
                              fields={"recipient": _("not an e-mail address")})
    if channel == Channel.SMS and not recipient.lstrip("+").isdigit():
        raise ValidationError(_("Enter a mobile phone number."),
                              fields={"recipient": _("not a phone number")})
    settings_change_record(actor=actor, action=SettingsAction.CHANNEL_TEST,
                           target=f"channel {channel}", changes={"recipient": [None, recipient]})
    subject = _("Test message from the after-sales system")
    body = _("This is a test message sent by %(who)s from the settings pages. "
             "If you can read it, the channel works.") % {"who": str(actor)}
    message = message_queue(channel=channel, recipient=recipient, subject=subject, body=body,
                            topic=TEST_TOPIC, params={"number": "TEST", "title": subject,
                                                       "link": ""})
    return message
