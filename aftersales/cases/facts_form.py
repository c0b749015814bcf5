"""The facts form, shared by the case page, the intake page and the portal (docs/case-facts.md):
the case page's "facts" panel: what the policy decides from — each
line's condition (returns and exchanges), the evidence the policy's rules read, the catalogue
goods wanted (exchanges) — the unit's earlier repairs and exchanges, and the facts the decision
states (in warranty S8.2, warranty card S10.4) with a person's override. The portal shows the
customer's part of the same form."""

from __future__ import annotations

from aftersales.cases.history import decided_facts, evidence_asked, unit_history
from aftersales.cases.labels import condition_labels, decision_fact_labels, evidence_labels
from aftersales.cases.models import Case, CaseKind
from aftersales.cases.selectors import case_document, resolve_policy
from aftersales.cases.services.act import ActInput
from aftersales.cases.services.common import order_placed_date
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
    categories = {ln.order_line.product.category.code for ln in lines
                  if ln.order_line.product_id and ln.order_line.product.category_id}
    asked = evidence_asked(document=case_document(case), kind=case.kind,
                           categories=categories if lines else None)
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


def _yes_no(value: str):
    """A condition check from a form: yes, no, or not known (left out)."""
    return {"1": True, "0": False, "": None}.get(value.strip(), value)


def facts_input(post) -> ActInput:
    """The facts form (templates/cases/_facts.html, the portal's too): only the parts the form
    showed are changed. Conditions: ``condition_line`` names each line, ``cond_<line>_<check>``
    is 1/0/empty; evidence: the ``evidence`` boxes ticked; goods wanted: ``exchange_sku`` and
    ``exchange_qty`` rows."""
    conditions = None
    if "condition_line" in post:
        conditions = {}
        for line in post.getlist("condition_line"):
            prefix = f"cond_{line}_"
            conditions[line] = {k[len(prefix):]: _yes_no(v) for k, v in post.items()
                                if k.startswith(prefix)}
    evidence = post.getlist("evidence") if ("evidence" in post
                                            or "evidence_shown" in post) else None
    goods = None
    if "exchange_sku" in post:
        quantities = post.getlist("exchange_qty")
        goods = [{"sku": sku.strip(), "quantity": quantities[i] if i < len(quantities) else 1}
                 for i, sku in enumerate(post.getlist("exchange_sku")) if sku.strip()]
    return ActInput(conditions=conditions, evidence=evidence, exchange_for=goods)


def intake_facts_post(post, order, kind: str):
    """The posted facts the chosen kind needs (docs/case-facts.md): each line's condition for
    a return or an exchange, the evidence, the goods wanted for an exchange alone. Lines are
    named by line number on this page (``cond_<line_no>_<check>``)."""
    post = post.copy()
    if kind not in CONDITION_KINDS:
        for key in [k for k in post if k.startswith("cond_")]:
            del post[key]
    elif order is not None:
        post.setlist("condition_line", [str(ol.line_no) for ol in order.lines.all()])
    if kind != CaseKind.EXCHANGE and "exchange_sku" in post:
        del post["exchange_sku"]
    return post


def intake_facts_context(order, post, *, kind: str | None = None) -> dict:
    """What the intake page asks about the order's items, per kind of case: condition checks
    (returns, exchanges), the evidence each kind's rules read (by the order's policy), the
    exchangeable catalogue goods with price and points."""
    _version, document = resolve_policy(business_line=order.business_line,
                                        at_date=order_placed_date(order))
    names = evidence_labels()
    categories = {ol.product.category.code for ol in order.lines.all()
                  if ol.product_id and ol.product.category_id}
    kinds_of: dict[str, list[str]] = {}
    kinds = (kind,) if kind else (CaseKind.RETURN, CaseKind.EXCHANGE, CaseKind.REPAIR,
                                  CaseKind.REFUND_ONLY)
    for each in kinds:
        for code in evidence_asked(document=document, kind=each, categories=categories):
            kinds_of.setdefault(code, []).append(each)
    ticked = set(post.getlist("evidence")) if post is not None else set()
    return {
        "condition_checks": list(condition_labels().items()),
        "intake_evidence": [{"code": c, "label": names[c], "kinds": " ".join(k),
                             "held": c in ticked} for c, k in kinds_of.items()],
        "goods": list(exchange_goods()[:GOODS_SHOWN]) if kind in (None, CaseKind.EXCHANGE)
        else [],
        "ask_condition": kind in (None, *CONDITION_KINDS),
        "wanted_sku": post.get("exchange_sku", "") if post is not None else "",
    }
