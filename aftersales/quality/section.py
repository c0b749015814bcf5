"""The ``quality`` section of a policy document (docs/policy-format.md): the defect codes an
inspection may name, per business line (each business policy carries its own list).

    quality:
      defect_codes:
        - {code: leak, label: {zh: 漏水, en: Leak}}
        - {code: misuse, label: {zh: 使用不当, en: Misuse}, responsibility: customer,
           damage_cause: misuse}
        - {code: used, label: {zh: 已使用, en: Used}, responsibility: customer,
           condition: {unused: false}}

``responsibility`` is the usual one (the form preselects it); ``damage_cause`` (a POLICY-API
damage cause) and ``condition`` (POLICY-API condition keys) are what the defect means for the
policy decision: an inspection naming the code re-evaluates the case with them.
``warehouse_inspects: true`` lets the warehouse record the simple inspection on receipt of a
consumer return (S5.5); responsibility stays quality's judgment (S2.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationError
from aftersales.core.labels import pick_label
from aftersales.policy.engine.request import CONDITION_KEYS, DAMAGE_CAUSES

RESPONSIBILITIES = ("company", "customer", "supplier", "factory", "carrier")
SECTION = "quality"


@dataclass(frozen=True)
class DefectCode:
    code: str
    label: dict[str, str]
    responsibility: str = ""
    damage_cause: str = ""
    condition: dict[str, bool] = field(default_factory=dict)


def _fail(source: str, path: str, problem: str) -> ValidationError:
    return ValidationError(f"{source}: {path}: {problem}", fields={path: problem})


def parse_section(section: Any, *, source: str = "policy") -> dict[str, DefectCode]:
    """The defect codes of a ``quality`` section, by code; raises ValidationError naming the
    path of the first problem."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise _fail(source, "quality", "must be a mapping")
    unknown = set(section) - {"defect_codes", "warehouse_inspects"}
    if unknown:
        raise _fail(source, f"quality.{sorted(unknown)[0]}", "unknown key")
    if not isinstance(section.get("warehouse_inspects", False), bool):
        raise _fail(source, "quality.warehouse_inspects", "must be true or false")
    codes = section.get("defect_codes") or []
    if not isinstance(codes, list):
        raise _fail(source, "quality.defect_codes", "must be a list")
    out: dict[str, DefectCode] = {}
    for i, item in enumerate(codes):
        path = f"quality.defect_codes[{i}]"
        if not isinstance(item, dict):
            raise _fail(source, path, "must be a mapping")
        extra = set(item) - {"code", "label", "responsibility", "damage_cause", "condition"}
        if extra:
            raise _fail(source, f"{path}.{sorted(extra)[0]}", "unknown key")
        code = item.get("code")
        if not isinstance(code, str) or not code or len(code) > 40:
            raise _fail(source, f"{path}.code", "a code of 1-40 characters is required")
        if code in out:
            raise _fail(source, f"{path}.code", f"duplicate code {code}")
        label = item.get("label")
        if (not isinstance(label, dict) or not all(isinstance(label.get(k), str) and label[k]
                                                   for k in ("zh", "en"))):
            raise _fail(source, f"{path}.label", "needs zh and en texts")
        resp = item.get("responsibility", "")
        if resp and resp not in RESPONSIBILITIES:
            raise _fail(source, f"{path}.responsibility",
                        "one of " + ", ".join(RESPONSIBILITIES))
        cause = item.get("damage_cause", "")
        if cause and cause not in DAMAGE_CAUSES:
            raise _fail(source, f"{path}.damage_cause", "one of " + ", ".join(DAMAGE_CAUSES))
        cond = item.get("condition") or {}
        if not isinstance(cond, dict) or any(k not in CONDITION_KEYS or not isinstance(v, bool)
                                             for k, v in cond.items()):
            raise _fail(source, f"{path}.condition",
                        "condition keys (" + ", ".join(CONDITION_KEYS) + ") with true/false")
        out[code] = DefectCode(code=code, label={"zh": label["zh"], "en": label["en"]},
                               responsibility=resp, damage_cause=cause, condition=dict(cond))
    return out


def validate_section(section: Any, *, source: str) -> None:
    """Section validator for aftersales.policy.documents (raises ValidationError)."""
    parse_section(section, source=source)


def defect_codes_of(document: dict) -> dict[str, DefectCode]:
    """The defect codes of a merged policy document (empty when it has no quality section)."""
    return parse_section(document.get(SECTION), source=str(document.get("name") or "policy"))


def defect_label(document: dict, code: str) -> str:
    """A defect code as people read it (its label in the policy), or the code itself."""
    found = defect_codes_of(document).get(code) if code else None
    return pick_label(found.label, code) if found else code


def warehouse_inspects(document: dict) -> bool:
    return bool((document.get(SECTION) or {}).get("warehouse_inspects", False))


def defect_code_check(document: dict, code: str, *, field_name: str = "defect_code"
                      ) -> DefectCode | None:
    """The defect code named, or None for none; an unknown code is a ValidationError."""
    from aftersales.quality.errors import QualityErrorCode

    if not code:
        return None
    found = defect_codes_of(document).get(code)
    if found is None:
        raise ValidationError(_("Choose a defect code from the list."),
                              code=QualityErrorCode.UNKNOWN_DEFECT_CODE,
                              fields={field_name: _("unknown")})
    return found
