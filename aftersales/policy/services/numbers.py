"""Editing a policy's everyday numbers through a form (numbers.py): the new version is the
newest version's YAML text with those numbers replaced, checked and saved by the same
``policy_version_check`` / ``policy_version_save`` as the YAML editor, so a number out of
range is refused the same way there and here, and the version has the same diff and author.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.policy import numbers
from aftersales.policy.models import Policy, PolicyVersion, VersionOrigin

from .versions import policy_version_check, policy_version_save


def may_edit_policies(user) -> bool:
    """Who may edit policies (the YAML editor and the number form): the administrator role
    (a superuser counts as one) or the policy.change_policy permission."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and (
        user.has_role("admin") or user.has_perm("policy.change_policy")))


@dataclass(frozen=True)
class NumbersDraft:
    latest: PolicyVersion
    text: str
    changes: list[numbers.Change]
    diff: str


def _latest(policy: Policy) -> PolicyVersion:
    latest = policy.versions.order_by("-number").first()
    if latest is None:
        raise ValidationError(_("The policy has no version yet."),
                              fields={"policy": _("no version")})
    return latest


def policy_numbers_draft(*, actor, policy: Policy, values: dict[str, str],
                         based_on: int | None = None) -> NumbersDraft:
    """The newest version with ``values`` (field key -> text) written in, validated as a
    whole; saves nothing. Raises ValidationError with ``fields`` keyed by the number's field
    key (a value out of range, not a number) or by the document path (the document check),
    Conflict when a newer version than ``based_on`` exists."""
    if not may_edit_policies(actor):
        raise PermissionDenied(_("You may not edit policies."))
    latest = _latest(policy)
    if based_on is not None and based_on != latest.number:
        raise Conflict(_("Someone saved version %(n)s of this policy in the meantime: "
                         "look at it and enter your changes again.") % {"n": latest.number},
                       fields={"based_on": str(latest.number)})
    found = numbers.numbers_of(latest.source_text)
    text, changes, errors = numbers.numbers_apply(latest.source_text, found, values)
    if errors:
        raise ValidationError(_("Some values can't be used: see the marked fields."),
                              fields=errors)
    if not changes:
        raise ValidationError(_("Nothing changed: the values are those of the newest version."),
                              fields={"__all__": _("nothing changed")})
    policy_version_check(name=policy.name, text=text)  # the YAML editor's validation
    diff = "".join(difflib.unified_diff(
        latest.source_text.splitlines(keepends=True), text.splitlines(keepends=True),
        fromfile=f"{policy.name} v{latest.number}", tofile=f"{policy.name} (draft)"))
    return NumbersDraft(latest=latest, text=text, changes=changes, diff=diff)


def _summary(changes: list[numbers.Change]) -> str:
    parts = [f"{c.number.label}: {numbers.format_value(c.old, c.number.kind) or '—'} → "
             f"{numbers.format_value(c.new, c.number.kind) or '—'}" for c in changes]
    return _("Numbers changed on the form: %(list)s") % {"list": "; ".join(parts)}


@transaction.atomic
def policy_numbers_save(*, actor, policy: Policy, values: dict[str, str],
                        effective_from: date, based_on: int, comment: str = ""
                        ) -> PolicyVersion:
    """Save the numbers as the policy's next version (the YAML editor's service, origin
    "edited on the page"); the comment lists every number changed, old → new."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    draft = policy_numbers_draft(actor=actor, policy=policy, values=values, based_on=based_on)
    summary = _summary(draft.changes)
    return policy_version_save(
        policy=policy, text=draft.text, effective_from=effective_from, actor=actor,
        comment=f"{comment.strip()}\n{summary}" if comment.strip() else summary,
        origin=VersionOrigin.EDITOR)
