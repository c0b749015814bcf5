"""Queue and deliver outbox messages (issue 4 item 9).

`message_queue` is called inside the business action's transaction: the row commits or rolls
back with the action. `message_deliver_due` (run by `aftersales worker`) sends due messages,
retrying failures with exponential backoff until NOTIFY_MAX_ATTEMPTS. A failing channel never
blocks the business step: its message stays in the outbox with the attempts and the error.
`customer_messages_build` routes a customer's message to the channels that reach them (an
e-mail address: e-mail; a phone: the configured SMS provider); a staff escalation also goes to
the WeCom group robot when one is configured (docs/notifications.md).
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aftersales.core.money import yuan
from aftersales.notify.channels import channel_for, route, wecom_configured
from aftersales.notify.models import Channel, Message, MessageStatus
from aftersales.notify.texts import email_text, sms_text

log = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: base × 2^(n-1), capped."""
    base = _setting("NOTIFY_RETRY_BASE_SECONDS", 60)
    cap = _setting("NOTIFY_RETRY_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def message_queue(*, channel: str, recipient: str, subject: str, body: str, case=None,
                  topic: str = "", dedupe_key: str | None = None,
                  params: dict[str, Any] | None = None) -> Message | None:
    """Queue one message; None when there is no recipient or the dedupe key was used already.
    A staff escalation is also queued for the WeCom group robot when one is configured."""
    if not recipient:
        return None
    if dedupe_key and Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = message_build(channel=channel, recipient=recipient, subject=subject, body=body,
                            case=case, topic=topic, dedupe_key=dedupe_key, params=params)
    message.save(force_insert=True)
    for extra in staff_copies([message]):
        if not (extra.dedupe_key and Message.objects.filter(dedupe_key=extra.dedupe_key)
                .exists()):
            extra.save(force_insert=True)
    return message


def message_build(*, channel: str, recipient: str, subject: str, body: str, case=None,
                  topic: str = "", dedupe_key: str | None = None,
                  params: dict[str, Any] | None = None) -> Message:
    """One message, unsaved, due now (a caller that inserts it with other rows)."""
    return Message(channel=channel, recipient=recipient[:200], subject=str(subject)[:200],
                   body=str(body), case=case, topic=topic, dedupe_key=dedupe_key,
                   params=_plain(params or {}), next_attempt_at=timezone.now())


def messages_queue_bulk(messages: list[Message]) -> None:
    """Queue many (the SLA sweep); rows whose dedupe key exists are skipped. Staff escalations
    also go to the WeCom group robot when one is configured."""
    now = timezone.now()
    messages = list(messages) + staff_copies(messages)
    for m in messages:
        m.next_attempt_at = m.next_attempt_at or now
    Message.objects.bulk_create(messages, ignore_conflicts=True)


def _plain(params: dict[str, Any]) -> dict[str, str]:
    """Template parameters as text (amounts as ¥1,234.50, dates as given), for JSON and the
    SMS."""
    out = {}
    for key, value in params.items():
        if value is None or value == "":
            continue
        out[str(key)] = yuan(value) if isinstance(value, Decimal) else str(value)
    return out


def staff_copies(messages: list[Message]) -> list[Message]:
    """The WeCom group robot's copy of each staff escalation (topics in NOTIFY_STAFF_TOPICS),
    when the robot is configured; the e-mail to the person stays."""
    if not wecom_configured():
        return []
    topics = set(_setting("NOTIFY_STAFF_TOPICS", ("sla_escalation",)))
    out = []
    for m in messages:
        if m.channel != Channel.EMAIL or m.topic not in topics:
            continue
        copy = Message(channel=Channel.WECOM, recipient=m.recipient, subject=m.subject,
                       body=m.body, case_id=m.case_id, topic=m.topic, params=m.params,
                       dedupe_key=f"{m.dedupe_key}:wecom"[:120] if m.dedupe_key else None,
                       next_attempt_at=m.next_attempt_at)
        out.append(copy)
    return out


def customer_messages_build(*, email: str, phone: str, number: str, topic: str, subject: str,
                            body: str, link: str, case=None, dedupe_key: str | None = None,
                            params: dict[str, Any] | None = None) -> list[Message]:
    """A customer's message(s) for one step, unsaved, on every channel that reaches them: the
    full e-mail to an address, the short SMS (its provider template's parameters kept) to a
    phone when SMS is enabled (NOTIFY_CUSTOMER_CHANNELS, set when a provider is configured).
    A customer no channel reaches is logged as a warning."""
    values = _plain({"number": number, "title": subject, **(params or {}), "link": link})
    out = []
    if email:
        out.append(message_build(
            channel=Channel.EMAIL, recipient=email, subject=f"[{number}] {subject}",
            body=email_text(body=body, number=number, link=link), case=case, topic=topic,
            dedupe_key=dedupe_key, params=values))
    sms_on = Channel.SMS in _setting("NOTIFY_CUSTOMER_CHANNELS", ("email",))
    if phone and sms_on:
        out.append(message_build(
            channel=Channel.SMS, recipient=phone, subject=f"[{number}] {subject}",
            body=sms_text(topic, values), case=case, topic=topic,
            dedupe_key=f"{dedupe_key}:sms" if dedupe_key else None, params=values))
    if not out:
        log.warning("case %s: %s is not sent, no channel reaches the customer (%s)", number,
                    topic, "a phone but no SMS provider: set AFTERSALES_SMS_PROVIDER"
                    if phone else "no e-mail address or phone")
    return out


def _claim(now: datetime, limit: int) -> list[Message]:
    due = (Message.objects.filter(status__in=[MessageStatus.PENDING, MessageStatus.SENDING],
                                  next_attempt_at__lte=now)
           .order_by("next_attempt_at", "id"))
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = list(due.select_for_update(skip_locked=True)[:limit])
        else:
            rows = list(due[:limit])
        # A message being sent is invisible to other workers until its lease runs out.
        lease = now + timedelta(seconds=_setting("NOTIFY_SEND_LEASE_SECONDS", 300))
        ids = [m.pk for m in rows]
        Message.objects.filter(pk__in=ids).update(status=MessageStatus.SENDING,
                                                  next_attempt_at=lease)
    return rows


def message_deliver_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send every due message once; returns counts {"sent", "retry", "failed"}."""
    now = now or timezone.now()
    max_attempts = _setting("NOTIFY_MAX_ATTEMPTS", 8)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message in _claim(now, limit):
        attempts = message.attempts + 1
        try:
            ref = channel_for(message.channel).send(message) or ""
        except Exception as exc:  # any sender failure is recorded and retried
            log.warning("message %s failed: %s", message.pk, exc)
            failed = attempts >= max_attempts
            Message.objects.filter(pk=message.pk).update(
                attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:2000],
                provider=route(message.channel) or "",
                status=MessageStatus.FAILED if failed else MessageStatus.PENDING,
                next_attempt_at=None if failed else now + retry_delay(attempts))
            counts["failed" if failed else "retry"] += 1
        else:
            Message.objects.filter(pk=message.pk).update(
                attempts=attempts, status=MessageStatus.SENT, sent_at=timezone.now(),
                next_attempt_at=None, last_error="", provider=route(message.channel) or "",
                provider_ref=str(ref)[:100])
            counts["sent"] += 1
    return counts


def messages_retry(*, ids: list[int]) -> int:
    """Put failed messages back in the queue now (the admin's "retry" action)."""
    return Message.objects.filter(pk__in=ids, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, next_attempt_at=timezone.now(), attempts=0)
