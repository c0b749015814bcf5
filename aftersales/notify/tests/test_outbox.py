"""The outbox (issue 4 item 9): delivered by the worker through Django's e-mail backend, failures
retried with exponential backoff, then marked failed for the admin to retry."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from aftersales.notify.models import Message, MessageStatus
from aftersales.notify.services import message_deliver_due, message_queue, messages_retry

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_MAX_ATTEMPTS = 3


class Broken:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_queued_email_is_sent_once(db, locmem):
    message_queue(channel="email", recipient="a@example.com", subject="您好", body="正文")
    assert message_deliver_due()["sent"] == 1
    assert message_deliver_due()["sent"] == 0
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert Message.objects.get().status == MessageStatus.SENT


def test_a_failing_backend_retries_with_growing_backoff_then_fails(db, locmem, settings,
                                                                   monkeypatch):
    monkeypatch.setattr("django.core.mail.get_connection",
                        lambda *a, **k: Broken())
    m = message_queue(channel="email", recipient="a@example.com", subject="s", body="b")
    Message.objects.filter(pk=m.pk).update(next_attempt_at=NOW)

    message_deliver_due(now=NOW)
    m.refresh_from_db()
    assert (m.status, m.attempts, m.next_attempt_at) == (
        MessageStatus.PENDING, 1, NOW + timedelta(seconds=60))
    assert "smtp down" in m.last_error

    # not due yet: nothing happens
    assert message_deliver_due(now=NOW + timedelta(seconds=30)) == {
        "sent": 0, "retry": 0, "failed": 0}
    message_deliver_due(now=NOW + timedelta(seconds=60))
    m.refresh_from_db()
    assert (m.attempts, m.next_attempt_at) == (2, NOW + timedelta(seconds=180))

    message_deliver_due(now=NOW + timedelta(seconds=180))
    m.refresh_from_db()
    assert (m.status, m.attempts, m.next_attempt_at) == (MessageStatus.FAILED, 3, None)

    # the admin's retry puts it back in the queue
    assert messages_retry(ids=[m.pk]) == 1
    m.refresh_from_db()
    assert m.status == MessageStatus.PENDING


def test_sms_without_a_gateway_is_a_visible_failure(db, locmem):
    message_queue(channel="sms", recipient="13800000000", subject="", body="b")
    assert message_deliver_due()["retry"] == 1
    assert "gateway" in Message.objects.get().last_error


def test_a_dedupe_key_queues_once(db):
    assert message_queue(channel="email", recipient="a@x.cn", subject="s", body="b",
                         dedupe_key="k1")
    assert message_queue(channel="email", recipient="a@x.cn", subject="s", body="b",
                         dedupe_key="k1") is None
    assert Message.objects.count() == 1


def test_worker_once_sweeps_and_delivers(db, locmem, capsys, monkeypatch):
    # The task loop closes "old" connections between tasks; inside a test's transaction that
    # would close the test's own connection (as Django's test client also avoids).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections",
                        lambda: None)
    message_queue(channel="email", recipient="a@example.com", subject="s", body="b")
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert '"sent": 1' in out and '"sla"' in out
    assert len(mail.outbox) == 1
