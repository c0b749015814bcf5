"""Queue and deliver outbox messages (issue 4 item 9).

`message_queue` is called inside the business action's transaction: the row commits or rolls
back with the action. `message_deliver_due` (run by `aftersales worker`) sends due messages,
retrying failures with exponential backoff until NOTIFY_MAX_ATTEMPTS.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aftersales.notify.channels import channel_for
from aftersales.notify.models import Message, MessageStatus

log = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: base × 2^(n-1), capped."""
    base = _setting("NOTIFY_RETRY_BASE_SECONDS", 60)
    cap = _setting("NOTIFY_RETRY_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def message_queue(*, channel: str, recipient: str, subject: str, body: str, case=None,
                  topic: str = "", dedupe_key: str | None = None) -> Message | None:
    """Queue one message; None when there is no recipient or the dedupe key was used already."""
    if not recipient:
        return None
    if dedupe_key and Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = message_build(channel=channel, recipient=recipient, subject=subject, body=body,
                            case=case, topic=topic, dedupe_key=dedupe_key)
    message.save(force_insert=True)
    return message


def message_build(*, channel: str, recipient: str, subject: str, body: str, case=None,
                  topic: str = "", dedupe_key: str | None = None) -> Message:
    """One message, unsaved, due now (a caller that inserts it with other rows)."""
    return Message(channel=channel, recipient=recipient[:200], subject=str(subject)[:200],
                   body=str(body), case=case, topic=topic, dedupe_key=dedupe_key,
                   next_attempt_at=timezone.now())


def messages_queue_bulk(messages: list[Message]) -> None:
    """Queue many (the SLA sweep); rows whose dedupe key exists are skipped."""
    now = timezone.now()
    for m in messages:
        m.next_attempt_at = m.next_attempt_at or now
    Message.objects.bulk_create(messages, ignore_conflicts=True)


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
            channel_for(message.channel).send(message)
        except Exception as exc:  # any sender failure is recorded and retried
            log.warning("message %s failed: %s", message.pk, exc)
            failed = attempts >= max_attempts
            Message.objects.filter(pk=message.pk).update(
                attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:2000],
                status=MessageStatus.FAILED if failed else MessageStatus.PENDING,
                next_attempt_at=None if failed else now + retry_delay(attempts))
            counts["failed" if failed else "retry"] += 1
        else:
            Message.objects.filter(pk=message.pk).update(
                attempts=attempts, status=MessageStatus.SENT, sent_at=timezone.now(),
                next_attempt_at=None, last_error="")
            counts["sent"] += 1
    return counts


def messages_retry(*, ids: list[int]) -> int:
    """Put failed messages back in the queue now (the admin's "retry" action)."""
    return Message.objects.filter(pk__in=ids, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, next_attempt_at=timezone.now(), attempts=0)
