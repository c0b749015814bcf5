"""Changing what the policy decides from (docs/case-facts.md): each line's condition, the
evidence held, the goods wanted in exchange, the damage cause. The customer on the portal and
the staff on the case page and the API change them through case_update_facts; a verified
return, exchange, repair or refund is then evaluated again (agreement.decide_again), so the
options always answer the facts on record.

Only what the case's kind needs is taken: goods in exchange for an exchange alone."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.labels import condition_labels, evidence_labels
from aftersales.cases.models import Case, CaseKind
from aftersales.cases.services.agreement import EVALUABLE, decide_again
from aftersales.cases.services.common import lock_case, save_case, staff
from aftersales.cases.services.facts_input import (
    clean_condition,
    clean_damage_cause,
    clean_evidence,
    clean_exchange_for,
)
from aftersales.cases.services.intake_input import Problems, whole_number
from aftersales.cases.services.permissions import require_works_on
from aftersales.core.errors import Conflict


def _summary(changed: dict[str, Any], line_names: dict[int, str]) -> str:
    """The change in words, for the timeline."""
    labels = condition_labels()
    parts = []
    for pk, condition in (changed.get("conditions") or {}).items():
        checks = [f"{labels[k]}{'✓' if v else '✗'}" for k, v in condition.items()] or ["—"]
        parts.append(_("%(line)s: %(checks)s") % {"line": line_names.get(pk, pk),
                                                  "checks": ", ".join(checks)})
    if "evidence" in changed:
        names = evidence_labels()
        parts.append(_("Evidence: %(list)s")
                     % {"list": ", ".join(names[e] for e in changed["evidence"]) or "—"})
    if "exchange_for" in changed:
        goods = [f"{x['name']} ×{x['quantity']}" for x in changed["exchange_for"]] or ["—"]
        parts.append(_("Wanted in exchange: %(list)s") % {"list": ", ".join(goods)})
    if "damage_cause" in changed:
        parts.append(_("Damage cause: %(cause)s") % {"cause": changed["damage_cause"] or "—"})
    return "; ".join(parts)


@transaction.atomic
def case_update_facts(*, case: Case | int, actor, conditions: dict[Any, Any] | None = None,
                      evidence: list[str] | None = None,
                      exchange_for: list[dict] | None = None, damage_cause: str | None = None,
                      expected_version: int | None = None) -> Case:
    """Replace the facts given (None: unchanged). ``conditions``: CaseLine pk → {check: yes/no}
    (the line's whole condition); ``evidence``: the evidence kinds held; ``exchange_for``:
    [{"sku", "quantity"}] of the catalogue. Everything is checked before anything is stored.
    Who: the customer (portal) or a person whose role works on the case now."""
    case = lock_case(case, expected_version=expected_version)
    if case.is_closed:
        raise Conflict(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    require_works_on(case, actor, customer=True)
    problems = Problems()
    lines = {ln.pk: ln for ln in case.lines.select_related("order_line")}
    cleaned: dict[int, dict[str, bool]] = {}
    for key, raw in (conditions or {}).items():
        pk = whole_number(key)
        if pk not in lines:
            problems.add(f"lines.{key}", _("That line is not on the case."))
        else:
            cleaned[pk] = clean_condition(problems, f"lines.{key}.condition", raw)
    new_evidence = clean_evidence(problems, evidence) if evidence is not None else None
    if exchange_for and case.kind != CaseKind.EXCHANGE:
        problems.add("exchange_for", _("Goods in exchange are asked for in an exchange only."))
    goods = clean_exchange_for(problems, exchange_for) if exchange_for is not None else None
    cause = clean_damage_cause(problems, damage_cause) if damage_cause is not None else None
    problems.raise_any()

    changed: dict[str, Any] = {}
    for pk, condition in cleaned.items():
        if (lines[pk].condition or {}) != condition:
            lines[pk].condition = condition
            lines[pk].save(update_fields=["condition"])
            changed.setdefault("conditions", {})[pk] = condition
    fields = []
    for name, value in (("evidence", new_evidence), ("exchange_for", goods),
                        ("damage_cause", cause)):
        if value is not None and value != (getattr(case, name) or type(value)()):
            setattr(case, name, value)
            fields.append(name)
            changed[name] = value
    if not changed:
        return case
    names = {pk: ln.order_line.name for pk, ln in lines.items()}
    data = {"note": _summary(changed, names),
            "changed": {**changed, "conditions": {
                str(lines[pk].order_line.line_no): c
                for pk, c in (changed.get("conditions") or {}).items()}}}
    if case.kind in EVALUABLE and case.verified_at is not None and case.order_id is not None:
        decide_again(case, actor=actor, fields=fields, data=data)
    else:  # nothing to decide yet: the facts wait for verification
        save_case(case, fields, actor)
        events.event_fact_recorded(case=case, actor=staff(actor), data=data)
    return case
