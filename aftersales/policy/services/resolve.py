"""Which version applies (S9.7) and its merged document, cached in-process.

The listing of versions, each version's document, each merged chain and its compiled form are
kept in aftersales.core.cache: saving or deleting a policy or a version moves the cache stamp
(PolicyConfig.ready watches both models), so every process reads them again after such a
change and never before. A document is also keyed by its content hash, so a reused id (SQLite
after a rollback) can never return another version's document.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core import cache
from aftersales.core.errors import ValidationError
from aftersales.policy import documents, engine
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.models import PolicyVersion


def _key(version: PolicyVersion) -> tuple[int, str]:
    return (version.pk, version.content_hash)


def version_document(version: PolicyVersion, *, name: str = "") -> dict:
    """The version's own (unmerged) document: the stored JSON (no YAML parse on the hot path;
    it was validated when saved)."""
    return cache.memo("policy.document", _key(version), lambda: PolicyVersion.objects
                      .values_list("document", flat=True).get(pk=version.pk))


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


def _listing() -> dict[str, list[PolicyVersion]]:
    """Every policy's versions (without their documents), by policy name."""
    listing: dict[str, list[PolicyVersion]] = {}
    for row in (PolicyVersion.objects.order_by()
                .values_list("id", "policy_id", "number", "label", "effective_from",
                             "content_hash", "policy__name")):
        pk, policy_id, number, label, effective_from, content_hash, policy_name = row
        listing.setdefault(policy_name, []).append(PolicyVersion(
            id=pk, policy_id=policy_id, number=number, label=label,
            effective_from=effective_from, content_hash=content_hash))
    return listing


def _versions(name: str, *, field: str) -> list[PolicyVersion]:
    versions = cache.memo("policy.listing", None, _listing).get(name)
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
    merged = cache.memo("policy.merged", key, lambda: merge_chain([doc for _v, doc in chain]))
    return chain[-1][0], merged


def compiled(version: PolicyVersion, merged: dict) -> Any:
    """The engine's compiled form of a merged document (compiled once per document)."""
    return engine.compile_document(merged)
