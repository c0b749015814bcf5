"""Attachments (S1.3): files per step and per case are capped by the policy
(settings.attachments); a file stays on disk only if its row commits; the worker removes
orphaned files once they are a day old."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.models import Attachment, Case
from aftersales.cases.services import attachments as a
from aftersales.cases.tests import factories as f
from aftersales.core.errors import ValidationError

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def png(i: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"p{i}.png", PNG + str(i).encode())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def open_case(policies, clock, agent, media):
    order = f.order()
    return s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])


def _files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def test_the_shipped_policy_caps_files_per_step_and_per_case(open_case):
    limits = a.attachment_limits(a.case_document(open_case))
    assert (limits.max_files_per_request, limits.max_files_per_case) == (10, 50)


def test_a_case_holds_at_most_the_policys_number_of_files(open_case, agent, media):
    limit = a.attachment_limits(a.case_document(open_case)).max_files_per_case
    for i in range(limit):
        s.attachment_add(case=open_case, actor=agent, upload=png(i))
    with pytest.raises(ValidationError) as caught:
        s.attachment_add(case=open_case, actor=agent, upload=png(limit))
    assert caught.value.code == "too_many_files"
    assert Attachment.objects.filter(case=open_case).count() == limit
    assert len(_files(media)) == limit


def test_a_portal_step_with_40_photos_is_refused_and_nothing_is_stored(order_for_portal, media):
    client = Client()
    order = order_for_portal
    client.post(reverse("portal:index"), {"order_number": order.number,
                                          "phone": order.customer.phone})
    client.post(reverse("portal:items"), {"qty_1": "1", "kind": "return"})
    r = client.post(reverse("portal:problem"), {
        "reason": "quality", "description": "开线", "photos": [png(i) for i in range(40)]})
    assert r.status_code == 200 and "10" in r.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert _files(media) == []


@pytest.fixture
def order_for_portal(policies, clock):
    return f.order()


@pytest.mark.django_db(transaction=True)
def test_a_file_whose_row_does_not_commit_is_removed(clock, media, monkeypatch):
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.cases.tests.conftest import _ensure_policies

    _ensure_policies()
    agent = UserFactory(roles=["customer_service"])
    case = s.case_open(kind="return", channel="phone", actor=agent, order=f.order(),
                       lines=[{"line_no": 1, "quantity": 1}])

    def fail(**kwargs):
        raise RuntimeError("the database went away before commit")

    monkeypatch.setattr(a.events, "event_attachment_added", fail)
    with pytest.raises(RuntimeError):
        s.attachment_add(case=case, actor=agent, upload=png(1))
    assert not Attachment.objects.exists() and _files(media) == []
    # a service that stores files inside its own transaction: removed once it rolled back
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        a.store_attachment(case=locked, actor=agent, upload=png(2))
        assert len(_files(media)) == 1
        raise RuntimeError("a later step failed")
    assert a.attachment_files_uncommitted_remove() == 1
    assert _files(media) == []
    # and a committed one stays
    monkeypatch.undo()
    att = s.attachment_add(case=case, actor=agent, upload=png(3))
    assert a.attachment_files_uncommitted_remove() == 0
    assert [p.name for p in _files(media)] == [os.path.basename(att.file.name)]


def test_orphans_older_than_a_day_are_removed_and_nothing_else(open_case, agent, media, clock):
    kept = s.attachment_add(case=open_case, actor=agent, upload=png(1))
    folder = media / os.path.dirname(kept.file.name)
    old_orphan, new_orphan = folder / "AS-x-old.png", folder / "AS-x-new.png"
    old_orphan.write_bytes(PNG)
    new_orphan.write_bytes(PNG)
    now = clock.at.timestamp()
    for path in (new_orphan,):
        os.utime(path, (now - 3600, now - 3600))
    for path in (old_orphan, media / kept.file.name):
        os.utime(path, (now - 2 * 86400, now - 2 * 86400))
    assert a.attachment_orphans_remove() == 1
    assert sorted(p.name for p in _files(media)) == sorted(
        [new_orphan.name, os.path.basename(kept.file.name)])


def test_the_worker_runs_the_orphan_job(db, media, capsys, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections",
                        lambda: None)
    monkeypatch.setattr("aftersales.cases.management.commands.worker._orphans_due", [0.0])
    call_command("worker", "--once")
    assert '"orphan_files": 0' in capsys.readouterr().out
