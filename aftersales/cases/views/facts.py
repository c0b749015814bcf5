"""The case page's "facts" panel (docs/case-facts.md): what the policy decides from — each
line's condition (returns and exchanges), the evidence the policy's rules read, the catalogue
goods wanted (exchanges) — the unit's earlier repairs and exchanges, and the facts the decision
states (in warranty S8.2, warranty card S10.4) with a person's override. The portal shows the
customer's part of the same form."""

from __future__ import annotations

from aftersales.cases.history import decided_facts, evidence_asked, unit_history
from aftersales.cases.labels import condition_labels, decision_fact_labels, evidence_labels
from aftersales.cases.models import Case, CaseKind
from aftersales.cases.selectors import case_document
from aftersales.catalog.selectors import exchange_goods
from aftersales.policy.engine.request import CONDITION_KEYS

# Kinds whose goods come back: the item's condition decides (B7-8/9, S4.2, S9.1).
CONDITION_KINDS = {CaseKind.RETURN, CaseKind.EXCHANGE}
GOODS_SHOWN = 300  # the catalogue's exchangeable goods offered in the picker


def facts_form(case: Case, lines: list) -> dict:
    """What the facts form shows for this case: only what its kind needs."""
    labels = condition_labels()
    conditions = []
    if case.kind in CONDITION_KINDS:
        for line in lines:
            current = line.condition or {}
            conditions.append({"line": line, "checks": [
                {"key": k, "label": labels[k], "value": current.get(k)}
                for k in CONDITION_KEYS]})
    asked = evidence_asked(document=case_document(case), kind=case.kind)
    held = list(case.evidence or [])
    names = evidence_labels()
    evidence = [{"code": e, "label": names[e], "held": e in held}
                for e in [*asked, *(e for e in held if e not in asked)]]
    goods = list(exchange_goods()[:GOODS_SHOWN]) if case.kind == CaseKind.EXCHANGE else []
    wanted = list(case.exchange_for or [])
    return {"conditions": conditions, "evidence": evidence,
            "exchange": case.kind == CaseKind.EXCHANGE, "goods": goods, "wanted": wanted,
            "wanted_rows": [*wanted, {}],  # one empty row to add goods
            "any": bool(conditions or evidence or case.kind == CaseKind.EXCHANGE)}


def facts_context(case: Case, lines: list) -> dict:
    labels = decision_fact_labels()
    decided = [{"code": k, "label": labels[k], **v} for k, v in decided_facts(case).items()]
    return {"facts_form": facts_form(case, lines), "decided_facts": decided,
            "history": unit_history(case=case, case_lines=lines) if lines else {}}
