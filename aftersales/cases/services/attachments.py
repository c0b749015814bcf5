"""Attachments: photos, videos and PDFs on a case (S1.3).

A file is checked by its bytes (cases.files.sniff), by size, and counted against the policy's
limits (``settings.attachments`` of the policy document: max_bytes, max_files_per_request,
max_files_per_case). A file is on disk only while its row exists:

- it is written inside the transaction that inserts its row; if that transaction does not
  commit, the file is removed when the code that started the transaction gets control back
  (attachment_add, or the end of the request for any other service that stores files);
- a process that dies in between leaves an orphan, which attachment_orphans_remove() (run by
  the worker) deletes once it is a day old.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.files import sniff
from aftersales.cases.models import Attachment, Case
from aftersales.cases.services.common import (
    actor_label,
    case_document,
    lock_case,
    resolve_policy,
    save_case,
    staff,
)
from aftersales.cases.services.permissions import require_may_attach
from aftersales.core.errors import ValidationError
from aftersales.policy.engine.document import AttachmentLimits

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
              "image/heic": "heic", "image/heif": "heif", "video/mp4": "mp4",
              "video/quicktime": "mov", "application/pdf": "pdf"}
UPLOAD_DIR = "cases"  # Attachment.file's upload_to root
ORPHAN_AGE = timedelta(days=1)


def _bytes_limit(limits: AttachmentLimits) -> int:
    """One file's size limit: the policy's, else the server's CASE_ATTACHMENT_MAX_BYTES."""
    return limits.max_bytes or int(getattr(settings, "CASE_ATTACHMENT_MAX_BYTES",
                                           20 * 1024 * 1024))


def attachment_limits(document: dict[str, Any]) -> AttachmentLimits:
    """The limits of a merged policy document (its ``settings.attachments``)."""
    section = (document.get("settings") or {}).get("attachments") or {}
    return AttachmentLimits.model_validate(section)


def attachment_limits_for_business_line(business_line: str) -> AttachmentLimits:
    """The limits in force for new cases of a business line (before a case exists)."""
    _version, document = resolve_policy(business_line=business_line)
    return attachment_limits(document)


def attachments_check_count(*, limits: AttachmentLimits, count: int,
                            existing: int = 0) -> None:
    """Refuse a step with more files than a request may carry or the case may hold."""
    if count > limits.max_files_per_request:
        raise ValidationError(
            _("At most %(n)d files at a time.") % {"n": limits.max_files_per_request},
            code=CaseErrorCode.TOO_MANY_FILES, fields={"file": _("too many files")})
    if existing + count > limits.max_files_per_case:
        raise ValidationError(
            _("A case holds at most %(n)d files.") % {"n": limits.max_files_per_case},
            code=CaseErrorCode.TOO_MANY_FILES, fields={"file": _("too many files")})


def attachment_check(upload, *, limits: AttachmentLimits) -> tuple[bytes, str, str, str]:
    """(bytes, safe name, content type, kind) of an acceptable upload; raise otherwise."""
    limit = _bytes_limit(limits)
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    name = str(getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][-200:]
    if size > limit:
        raise ValidationError(
            _("%(name)s is too large: %(size)d MB at most.")
            % {"name": name, "size": max(1, limit // (1024 * 1024))},
            code=CaseErrorCode.FILE_TOO_LARGE, fields={"file": _("too large")})
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = sniff(data[:64])
    if kind is None:
        raise ValidationError(
            _("%(name)s is not a photo, video or PDF (JPEG, PNG, GIF, WEBP, HEIC, MP4, MOV, "
              "PDF).") % {"name": name},
            code=CaseErrorCode.FILE_TYPE_NOT_ALLOWED, fields={"file": _("type not allowed")})
    return data, name, kind[0], kind[1]


# ----------------------------------------------------------------- files of uncommitted rows
_pending = threading.local()


def _pending_names() -> set[str]:
    if not hasattr(_pending, "names"):
        _pending.names = set()
    return _pending.names


def _written(name: str) -> None:
    """Remember a file written in the current transaction until that transaction commits."""
    _pending_names().add(name)
    transaction.on_commit(lambda: _pending_names().discard(name))


def attachment_files_uncommitted_remove() -> int:
    """Delete the files written by transactions that ended without committing. Only outside
    every transaction: inside one, a file's row may still commit."""
    if transaction.get_connection().in_atomic_block:
        return 0
    names = _pending_names()
    removed = 0
    while names:  # no name is shared: the storage gives a second file of that name a suffix
        default_storage.delete(names.pop())
        removed += 1
    return removed


def store_attachment(*, case: Case, actor, upload, by_customer: bool = False) -> Attachment:
    """Check and store one file on a locked case (no event; callers record theirs).

    The type is read from the bytes, the size and the case's file count are limited by the
    policy; a refused file stores nothing."""
    limits = attachment_limits(case_document(case))
    attachments_check_count(limits=limits, count=1, existing=case.attachments.count())
    data, name, content_type, att_kind = attachment_check(upload, limits=limits)
    att = Attachment(case=case, kind=att_kind, content_type=content_type, size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), original_name=name,
                     uploaded_by=staff(actor), by_customer=by_customer)
    att.file.save(f"{case.number}-{att.sha256[:12]}.{EXTENSIONS[content_type]}",
                  ContentFile(data), save=False)
    _written(att.file.name)
    att.save(force_insert=True)
    evidence = set(case.evidence or [])
    if att_kind != "document":  # a PDF's meaning (invoice, report…) is stated by the agent
        evidence.add("photos" if att_kind == "photo" else "video")
    case.evidence = sorted(evidence)
    return att


def attachment_add(*, case: Case, actor, upload, by_customer: bool = False,
                   expected_version: int | None = None) -> Attachment:
    """Attach a photo, video or PDF to an open case (S1.3); a refused file stores nothing."""
    try:
        return _attachment_add(case=case, actor=actor, upload=upload, by_customer=by_customer,
                               expected_version=expected_version)
    finally:
        attachment_files_uncommitted_remove()


@transaction.atomic
def _attachment_add(*, case: Case, actor, upload, by_customer: bool,
                    expected_version: int | None) -> Attachment:
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise ValidationError(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_may_attach(case, actor, by_customer=by_customer)
    att = store_attachment(case=case, actor=actor, upload=upload, by_customer=by_customer)
    save_case(case, ["evidence"], actor)
    events.event_attachment_added(case=case, actor=staff(actor),
                                  actor_label=actor_label(actor), data={
                                      "attachment": att.pk, "name": att.original_name,
                                      "kind": att.kind, "content_type": att.content_type,
                                      "size": att.size})
    return att


# ----------------------------------------------------------------- orphans (worker job)
def _files_under(directory: str):
    subdirs, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}"
    for sub in subdirs:
        yield from _files_under(f"{directory}/{sub}")


def attachment_orphans_remove(*, older_than: timedelta = ORPHAN_AGE, batch: int = 500) -> int:
    """Delete upload files that no attachment row names and that are older than ``older_than``
    (left by a process that died between writing a file and committing its row)."""
    if not default_storage.exists(UPLOAD_DIR):
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    chunk: list[str] = []

    def sweep(names: list[str]) -> int:
        known = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
        gone = 0
        for name in names:
            if name not in known and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                gone += 1
        return gone

    for name in _files_under(UPLOAD_DIR):
        chunk.append(name)
        if len(chunk) >= batch:
            removed += sweep(chunk)
            chunk = []
    return removed + (sweep(chunk) if chunk else 0)
