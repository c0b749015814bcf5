"""Which version applies (S9.7) and its merged document, cached in-process.

Versions never change once saved, so a parsed document is cached by (version id, content
hash) and a merged document by the chain of those keys; the hash keeps a reused id (SQLite
after a rollback) from ever returning another version's document.
"""

from __future__ import annotations

import time
from datetime import date
from threading import Lock
from typing import Any

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ValidationError
from aftersales.policy import documents
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.models import PolicyVersion

_lock = Lock()
_docs: dict[tuple[int, str], dict] = {}
_merged: dict[tuple[tuple[int, str], ...], dict] = {}
_compiled: dict[tuple[tuple[int, str], ...], Any] = {}
_MAX_ENTRIES = 2000


def clear_cache() -> None:
    with _lock:
        _docs.clear()
        _merged.clear()
        _compiled.clear()
        _listing.clear()
        _listing_stamp[0] = None
        _stamp_checked[0] = None


def _key(version: PolicyVersion) -> tuple[int, str]:
    return (version.pk, version.content_hash)


def version_document(version: PolicyVersion, *, name: str = "") -> dict:
    """The version's own (unmerged) document: the stored JSON (no YAML parse on the hot path;
    it was validated when saved)."""
    key = _key(version)
    doc = _docs.get(key)
    if doc is None:
        doc = PolicyVersion.objects.values_list("document", flat=True).get(pk=version.pk)
        with _lock:
            if len(_docs) > _MAX_ENTRIES:
                _docs.clear()
            _docs[key] = doc
    return doc


def _pick(versions: list[PolicyVersion], *, number: int | str | None, at: date | None,
          name: str) -> PolicyVersion:
    if number is not None and number != "":
        # An explicit version: its number (2) or its label ("2025-01-01", as decisions show it).
        for v in versions:
            if v.label == str(number) or (str(number).isdigit() and v.number == int(number)):
                return v
        raise ValidationError(
            _("Policy %(name)s has no version %(number)s.") % {"name": name, "number": number},
            code=PolicyErrorCode.UNKNOWN_POLICY_VERSION,
            fields={"policy_version": _("no such version of this policy")},
        )
    if at is None:
        return max(versions, key=lambda v: v.number)
    in_force = [v for v in versions if v.effective_from <= at]
    if not in_force:
        # Bought before the first version took effect: the earliest version is the closest.
        return min(versions, key=lambda v: (v.effective_from, v.number))
    return max(in_force, key=lambda v: (v.effective_from, v.number))


_listing: dict[str, list[PolicyVersion]] = {}
_listing_stamp: list = [None]
# When the stamp was last read (time.monotonic()): within STAMP_TTL_S the listing is trusted
# without asking the database (issue 4 item 11a: one round trip less per intake). A version
# saved or deleted in this process clears it at once (signals below); another process's new
# version is seen at most STAMP_TTL_S later. Tests clear the cache before each test
# (conftest.py), as a rolled-back version sends no signal.
STAMP_TTL_S = 2.0
_stamp_checked: list = [None]


def _stamp() -> tuple:
    """Changes whenever a version is added or removed (also after a rolled-back test): count,
    newest id and newest creation time. One small raw query instead of an ORM query per policy.
    """
    table = PolicyVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(id), MAX(created_at) FROM {table}")  # noqa: S608
        return tuple(cursor.fetchone())


def _refresh_listing() -> None:
    """Every policy's versions (without their documents), re-read only when the stamp moved;
    the stamp itself is read at most every STAMP_TTL_S seconds."""
    checked = _stamp_checked[0]
    started = time.monotonic()
    if (checked is not None and _listing_stamp[0] is not None
            and started - checked < STAMP_TTL_S):
        return
    stamp = _stamp()
    if stamp != _listing_stamp[0]:
        listing: dict[str, list[PolicyVersion]] = {}
        for row in (PolicyVersion.objects.order_by()
                    .values_list("id", "policy_id", "number", "label", "effective_from",
                                 "content_hash", "policy__name")):
            pk, policy_id, number, label, effective_from, content_hash, policy_name = row
            listing.setdefault(policy_name, []).append(PolicyVersion(
                id=pk, policy_id=policy_id, number=number, label=label,
                effective_from=effective_from, content_hash=content_hash))
        with _lock:
            _listing.clear()
            _listing.update(listing)
            _listing_stamp[0] = stamp
    _stamp_checked[0] = started


def _versions_changed(**_kwargs) -> None:
    """A version or policy was saved or deleted here: re-read the stamp on the next resolve
    (cache invalidation only, no domain logic)."""
    _stamp_checked[0] = None


for _model in ("Policy", "PolicyVersion"):
    post_save.connect(_versions_changed, sender=f"policy.{_model}",
                      dispatch_uid=f"policy-resolve-{_model}-saved")
    post_delete.connect(_versions_changed, sender=f"policy.{_model}",
                        dispatch_uid=f"policy-resolve-{_model}-deleted")


def _versions(name: str, *, field: str) -> list[PolicyVersion]:
    versions = _listing.get(name)
    if not versions:
        raise ValidationError(
            _("Unknown policy: %(name)s") % {"name": name}, code=PolicyErrorCode.UNKNOWN_POLICY,
            fields={field: _("no such policy")},
        )
    return versions


def policy_chain(*, name: str, version: int | str | None = None, at: date | None = None
                 ) -> list[tuple[PolicyVersion, dict]]:
    """The versions applying at ``at``, root parent first, each with its own document.

    ``version`` pins the named policy's version (an explicit ``policy_version`` wins, S9.7);
    its parents are taken at the same date.
    """
    _refresh_listing()
    chain: list[tuple[PolicyVersion, dict]] = []
    seen: set[str] = set()
    current, number, field = name, version, "policy"
    while current:
        if current in seen:
            raise ValidationError(_("Policy %(name)s extends itself.") % {"name": current},
                                  code=PolicyErrorCode.POLICY_DOCUMENT,
                                  fields={"extends": _("circular")})
        seen.add(current)
        picked = _pick(_versions(current, field=field), number=number, at=at, name=current)
        doc = version_document(picked, name=current)
        chain.append((picked, doc))
        current, number, field = doc.get("extends"), None, "extends"
        current = str(current) if current else None
    chain.reverse()
    return chain


def merge_chain(docs: list[dict]) -> dict:
    merged: dict | None = None
    for doc in docs:
        merged = documents.merge(merged, doc)
    return merged or {}


def policy_resolve(*, name: str, version: int | str | None = None, at: date | None = None
                   ) -> tuple[PolicyVersion, dict]:
    """(version in force, merged document) for ``name`` (S9.7).

    ``at`` is the order's placed date: the latest version with effective_from <= at applies; an
    explicit ``version`` (number or label) wins; ``at=None`` means the newest version. Unknown
    policy or version raises ValidationError naming "policy" / "policy_version".
    """
    if not isinstance(name, str) or not name:
        raise ValidationError(_("Which policy?"), code=PolicyErrorCode.UNKNOWN_POLICY,
                              fields={"policy": _("required")})
    chain = policy_chain(name=name, version=version, at=at)
    key = tuple(_key(v) for v, _doc in chain)
    merged = _merged.get(key)
    if merged is None:
        merged = merge_chain([doc for _v, doc in chain])
        with _lock:
            if len(_merged) > _MAX_ENTRIES:
                _merged.clear()
            _merged[key] = merged
    return chain[-1][0], merged


def compiled(version: PolicyVersion, merged: dict) -> Any:
    """The engine's compiled form of a merged document when it offers one, else the document."""
    from aftersales.policy import engine

    compile_document = getattr(engine, "compile_document", None)
    if compile_document is None:
        return merged
    key = (id(merged),)
    hit = _compiled.get(key)
    if hit is None or hit[0] is not merged:
        hit = (merged, compile_document(merged))
        with _lock:
            if len(_compiled) > _MAX_ENTRIES:
                _compiled.clear()
            _compiled[key] = hit
    return hit[1]
