"""Policy documents: YAML → dict → validated → merged with the parent → compiled.

Document format (policies/<name>.yaml)::

    name: member-store                  # required, the policy's code
    title: {zh: 会员商城售后政策, en: Member store policy}
    extends: cn-consumer-law            # optional parent policy
    version: "2025-01-01"               # version label
    effective_from: 2025-01-01
    settings:                           # deep-merged with the parent's; only keys code reads
      day_count: legal                  # legal (CC-203 holiday roll) | natural (platforms)
      default_shipping_paid_by: customer  # before shipping rules (engine), return labels
      attachments: {max_files_per_request: 10, max_files_per_case: 50}  # files (cases app)
    rules:                              # ordered; reasons appear in this order per phase
      - id: S4.2-window                 # seed/law id, suffixed when a requirement has several
        kind: window                    # a key of RULE_KINDS
        applies_to: {kinds: [exchange], reasons: [no_reason, other]}
        params: {from: [placed], length: 60, unit: days}
        source: 春芝堂 售后服务及退换货流程 一、受理 1
        message: {zh: ..., en: ...}     # optional: message when passed ({placeholders})
        fail_message: {zh: ..., en: ...}  # optional: message when failed
    workflow: ...                       # ignored here (validated by the workflow app)

applies_to (all optional; a rule applies when every given filter matches): kinds, reasons
(a missing reason counts as "other"), channels and customer_types (an unknown channel/type
matches), key_account, categories / not_categories / tags / not_tags / skus / names (the rule
sees only the requested items that match; it applies when at least one does), resolutions
(applies only while one of them is offered).

Merge semantics (merge_documents(parent, child)):
- scalar keys (name, title, version, effective_from, description): the child's win;
  ``extends`` of the result is the child's (kept for the record).
- settings: deep-merged (dicts recursively, anything else replaced by the child's value).
- rules: the parent's rules in the parent's order. A child rule whose id exists in the parent
  is deep-merged onto it in place (so ``{id: B7-10, params: {roll: none}}`` changes one
  parameter), or replaces it entirely with ``replace: true``; ``enabled: false`` disables it
  (it is dropped when compiled). A child rule with a new id is appended, or inserted with
  ``before: <id>`` / ``after: <id>``. Lists (e.g. params.tags) are replaced, not concatenated.
- workflow: the child's if present, else the parent's.
A child document is checked structurally on its own and fully after the merge.

Evaluation (evaluate.py) runs the rules of phase "eligibility" in order (each may offer or
block resolutions; blocks are final), builds one option per offered, unblocked resolution,
then runs the "terms" rules in order (shipping, refund, difference, quote, deadlines, order).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import yaml
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from aftersales.core import cache
from aftersales.core.errors import ValidationError
from aftersales.policy.errors import PolicyErrorCode

from .kinds import RULE_KINDS, Resolution, RuleKind
from .request import CHANNELS, CUSTOMER_TYPES, KINDS, REASONS, Item, Request


class PolicyDocumentError(ValidationError):
    """A policy document that can't be used; names the file, the path inside it, the problem."""

    code = PolicyErrorCode.POLICY_DOCUMENT_INVALID

    def __init__(self, source: str, path: str, problem: Any) -> None:
        self.source, self.path, self.problem = source, path, problem
        super().__init__(
            _("%(source)s: %(path)s: %(problem)s")
            % {"source": source, "path": path or "(document)", "problem": problem},
            fields={path or "document": problem},
            extra={"source": source, "path": path},
        )


# ---------------------------------------------------------------------------- schema
class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str


class AppliesTo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kinds: list[Literal[KINDS]] | None = None  # type: ignore[valid-type]
    reasons: list[Literal[REASONS]] | None = None  # type: ignore[valid-type]
    channels: list[Literal[CHANNELS]] | None = None  # type: ignore[valid-type]
    customer_types: list[Literal[CUSTOMER_TYPES]] | None = None  # type: ignore[valid-type]
    key_account: bool | None = None
    categories: list[str] | None = None
    not_categories: list[str] | None = None
    tags: list[str] | None = None
    not_tags: list[str] | None = None
    skus: list[str] | None = None
    names: list[str] | None = None
    resolutions: list[Resolution] | None = None


class AttachmentLimits(BaseModel):
    """settings.attachments: files of one step and of one case (read by the cases app)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_bytes: int | None = Field(default=None, gt=0)  # one file; None: the server's setting
    max_files_per_request: int = Field(default=10, ge=1)
    max_files_per_case: int = Field(default=50, ge=1)


# Settings earlier versions carried that no code reads (issue 10 item 11), with where the
# number lives instead. A stored version that has one still loads and decides (the key is
# dropped); a document being saved or loaded from a file is refused (validate_document).
RETIRED_SETTINGS: dict[str, str] = {
    "agent_max_goodwill": "the workflow's authority per role (S1.5)",
    "review_working_days": "the deadlines rule's decide_by (S9.3)",
    "busy_season_fix_days": "not enforced by any rule or workflow SLA (NJ10 农忙)",
    "certificate_reissue_working_days": "not enforced by any rule or workflow SLA (NJ10)",
    "lot_repair_threshold": "the route rule's max_quantity and the workflow's large_lot (S11.1)",
    "onsite_confirm_working_days": "the workflow's SLA (S11.3)",
    "classify_within_days": "the workflow's SLA (S11.5)",
    "disassemble_within_days": "the workflow's SLA (S11.6)",
    "tell_sales_within_days": "not enforced by any rule or workflow SLA (S11.9)",
    "material_preloss": "not read by any app (S11.7)",
    "lens_preloss": "not read by any app (S11.7)",
    "fog_loss": "not read by any app (S11.7)",
    "material_lead_days": "not read by any app (S11.8)",
    "repair_with_stock_days": "the workflow's SLA (S11.8)",
    "fog_step_working_days": "not read by any app (S11.8)",
    "production_after_material_days": "the workflow's SLA (S11.8)",
    "daily_plan_update": "not read by any app (S11.2)",
    "daily_pmc_sync": "not read by any app (S11.10)",
    "late_report_fine_per_day": "the workflow's fines (S3.4)",
    "procedure_fine": "the workflow's fines (S3.4)",
}


class Settings(BaseModel):
    """settings: only values code reads; an unknown key is an error (a typo never passes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # window rules with roll: setting (CC-203): legal rolls a last day off work, natural doesn't
    day_count: Literal["legal", "natural"] = "legal"
    # the options' payer before shipping rules run (engine); the return label (logistics app)
    default_shipping_paid_by: Literal["customer", "company"] = "customer"
    attachments: AttachmentLimits = AttachmentLimits()  # files on a case (cases app)

    @model_validator(mode="before")
    @classmethod
    def _drop_retired(cls, value: Any) -> Any:
        """A stored version with a retired setting still loads (the key is ignored)."""
        if isinstance(value, dict) and not RETIRED_SETTINGS.keys().isdisjoint(value):
            return {k: v for k, v in value.items() if k not in RETIRED_SETTINGS}
        return value


class RuleDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    kind: str
    params: dict[str, Any] = {}
    applies_to: AppliesTo = AppliesTo()
    source: str = ""
    message: Text | None = None
    fail_message: Text | None = None
    enabled: bool = True
    note: str | None = None
    # merge directives (meaningful in a child document only)
    replace: bool = False
    before: str | None = None
    after: str | None = None


class DocumentModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: Text | None = None
    description: str | None = None
    extends: str | None = None
    version: str | None = None
    effective_from: date | None = None
    settings: Settings = Settings()
    rules: list[RuleDoc] = []
    workflow: Any = None  # validated by the workflow app (h6), skipped here


# The top-level keys the engine reads; anything else is another app's section.
ENGINE_KEYS = frozenset(DocumentModel.model_fields)


def _path(loc: tuple[Any, ...], prefix: str = "") -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _raise(source: str, err: PydanticError, prefix: str = "") -> None:
    first = err.errors()[0]
    raise PolicyDocumentError(source, _path(first["loc"], prefix), first["msg"])


# ---------------------------------------------------------------------------- compiled form
class LineFilter:
    __slots__ = ("categories", "not_categories", "tags", "not_tags", "skus", "names", "any")

    def __init__(self, a: AppliesTo) -> None:
        self.categories = frozenset(a.categories) if a.categories is not None else None
        self.not_categories = frozenset(a.not_categories or ())
        self.tags = frozenset(a.tags) if a.tags is not None else None
        self.not_tags = frozenset(a.not_tags or ())
        self.skus = frozenset(a.skus) if a.skus is not None else None
        self.names = frozenset(a.names) if a.names is not None else None
        self.any = any(x is not None for x in (a.categories, a.not_categories, a.tags,
                                               a.not_tags, a.skus, a.names))

    def match(self, item: Item) -> bool:
        ln = item.line
        if self.categories is not None and ln.category not in self.categories:
            return False
        if ln.category in self.not_categories:
            return False
        if self.tags is not None and not (ln.tags & self.tags):
            return False
        if ln.tags & self.not_tags:
            return False
        if self.skus is not None and ln.sku not in self.skus:
            return False
        return not (self.names is not None and ln.name not in self.names)


class Applies:
    __slots__ = ("kinds", "reasons", "channels", "customer_types", "key_account", "lines",
                 "resolutions")

    def __init__(self, a: AppliesTo) -> None:
        self.kinds = frozenset(a.kinds) if a.kinds is not None else None
        self.reasons = frozenset(a.reasons) if a.reasons is not None else None
        self.channels = frozenset(a.channels) if a.channels is not None else None
        self.customer_types = frozenset(a.customer_types) if a.customer_types is not None \
            else None
        self.key_account = a.key_account
        self.lines = LineFilter(a)
        self.resolutions = frozenset(a.resolutions) if a.resolutions is not None else None

    def request_matches(self, req: Request) -> bool:
        if self.kinds is not None and req.kind not in self.kinds:
            return False
        if self.reasons is not None and (req.reason or "other") not in self.reasons:
            return False
        return self.rest_matches(req)

    def kind_reason_match(self, kind: str, reason: str) -> bool:
        return (self.kinds is None or kind in self.kinds) and (
            self.reasons is None or reason in self.reasons)

    @property
    def trivial(self) -> bool:
        """Nothing but kinds/reasons to check (the compiled index already did)."""
        return (self.channels is None and self.customer_types is None
                and self.key_account is None and not self.lines.any)

    def rest_matches(self, req: Request) -> bool:
        o = req.order
        if self.channels is not None and o.channel is not None and o.channel not in self.channels:
            return False
        if self.customer_types is not None and o.customer_type is not None \
                and o.customer_type not in self.customer_types:
            return False
        if self.key_account is not None and o.key_account != self.key_account:
            return False
        return not (self.lines.any and not any(self.lines.match(i) for i in req.items))

    def items(self, req: Request) -> list[Item]:
        if not self.lines.any:
            return list(req.items)
        return [i for i in req.items if self.lines.match(i)]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    kind: RuleKind
    params: Any
    applies: Applies
    source: str
    message: dict[str, str] | None
    fail_message: dict[str, str] | None


# For one (kind, reason): the eligibility and the terms rules, each with "needs more checks".
RuleGroups = tuple[tuple[tuple[CompiledRule, bool], ...], ...]


@dataclass(frozen=True)
class CompiledPolicy:
    name: str
    version: str | None
    settings: Settings
    eligibility: tuple[CompiledRule, ...]
    terms: tuple[CompiledRule, ...]
    document: dict[str, Any] = field(repr=False, compare=False)
    # (request kind, reason) → (eligibility, terms) rules whose kinds/reasons filters match,
    # each with a flag "needs the remaining checks" (channels, customer, lines)
    index: dict[tuple[str, str], RuleGroups] = field(default_factory=dict, repr=False,
                                                      compare=False)
    # window rule id → the window rules it is an alternative to (both ways round)
    alternatives: dict[str, tuple[CompiledRule, ...]] = field(default_factory=dict, repr=False,
                                                              compare=False)

    def rules_for(self, kind: str, reason: str | None) -> RuleGroups:
        return self.index[(kind, reason or "other")]


def _parse(doc: Any, source: str) -> tuple[DocumentModel, list[tuple[RuleDoc, Any]]]:
    if not isinstance(doc, dict):
        raise PolicyDocumentError(source, "", _("A policy document must be a mapping."))
    try:
        model = DocumentModel.model_validate(doc)
    except PydanticError as exc:
        _raise(source, exc)
    seen: dict[str, int] = {}
    parsed = []
    for i, rule in enumerate(model.rules):
        if rule.id in seen:
            raise PolicyDocumentError(source, f"rules[{i}].id",
                                      _("Duplicate rule id %(id)s (also rules[%(other)s]).")
                                      % {"id": rule.id, "other": seen[rule.id]})
        seen[rule.id] = i
        kind = RULE_KINDS.get(rule.kind)
        if kind is None:
            raise PolicyDocumentError(source, f"rules[{i}].kind",
                                      _("Unknown rule kind %(kind)r; known kinds: %(known)s.")
                                      % {"kind": rule.kind, "known": ", ".join(sorted(RULE_KINDS))})
        try:
            params = kind.params.model_validate(rule.params)
        except PydanticError as exc:
            _raise(source, exc, f"rules[{i}].params")
        parsed.append((rule, params))
    _check_alternatives(parsed, source)
    return model, parsed


def _check_alternatives(parsed: list[tuple[RuleDoc, Any]], source: str) -> None:
    """A window's `alternatives` name other window rules of the same document."""
    kinds = {rule.id: rule.kind for rule, _params in parsed}
    for i, (rule, params) in enumerate(parsed):
        for j, other in enumerate(getattr(params, "alternatives", None) or ()):
            if kinds.get(other) != "window" or other == rule.id:
                raise PolicyDocumentError(
                    source, f"rules[{i}].params.alternatives[{j}]",
                    _("%(id)s is not another window rule of this policy.") % {"id": other})


def _check_partial(doc: Any, source: str) -> None:
    """A child document before merging: structure only (its rules may be patches)."""
    if not isinstance(doc, dict):
        raise PolicyDocumentError(source, "", _("A policy document must be a mapping."))
    rules = doc.get("rules", [])
    if not isinstance(rules, list):
        raise PolicyDocumentError(source, "rules", _("Must be a list."))
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise PolicyDocumentError(source, f"rules[{i}]", _("Must be a mapping."))
        if not isinstance(rule.get("id"), str) or not rule["id"]:
            raise PolicyDocumentError(source, f"rules[{i}].id", _("Field required"))
        if "kind" in rule and rule["kind"] not in RULE_KINDS:
            raise PolicyDocumentError(source, f"rules[{i}].kind",
                                      _("Unknown rule kind %(kind)r; known kinds: %(known)s.")
                                      % {"kind": rule["kind"],
                                         "known": ", ".join(sorted(RULE_KINDS))})
    settings = doc.get("settings", {})
    if settings is not None and not isinstance(settings, dict):
        raise PolicyDocumentError(source, "settings", _("Must be a mapping."))


def _check_retired(doc: dict[str, Any], source: str) -> None:
    """A document's own settings may not name a retired setting (a merged document may: its
    parts can be stored versions, which stay loadable)."""
    settings = doc.get("settings")
    if not isinstance(settings, dict):
        return
    for key in settings:
        if key in RETIRED_SETTINGS:
            raise PolicyDocumentError(
                source, f"settings.{key}",
                _("No longer a setting: nothing reads it (%(where)s). Remove it.")
                % {"where": RETIRED_SETTINGS[key]})


def validate_document(doc: dict[str, Any], *, source: str, partial: bool | None = None) -> None:
    """Raise PolicyDocumentError for an unusable document. A document that still names a
    parent (``extends``) is checked structurally unless partial=False; merge, then validate.
    A document's own settings may not name a RETIRED_SETTINGS key; a merged one may."""
    if isinstance(doc, dict) and not doc.get("_merged"):
        _check_retired(doc, source)
    if partial is None:
        partial = isinstance(doc, dict) and bool(doc.get("extends")) and not doc.get("_merged")
    if partial:
        _check_partial(doc, source)
        return
    _parse({k: v for k, v in doc.items() if k != "_merged"}, source)


def load_document(text: str, *, source: str) -> dict[str, Any]:
    """Parse YAML text and validate it (structurally, if it extends a parent)."""
    try:
        doc: dict[str, Any] | None = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise PolicyDocumentError(source, where, _("Not valid YAML: %(problem)s")
                                  % {"problem": getattr(exc, "problem", exc)}) from exc
    if doc is None:
        doc = {}
    validate_document(doc, source=source)
    return doc


# ---------------------------------------------------------------------------- merge
def _deep_merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            out[k] = _deep_merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(patch)


def merge_documents(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """The child's overrides applied to the parent (semantics in the module docstring)."""
    out: dict[str, Any] = {k: copy.deepcopy(v) for k, v in parent.items()
                           if k not in ("rules", "settings", "_merged")}
    for k, v in child.items():
        if k not in ("rules", "settings", "_merged"):
            out[k] = copy.deepcopy(v)
    out["settings"] = _deep_merge(parent.get("settings") or {}, child.get("settings") or {})
    rules = [copy.deepcopy(r) for r in parent.get("rules") or []]
    index = {r.get("id"): i for i, r in enumerate(rules)}
    for patch in child.get("rules") or []:
        rid = patch.get("id")
        directives = {k: patch[k] for k in ("replace", "before", "after") if k in patch}
        body = {k: v for k, v in patch.items() if k not in ("replace", "before", "after")}
        if rid in index:
            i = index[rid]
            rules[i] = copy.deepcopy(body) if directives.get("replace") \
                else _deep_merge(rules[i], body)
            continue
        anchor = directives.get("before") or directives.get("after")
        pos = len(rules)
        if anchor in index:
            pos = index[anchor] + (1 if "after" in directives else 0)
        rules.insert(pos, copy.deepcopy(body))
        index = {r.get("id"): i for i, r in enumerate(rules)}
    out["rules"] = rules
    out["_merged"] = True
    return out


# ---------------------------------------------------------------------------- compile
def compile_document(doc: dict[str, Any], *, source: str | None = None) -> CompiledPolicy:
    """Validate and precompile a merged document, once per document object (kept in
    aftersales.core.cache; documents are treated as frozen)."""
    return cache.derived("policy.compiled", doc, lambda: _compile(doc, source=source))


def _compile(doc: dict[str, Any], *, source: str | None) -> CompiledPolicy:
    src = source or f"policy {doc.get('name', '?') if isinstance(doc, dict) else '?'}"
    # Only the engine's keys: other apps' sections (returns, charges, …) were checked by
    # their own validators when the version was saved (policy.documents).
    model, parsed = _parse({k: v for k, v in doc.items() if k in ENGINE_KEYS}
                           if isinstance(doc, dict) else doc, src)
    eligibility: list[CompiledRule] = []
    terms: list[CompiledRule] = []
    for rule, params in parsed:
        if not rule.enabled:
            continue
        kind = RULE_KINDS[rule.kind]
        compiled = CompiledRule(
            id=rule.id, kind=kind, params=params, applies=Applies(rule.applies_to),
            source=rule.source,
            message=rule.message.model_dump() if rule.message else None,
            fail_message=rule.fail_message.model_dump() if rule.fail_message else None)
        (eligibility if kind.phase == "eligibility" else terms).append(compiled)
    by_id = {c.id: c for c in eligibility}
    pairs: dict[str, dict[str, CompiledRule]] = {}
    for c in eligibility:
        for other in getattr(c.params, "alternatives", None) or ():
            if other in by_id:  # a disabled alternative permits nothing
                pairs.setdefault(c.id, {})[other] = by_id[other]
                pairs.setdefault(other, {})[c.id] = c
    index: dict[tuple[str, str], RuleGroups] = {}
    for k in KINDS:
        for r in REASONS:
            index[(k, r)] = tuple(
                tuple((rule, not rule.applies.trivial) for rule in group
                      if rule.applies.kind_reason_match(k, r))
                for group in (eligibility, terms))
    policy = CompiledPolicy(name=model.name, version=model.version, settings=model.settings,
                            eligibility=tuple(eligibility), terms=tuple(terms), document=doc,
                            index=index, alternatives={k: tuple(v.values())
                                                       for k, v in pairs.items()})
    return policy
