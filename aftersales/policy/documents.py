"""Policy documents on disk: one ``<name>.yaml`` plus an optional ``<name>.workflow.yaml``.

The two files become ONE YAML text (the workflow file's content under the top-level key
``workflow``) so that a version is a single document an administrator can read and edit.
Other apps validate their own sections: they call ``register_section_validator(key, fn)`` in
their AppConfig.ready(); ``fn(section, *, source)`` raises aftersales.core.errors.ValidationError.
The engine (aftersales.policy.engine, pure Python) validates the rest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ValidationError
from aftersales.policy import engine
from aftersales.policy.errors import PolicyErrorCode

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster

WORKFLOW_SUFFIX = ".workflow.yaml"
POLICY_SUFFIX = ".yaml"

SectionValidator = Callable[..., None]
_SECTION_VALIDATORS: dict[str, SectionValidator] = {}


def register_section_validator(key: str, fn: SectionValidator) -> None:
    """Let another app validate the top-level section ``key`` of every merged policy document."""
    _SECTION_VALIDATORS[key] = fn


def section_validators() -> dict[str, SectionValidator]:
    return dict(_SECTION_VALIDATORS)


@dataclass(frozen=True)
class PolicyFile:
    name: str
    text: str  # the combined YAML text (policy + workflow section)
    source: str  # file name(s), for error messages


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def combine_texts(policy_text: str, workflow_text: str | None, *, source: str,
                  workflow_source: str = "") -> str:
    """The policy YAML with the workflow file's content appended under ``workflow:``."""
    if not workflow_text or not workflow_text.strip():
        return policy_text
    try:
        parsed = yaml.load(workflow_text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source=workflow_source) from exc
    if not isinstance(parsed, dict):
        raise ValidationError(
            _("%(source)s: the workflow file must be a mapping.") % {"source": workflow_source},
            code=PolicyErrorCode.POLICY_DOCUMENT, fields={"workflow": _("must be a mapping")},
        )
    try:
        policy = yaml.load(policy_text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source=source) from exc
    if isinstance(policy, dict) and "workflow" in policy:
        raise ValidationError(
            _("%(source)s: the workflow is both in the policy file and in %(workflow)s.")
            % {"source": source, "workflow": workflow_source},
            code=PolicyErrorCode.POLICY_DOCUMENT, fields={"workflow": _("defined twice")},
        )
    lines = [ln for ln in workflow_text.splitlines() if ln.strip() not in ("---", "...")]
    if set(parsed) == {"workflow"}:
        body = "\n".join(lines)  # the file already has the key
    else:
        body = "workflow:\n" + "\n".join(("  " + ln) if ln.strip() else "" for ln in lines)
    return (policy_text.rstrip("\n") + f"\n\n# ---- {workflow_source}\n" + body + "\n")


def read_directory(path: Path) -> list[PolicyFile]:
    """Every ``<name>.yaml`` in ``path`` with its optional ``<name>.workflow.yaml``."""
    path = Path(path)
    if not path.is_dir():
        raise ValidationError(
            _("Policy directory %(path)s does not exist.") % {"path": path},
            code=PolicyErrorCode.POLICY_DIRECTORY, fields={"path": _("not a directory")},
        )
    files = []
    for policy_path in sorted(path.glob("*" + POLICY_SUFFIX)):
        if policy_path.name.endswith(WORKFLOW_SUFFIX):
            continue
        name = policy_path.name[: -len(POLICY_SUFFIX)]
        workflow_path = path / (name + WORKFLOW_SUFFIX)
        workflow_text = workflow_path.read_text("utf-8") if workflow_path.exists() else None
        text = combine_texts(policy_path.read_text("utf-8"), workflow_text,
                             source=policy_path.name, workflow_source=workflow_path.name)
        source = policy_path.name + (f" + {workflow_path.name}" if workflow_text else "")
        files.append(PolicyFile(name=name, text=text, source=source))
    return files


def _yaml_error(exc: yaml.YAMLError, *, source: str) -> ValidationError:
    mark = getattr(exc, "problem_mark", None)
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
    problem = getattr(exc, "problem", None) or str(exc)
    return ValidationError(
        _("%(where)s: not valid YAML: %(problem)s") % {"where": where, "problem": problem},
        code=PolicyErrorCode.POLICY_DOCUMENT, fields={"yaml": f"{where}: {problem}"},
    )


def jsonable(doc: Any) -> Any:
    """The document as JSON would store it (dates as ISO strings)."""

    def default(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return value.isoformat()
        return str(value)

    return json.loads(json.dumps(doc, default=default, ensure_ascii=False))


def parse_text(text: str, *, source: str) -> dict:
    """Load one version's YAML text and check it as the engine's load_document does, but with
    libyaml (the shipped policies load several times faster); raises PolicyDocumentError."""
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return engine.load_document(text, source=source)  # raises, naming the line
    if doc is None:
        doc = {}
    # Sections another app validates (workflow, returns, charges, …) are not the engine's.
    validators = section_validators()
    engine.validate_document({k: v for k, v in doc.items() if k not in validators}
                             if isinstance(doc, dict) else doc, source=source)
    return doc


def validate_merged(merged: dict, *, source: str) -> None:
    """The engine's checks, then every registered section validator (e.g. "workflow")."""
    validators = section_validators()
    engine_part = {k: v for k, v in merged.items() if k not in validators}
    engine.validate_document(engine_part, source=source)
    for key, fn in validators.items():
        if key in merged:
            fn(merged[key], source=source)


def merge(parent: dict | None, child: dict) -> dict:
    if parent is None:
        return child
    return engine.merge_documents(parent, child)


def effective_date(value: Any, *, source: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("%(source)s: effective_from: not a date (YYYY-MM-DD): %(value)s")
            % {"source": source, "value": value},
            code=PolicyErrorCode.POLICY_DOCUMENT,
            fields={"effective_from": _("not a date (YYYY-MM-DD)")},
        ) from exc
