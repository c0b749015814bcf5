"""evaluate(): request + policy → the POLICY-API Decision dict (deterministic, JSON-ready)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .context import Context, Option
from .document import (
    ENGINE_KEYS,
    CompiledPolicy,
    PolicyDocumentError,
    compile_document,
    load_document,
    merge_documents,
    validate_document,
)
from .request import Request, parse_request

# Facts a decision states (set by the ladder and warranty_card kinds).
DECISION_FACTS = ("in_warranty", "warranty_card")


def evaluate(request: Request | dict[str, Any], document: dict[str, Any] | CompiledPolicy, *,
             calendar: Any, version_label: str | None = None) -> dict[str, Any]:
    """The decision for one request under one (merged) policy document.

    Eligibility rules run in order and offer/block resolutions; every offered, unblocked
    resolution becomes an option; terms rules then fill in money, shipping and deadlines.
    Raises the calendar's CalendarYearMissing when a date needs a year without data.
    """
    req = request if isinstance(request, Request) else parse_request(request)
    policy = document if isinstance(document, CompiledPolicy) else compile_document(document)
    ctx = Context(req, policy, calendar)
    eligibility, terms = policy.rules_for(req.kind, req.reason)
    for rule, check in eligibility:
        if check and not rule.applies.rest_matches(req):
            continue
        if rule.applies.resolutions is None or not rule.applies.resolutions.isdisjoint(
                ctx.open_resolutions()):
            rule.kind.apply(ctx, rule)
    default_payer = policy.settings.default_shipping_paid_by
    open_ = ctx.open_resolutions()
    open_.sort(key=lambda r: r != ctx.requested)  # the requested resolution first
    ctx.options = [Option(resolution=r, shipping_paid_by=default_payer) for r in open_]
    evidence = ctx.facts.get("evidence_required")
    for rule, check in terms:
        if not ctx.options:
            break
        if check and not rule.applies.rest_matches(req):
            continue
        if rule.applies.resolutions is None or any(
                o.resolution in rule.applies.resolutions for o in ctx.options):
            rule.kind.apply(ctx, rule)
    options = []
    for opt in ctx.options:
        data = opt.as_json()
        if evidence:
            data["evidence_required"] = list(evidence)
        options.append(data)
    if not options and all(r["passed"] for r in ctx.reasons):
        # POLICY-API: a refusal names at least one failed reason
        ctx.reasons.append({"rule": "policy", "passed": False, "source": policy.name,
                            "message": {"zh": "本政策没有可提供的处理方案",
                                        "en": "this policy offers no resolution for the request"}})
    decision: dict[str, Any] = {
        "allowed": bool(options),
        "policy": {"name": policy.name, "version": version_label or policy.version},
        "options": options,
        "reasons": ctx.reasons,
    }
    # What the rules found about the unit, for the case's workflow facts of the same name
    # (S8.2 in warranty, S10.4 warranty card in time); only those a rule determined.
    facts = {k: ctx.facts[k] for k in DECISION_FACTS if k in ctx.facts}
    if facts:
        decision["facts"] = facts
    return decision


# ---------------------------------------------------------------------------- files
def load_policy_file(path: str | Path, *, _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Load policies/<name>.yaml, resolving ``extends`` from sibling files; returns the merged
    document with the engine's part fully validated. Other apps' top-level sections (quality,
    refunds, returns, charges, …) are left out: their validators run in the policy app, whose
    database-backed loader (aftersales.policy.documents) also refuses unknown sections."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raw = None  # load_document names the line
    if isinstance(raw, dict) and set(raw) - ENGINE_KEYS:
        doc = {k: v for k, v in raw.items() if k in ENGINE_KEYS}
        validate_document(doc, source=str(path))
    else:
        doc = load_document(text, source=str(path))
    parent_name = doc.get("extends")
    if parent_name:
        if parent_name in _seen:
            raise PolicyDocumentError(str(path), "extends", "circular extends")
        parent = load_policy_file(path.with_name(f"{parent_name}.yaml"),
                                  _seen=(*_seen, doc.get("name", "")))
        doc = merge_documents(parent, doc)
        validate_document(doc, source=str(path), partial=False)
    return doc
