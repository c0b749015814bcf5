"""Saving policy versions and loading the shipped policy files (ARCHITECTURE "Rules as data")."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import DEFAULT_POLICY
from aftersales.core.errors import ValidationError
from aftersales.policy import documents
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.models import Policy, PolicyVersion, VersionOrigin

from .resolve import policy_resolve


def default_policy_dir() -> Path:
    return Path(getattr(settings, "AFTERSALES_POLICY_DIR", settings.PROJECT_DIR / "policies"))


def _business_line(name: str, doc: dict) -> str:
    if doc.get("business_line"):
        return str(doc["business_line"])
    for line, policy_name in DEFAULT_POLICY.items():
        if policy_name == name:
            return str(line)
    return ""


def _title(doc: dict, name: str) -> str:
    title = doc.get("title") or name
    if isinstance(title, dict):  # {"zh": ..., "en": ...}
        title = title.get("zh") or title.get("en") or name
    return str(title)[:200]


def _diff(previous: PolicyVersion | None, text: str, *, name: str, number: int) -> str:
    old = previous.source_text if previous else ""
    old_name = f"{name} v{previous.number}" if previous else "/dev/null"
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), text.splitlines(keepends=True),
        fromfile=old_name, tofile=f"{name} v{number}",
    ))


def policy_version_check(*, name: str, text: str, source: str | None = None,
                         doc: dict | None = None) -> tuple[dict, dict, Policy | None]:
    """Parse and validate a draft (merged with its parent's latest version), saving nothing.

    Returns (document, merged document, parent policy or None); raises ValidationError
    (PolicyDocumentError) naming file, path and problem.
    """
    source = source or f"{name}.yaml"
    if doc is None:
        doc = documents.parse_text(text, source=source)
    if not isinstance(doc, dict):
        raise ValidationError(_("%(source)s: the policy must be a mapping.") % {"source": source},
                              code=PolicyErrorCode.POLICY_DOCUMENT,
                              fields={"yaml": _("must be a mapping")})
    doc_name = doc.get("name")
    if doc_name is not None and str(doc_name) != name:
        raise ValidationError(
            _("%(source)s: name: is %(found)s, expected %(name)s")
            % {"source": source, "found": doc_name, "name": name},
            code=PolicyErrorCode.POLICY_DOCUMENT, fields={"name": _("does not match the policy")},
        )
    parent = None
    parent_merged = None
    if parent_name := doc.get("extends"):
        parent = Policy.objects.filter(name=str(parent_name)).first()
        if parent is None or parent.name == name:
            raise ValidationError(
                _("%(source)s: extends: unknown parent policy %(parent)s")
                % {"source": source, "parent": parent_name},
                code=PolicyErrorCode.POLICY_DOCUMENT, fields={"extends": _("unknown policy")},
            )
        parent_merged = policy_resolve(name=parent.name)[1]
    merged = documents.merge(parent_merged, doc)
    documents.validate_merged(merged, source=source)
    return doc, merged, parent


def _check_children(policy: Policy, merged: dict) -> None:
    """A parent's new version must still give every child a valid document."""
    for child in policy.children.all():
        latest = child.versions.order_by("-number").first()
        if latest is None:
            continue
        documents.validate_merged(documents.merge(merged, latest.document),
                                  source=f"{child.name}.yaml (with the new {policy.name})")


@transaction.atomic
def policy_version_save(*, policy: Policy | str, text: str, effective_from: date | None = None,
                        actor=None, comment: str = "",
                        origin: str = VersionOrigin.EDITOR,
                        source: str | None = None, _doc: dict | None = None) -> PolicyVersion:
    """Validate ``text`` (merged with its parent) and save it as the policy's next version.

    ``policy`` may be a Policy or a name (created if new). The effective date defaults to the
    document's ``effective_from``. Raises ValidationError naming file, path and problem.
    """
    name = policy.name if isinstance(policy, Policy) else str(policy)
    source = source or f"{name}.yaml"
    doc, merged, parent = policy_version_check(name=name, text=text, source=source, doc=_doc)
    if effective_from is None:
        if doc.get("effective_from") is None:
            raise ValidationError(
                _("%(source)s: effective_from: missing") % {"source": source},
                code=PolicyErrorCode.POLICY_DOCUMENT, fields={"effective_from": _("missing")},
            )
        effective_from = documents.effective_date(doc["effective_from"], source=source)
    if not isinstance(policy, Policy):
        policy, _created = Policy.objects.get_or_create(
            name=name, defaults={"title": _title(doc, name),
                                 "business_line": _business_line(name, doc)})
    policy = Policy.objects.select_for_update().get(pk=policy.pk)  # numbers stay unique
    _check_children(policy, merged)
    previous = policy.versions.order_by("-number").first()
    number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    label = str(doc.get("version") or effective_from.isoformat())
    if policy.versions.filter(label=label).exists():
        label = f"{label} (v{number})"
    version = PolicyVersion.objects.create(
        policy=policy, number=number, label=label[:80], effective_from=effective_from,
        document=documents.jsonable(doc), source_text=text, origin=origin,
        author=actor, comment=comment,
        diff_from_previous=_diff(previous, text, name=name, number=number),
        content_hash=documents.content_hash(text),
    )
    changed = []
    if policy.parent_id != (parent.pk if parent else None):
        policy.parent = parent
        changed.append("parent")
    if policy.title != _title(doc, name):
        policy.title = _title(doc, name)
        changed.append("title")
    if changed:
        policy.save(update_fields=changed)
    return version


def _parents_first(files: list[documents.PolicyFile], docs: dict[str, dict]
                   ) -> list[documents.PolicyFile]:
    by_name = {f.name: f for f in files}
    ordered: list[documents.PolicyFile] = []
    seen: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in seen or name not in by_name:
            return
        if name in trail:
            raise ValidationError(
                _("%(source)s: extends: circular (%(chain)s)")
                % {"source": by_name[name].source, "chain": " → ".join(trail + (name,))},
                code=PolicyErrorCode.POLICY_DOCUMENT, fields={"extends": _("circular")},
            )
        parent = docs[name].get("extends")
        if parent:
            visit(str(parent), trail + (name,))
        seen.add(name)
        ordered.append(by_name[name])

    for f in files:
        visit(f.name, ())
    return ordered


@transaction.atomic
def policies_load_directory(*, path: Path | str | None = None, actor=None) -> list[PolicyVersion]:
    """Load every policy file of ``path`` (default: the shipped ``policies/``), parents first.

    Idempotent: a policy gets a new version only when its file content changed since the last
    version loaded from file (edits made on the page are not overwritten by an unchanged file).
    Returns the versions created.
    """
    path = Path(path) if path else default_policy_dir()
    files = documents.read_directory(path)
    last_hash = dict(PolicyVersion.objects.filter(origin=VersionOrigin.FILE)
                     .order_by("policy__name", "number")
                     .values_list("policy__name", "content_hash"))  # the newest wins
    changed = [f for f in files if last_hash.get(f.name) != documents.content_hash(f.text)]
    docs = {f.name: documents.parse_text(f.text, source=f.source) for f in changed}
    created = []
    for f in _parents_first(changed, docs):
        created.append(policy_version_save(
            policy=f.name, text=f.text, actor=actor, origin=VersionOrigin.FILE,
            comment=str(_("Loaded from %(file)s") % {"file": f.source}), source=f.source,
            _doc=docs[f.name],
        ))
    return created
