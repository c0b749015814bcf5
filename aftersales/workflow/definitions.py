"""Workflows as policy data (issue 4 item 3; ARCHITECTURE.md "Rules as data"; STYLE.md "State").

A policy document holds, under its top-level key ``workflow``, the state machines of its business
line (the file ``policies/<name>.workflow.yaml``)::

    fines:                       # named fine rules, referenced from SLAs (S3.4)
      report_late: {per_day_late: "50", per_violation: "50", serious_multiplier: 2,
                    rule: S3.4, waiver_role: sales_vp}
    workflows:
      <key>:
        label: {zh: ..., en: ...}
        business_line: online_shop            # core.choices.BusinessLine
        case_kinds: [return, exchange]        # vocabulary.CASE_KINDS
        initial: intake
        authority: {customer_service: "50"}   # max adjustment in yuan per role (S1.5)
        sla_end_to_end: {amount: 15, unit: working_days, source: S9.2}
        derive:                               # facts computed from numbers (S11.1 routing)
          - {fact: large_lot, value: quantity, op: gt, threshold: 200, rule: S11.1}
        states:
          <code>: {label, category, roles, department, sla: {amount, unit, urgent, clock,
                   escalate_to, fine, source}}
        transitions:
          <code>: {from: [..], to: .., roles: [..], requires: [..], forbids: [..], label,
                   reason_required, customer, notify, sets: {..}, rule}

``sets`` is what the transition records on the case: ``facts`` (Requirement codes the case has
from then on, e.g. finance_approval) and case fields such as ``resolution`` or
``responsibility``. ``customer: true`` lets the customer make it on the portal (pseudo-role
vocabulary.CUSTOMER). ``forbids`` lists facts that must be absent (routing).
``notify: customer`` marks a customer-visible step: making it queues a message to the customer
(issue 4 item 9; S5.1, S5.2, S7.2, S9.3); internal steps (``notify: none``, the default) don't.

This module turns that into frozen dataclasses and rejects a bad document with a
ValidationError naming the source, the path and the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core import cache
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import NotFound, ValidationError
from aftersales.workflow.errors import WorkflowErrorCode
from aftersales.workflow.vocabulary import (
    ACTOR_CODES,
    CASE_KINDS,
    CLOCK_PAUSED,
    CLOCK_STOPPED,
    CUSTOMER,
    DEFAULT_ESCALATION,
    DEPARTMENT_CODES,
    DEPARTMENT_SUPERVISOR,
    FOLLOWS,
    RESOLUTIONS,
    ROLE_CODES,
    Category,
    Requirement,
    SlaUnit,
)

__all__ = [
    "FineSpec", "SlaSpec", "State", "Transition", "DerivedFact", "Workflow",
    "workflows_from_document", "workflow_for", "parse_section",
    "Category", "Requirement", "SlaUnit", "CUSTOMER", "CASE_KINDS",
]

EMPTY: Mapping[str, Any] = MappingProxyType({})

_WHAT = {"case kind": _("case kind"), "role": _("role"), "state": _("state"),
         "requirement": _("requirement"), "resolution": _("resolution")}
_REQUIREMENTS = frozenset(Requirement.values)
_BUSINESS_LINES = frozenset(BusinessLine.values)
_CATEGORIES = frozenset(Category.values)
_UNITS = frozenset(SlaUnit.values)
_CASE_KINDS = frozenset(CASE_KINDS)
_NOTIFY_CUSTOMER, _NOTIFY_NONE = "customer", "none"  # values of a transition's ``notify``


@dataclass(frozen=True)
class FineSpec:
    """A fine rule (S3.4: 50 yuan per day late; 50 per violation, doubled when serious)."""

    per_day_late: Decimal
    per_violation: Decimal
    serious_multiplier: Decimal
    rule: str
    waiver_role: str
    key: str = ""


@dataclass(frozen=True)
class SlaSpec:
    """How long a state (or the whole case) may take.

    ``clock``: states whose SLAs name the same clock share one due time (it is set when the
    first of them is entered and kept across moves between them), e.g. the S9.3 review.
    """

    amount: Decimal
    unit: str
    urgent: SlaSpec | None = None
    escalate_to: str | None = None
    fine: FineSpec | None = None
    source: str = ""
    clock: str | None = None


@dataclass(frozen=True)
class State:
    code: str
    label: Mapping[str, str]
    category: str
    roles: tuple[str, ...]
    department: str | None = None
    sla: SlaSpec | None = None

    @property
    def clock_runs(self) -> bool:
        return self.category not in CLOCK_PAUSED and self.category not in CLOCK_STOPPED

    @property
    def clock_paused(self) -> bool:
        return self.category in CLOCK_PAUSED

    @property
    def is_closed(self) -> bool:
        return self.category == Category.CLOSED


@dataclass(frozen=True)
class Transition:
    code: str
    source: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    requires: tuple[str, ...] = ()
    label: Mapping[str, str] = EMPTY
    reason_required: bool = False
    customer: bool = False
    sets: Mapping[str, Any] = EMPTY
    forbids: tuple[str, ...] = ()  # facts that must be absent (routing: not key account, …)
    rule: str = ""  # the requirement id it comes from
    notify_customer: bool = False  # a customer-visible step: the customer is told (item 9)
    follows: str = ""  # a decision it is made with, in the same action (vocabulary.FOLLOWS)
    resolutions: tuple[str, ...] = ()  # only for cases that agreed one of these (empty: any)

    def fits(self, resolution: str) -> bool:
        """Whether the move serves the agreed solution (no solution agreed yet: any move)."""
        return not self.resolutions or not resolution or resolution in self.resolutions


@dataclass(frozen=True)
class DerivedFact:
    """A fact that holds when a number of the case passes a threshold in data (S11.1 ≤200/>200)."""

    fact: str
    value: str
    op: str  # gt, ge, lt, le
    threshold: Decimal
    rule: str = ""

    def holds(self, values: Mapping[str, Any]) -> bool:
        if values.get(self.value) is None:
            return False
        v = Decimal(str(values[self.value]))
        return {
            "gt": v > self.threshold, "ge": v >= self.threshold,
            "lt": v < self.threshold, "le": v <= self.threshold,
        }[self.op]


@dataclass(frozen=True)
class Workflow:
    key: str
    business_line: str
    case_kinds: tuple[str, ...]
    initial: str
    states: Mapping[str, State]
    transitions: tuple[Transition, ...]
    authority: Mapping[str, Decimal] = EMPTY
    sla_end_to_end: SlaSpec | None = None
    derived: tuple[DerivedFact, ...] = ()
    label: Mapping[str, str] = EMPTY

    def state(self, code: str) -> State:
        try:
            return self.states[code]
        except KeyError:
            raise NotFound(
                gettext("The workflow %(workflow)s has no state %(state)s.")
                % {"workflow": self.key, "state": code}
            ) from None

    def transition(self, code: str) -> Transition | None:
        for t in self.transitions:
            if t.code == code:
                return t
        return None

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    def max_adjustment(self, roles: set[str] | frozenset[str]) -> Decimal:
        """The largest adjustment (yuan) any of these roles may grant on its own (S1.5)."""
        amounts = [self.authority[r] for r in roles if r in self.authority]
        return max(amounts) if amounts else Decimal("0")

    def derive_facts(self, values: Mapping[str, Any]) -> set[str]:
        """Facts from the numbers of a case, e.g. {"quantity": 250} → {"large_lot"} (S11.1)."""
        return {d.fact for d in self.derived if d.holds(values)}


# ------------------------------------------------------------------------------------ parsing
class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> ValidationError:
        message = gettext("%(source)s: %(path)s: %(problem)s") % {
            "source": self.source, "path": path, "problem": problem,
        }
        return ValidationError(message,
                               code=WorkflowErrorCode.INVALID_WORKFLOW, fields={path: problem},
                               extra={"source": self.source, "path": path})

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, gettext("must be a mapping"))
        return value

    def string_list(self, value: Any, path: str, allowed: frozenset[str] | set[str] | None,
                    what: str) -> tuple[str, ...]:
        """A list of codes; ``what`` is a key of _WHAT, translated only for the message."""
        if isinstance(value, str):
            value = [value]
        if value is None:
            value = []
        if not isinstance(value, list):
            raise self.fail(path, gettext("must be a list"))
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or (allowed is not None and item not in allowed):
                raise self.fail(f"{path}[{i}]", gettext("unknown %(what)s %(value)r")
                                % {"what": _WHAT[what], "value": item})
            out.append(item)
        return tuple(out)

    def decimal(self, value: Any, path: str, *, positive: bool = False) -> Decimal:
        if isinstance(value, bool):
            raise self.fail(path, gettext("must be a number"))
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise self.fail(path, gettext("must be a number")) from None
        if not d.is_finite() or d < 0 or (positive and d == 0):
            raise self.fail(path, gettext("must be a positive number") if positive
                            else gettext("must be zero or more"))
        return d

    def label(self, value: Any, path: str, default: str) -> Mapping[str, str]:
        if value is None:
            return MappingProxyType({"zh": default, "en": default})
        if isinstance(value, str):
            return MappingProxyType({"zh": value, "en": value})
        m = self.mapping(value, path)
        if not all(isinstance(m.get(k), str) and m.get(k) for k in ("zh", "en")):
            raise self.fail(path, gettext("needs zh and en texts"))
        return MappingProxyType(dict(m))

    def role(self, value: Any, path: str) -> str:
        if value not in ROLE_CODES:
            raise self.fail(path, gettext("unknown role %(value)r") % {"value": value})
        return str(value)

    def notify(self, value: Any, path: str) -> bool:
        """``notify: customer`` (a customer-visible step) or ``none``/absent (internal)."""
        if value is None or value == _NOTIFY_NONE:
            return False
        if value == _NOTIFY_CUSTOMER:
            return True
        raise self.fail(path, gettext("unknown notify target %(value)r; use %(allowed)s")
                        % {"value": value, "allowed": f"{_NOTIFY_CUSTOMER}, {_NOTIFY_NONE}"})

    def follows(self, value: Any, path: str) -> str:
        """``follows: adjustment_approved`` — made with that decision, not as its own step."""
        if value is None:
            return ""
        if value not in FOLLOWS:
            raise self.fail(path, gettext("unknown decision %(value)r; use %(allowed)s")
                            % {"value": value, "allowed": ", ".join(sorted(FOLLOWS))})
        return str(value)

    def check_keys(self, m: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for k in m:
            if k not in allowed:
                raise self.fail(f"{path}.{k}", gettext("unknown key"))

    # -------------------------------------------------------------------------------- parts
    def fine(self, value: Any, path: str, key: str = "") -> FineSpec:
        m = self.mapping(value, path)
        self.check_keys(m, path, {"per_day_late", "per_violation", "serious_multiplier", "rule",
                                  "waiver_role"})
        for k in ("rule", "waiver_role"):
            if not m.get(k):
                raise self.fail(f"{path}.{k}", gettext("is required"))
        return FineSpec(
            per_day_late=self.decimal(m.get("per_day_late", 0), f"{path}.per_day_late"),
            per_violation=self.decimal(m.get("per_violation", 0), f"{path}.per_violation"),
            serious_multiplier=self.decimal(m.get("serious_multiplier", 1),
                                            f"{path}.serious_multiplier", positive=True),
            rule=str(m["rule"]),
            waiver_role=self.role(m["waiver_role"], f"{path}.waiver_role"),
            key=key,
        )

    def sla(self, value: Any, path: str, fines: Mapping[str, FineSpec],
            department: str | None, nested: bool = False) -> SlaSpec:
        m = self.mapping(value, path)
        self.check_keys(m, path, {"amount", "unit", "urgent", "escalate_to", "fine", "source",
                                  "clock"})
        if "amount" not in m:
            raise self.fail(f"{path}.amount", gettext("is required"))
        unit = m.get("unit")
        if unit not in _UNITS:
            raise self.fail(f"{path}.unit", gettext("unknown SLA unit %(value)r; use one of "
                                                    "%(units)s") % {
                "value": unit, "units": ", ".join(SlaUnit.values)})
        fine = None
        if m.get("fine") is not None:
            if isinstance(m["fine"], str):
                if m["fine"] not in fines:
                    raise self.fail(f"{path}.fine", gettext("unknown fine %(value)r")
                                    % {"value": m["fine"]})
                fine = fines[m["fine"]]
            else:
                fine = self.fine(m["fine"], f"{path}.fine")
        urgent = None
        if m.get("urgent") is not None:
            if nested:
                raise self.fail(f"{path}.urgent", gettext("an urgent SLA can't have its own "
                                                          "urgent SLA"))
            urgent = self.sla(m["urgent"], f"{path}.urgent", fines, department, nested=True)
        escalate_to = m.get("escalate_to")
        if escalate_to is not None:
            escalate_to = self.role(escalate_to, f"{path}.escalate_to")
        elif not nested:
            escalate_to = DEPARTMENT_SUPERVISOR.get(department or "", DEFAULT_ESCALATION)
        clock = m.get("clock")
        if clock is not None and not isinstance(clock, str):
            raise self.fail(f"{path}.clock", gettext("must be a name"))
        day_unit = unit in (SlaUnit.DAYS, SlaUnit.WORKING_DAYS)
        # 0 days = by the end of the same day (S11.3 "当天必须入库"); hours must be positive.
        amount = self.decimal(m["amount"], f"{path}.amount", positive=not day_unit)
        if day_unit and amount != amount.to_integral_value():
            raise self.fail(f"{path}.amount", gettext("days must be a whole number"))
        return SlaSpec(
            amount=amount,
            unit=unit, urgent=urgent, escalate_to=escalate_to, fine=fine,
            source=str(m.get("source") or ""), clock=clock,
        )

    def workflow(self, key: str, value: Any, path: str,
                 fines: Mapping[str, FineSpec]) -> Workflow:
        m = self.mapping(value, path)
        self.check_keys(m, path, {"label", "business_line", "case_kinds", "initial", "authority",
                                  "sla_end_to_end", "derive", "states", "transitions", "rule"})
        bl = m.get("business_line")
        if bl not in _BUSINESS_LINES:
            raise self.fail(f"{path}.business_line", gettext("unknown business line %(value)r")
                            % {"value": bl})
        kinds = self.string_list(m.get("case_kinds"), f"{path}.case_kinds", _CASE_KINDS,
                                 "case kind")
        if not kinds:
            raise self.fail(f"{path}.case_kinds", gettext("is required"))

        derived = []
        derive = m.get("derive") or []
        if not isinstance(derive, list):
            raise self.fail(f"{path}.derive", gettext("must be a list"))
        for i, d in enumerate(derive):
            dp = f"{path}.derive[{i}]"
            dm = self.mapping(d, dp)
            self.check_keys(dm, dp, {"fact", "value", "op", "threshold", "rule"})
            if dm.get("op") not in ("gt", "ge", "lt", "le"):
                raise self.fail(f"{dp}.op", gettext("must be one of gt, ge, lt, le"))
            if not isinstance(dm.get("fact"), str) or not isinstance(dm.get("value"), str):
                raise self.fail(dp, gettext("needs fact and value names"))
            derived.append(DerivedFact(dm["fact"], dm["value"], dm["op"],
                                       self.decimal(dm.get("threshold"), f"{dp}.threshold"),
                                       str(dm.get("rule") or "")))
        facts = _REQUIREMENTS | {d.fact for d in derived}

        raw_states = self.mapping(m.get("states"), f"{path}.states")
        if not raw_states:
            raise self.fail(f"{path}.states", gettext("is required"))
        states: dict[str, State] = {}
        for code, s in raw_states.items():
            sp = f"{path}.states.{code}"
            sm = self.mapping(s, sp)
            self.check_keys(sm, sp, {"label", "category", "roles", "department", "sla"})
            if sm.get("category") not in _CATEGORIES:
                raise self.fail(f"{sp}.category", gettext("unknown category %(value)r")
                                % {"value": sm.get("category")})
            roles = self.string_list(sm.get("roles"), f"{sp}.roles", ACTOR_CODES,
                                     "role")
            dept = sm.get("department")
            if dept is not None and dept not in DEPARTMENT_CODES:
                raise self.fail(f"{sp}.department", gettext("unknown department %(value)r")
                                % {"value": dept})
            if not roles and sm["category"] != Category.CLOSED:
                raise self.fail(f"{sp}.roles", gettext("a state that is not closed needs the "
                                                       "roles that act on it"))
            sla = self.sla(sm["sla"], f"{sp}.sla", fines, dept) if sm.get("sla") else None
            states[code] = State(code=code, label=self.label(sm.get("label"), f"{sp}.label",
                                                               code),
                                 category=sm["category"], roles=roles, department=dept, sla=sla)

        initial = m.get("initial")
        if initial not in states:
            raise self.fail(f"{path}.initial", gettext("unknown state %(value)r")
                            % {"value": initial})

        transitions = []
        for code, t in self.mapping(m.get("transitions"), f"{path}.transitions").items():
            tp = f"{path}.transitions.{code}"
            tm = self.mapping(t, tp)
            self.check_keys(tm, tp, {"from", "to", "roles", "requires", "forbids", "label",
                                     "reason_required", "customer", "notify", "sets",
                                     "rule", "follows", "resolutions"})
            src = self.string_list(tm.get("from"), f"{tp}.from", set(states), "state")
            if not src:
                raise self.fail(f"{tp}.from", gettext("is required"))
            if tm.get("to") not in states:
                raise self.fail(f"{tp}.to", gettext("unknown state %(value)r")
                                % {"value": tm.get("to")})
            roles = self.string_list(tm.get("roles"), f"{tp}.roles", ROLE_CODES,
                                     "role")
            customer = bool(tm.get("customer", False))
            if not roles and not customer:
                raise self.fail(f"{tp}.roles", gettext("a transition needs at least one role"))
            sets = dict(self.mapping(tm.get("sets") or {}, f"{tp}.sets"))
            if "facts" in sets:  # facts the transition establishes on the case
                sets["facts"] = self.string_list(sets["facts"], f"{tp}.sets.facts", facts,
                                                 "requirement")
            transitions.append(Transition(
                code=code, source=src, target=tm["to"], roles=roles,
                requires=self.string_list(tm.get("requires"), f"{tp}.requires", facts,
                                          "requirement"),
                forbids=self.string_list(tm.get("forbids"), f"{tp}.forbids", facts,
                                         "requirement"),
                label=self.label(tm.get("label"), f"{tp}.label", code),
                reason_required=bool(tm.get("reason_required", False)),
                customer=customer, sets=MappingProxyType(sets),
                rule=str(tm.get("rule") or ""),
                notify_customer=self.notify(tm.get("notify"), f"{tp}.notify"),
                follows=self.follows(tm.get("follows"), f"{tp}.follows"),
                resolutions=self.string_list(tm.get("resolutions"), f"{tp}.resolutions",
                                             set(RESOLUTIONS), "resolution"),
            ))

        authority = {}
        for role, amount in self.mapping(m.get("authority") or {}, f"{path}.authority").items():
            self.role(role, f"{path}.authority.{role}")
            authority[role] = self.decimal(amount, f"{path}.authority.{role}")
        e2e = m.get("sla_end_to_end")
        return Workflow(
            key=key, business_line=bl, case_kinds=kinds, initial=initial,
            states=MappingProxyType(states), transitions=tuple(transitions),
            authority=MappingProxyType(authority),
            sla_end_to_end=self.sla(e2e, f"{path}.sla_end_to_end", fines, None) if e2e else None,
            derived=tuple(derived), label=self.label(m.get("label"), f"{path}.label", key),
        )

    def section(self, section: Any, path: str = "workflow") -> dict[str, Workflow]:
        m = self.mapping(section, path)
        self.check_keys(m, path, {"fines", "workflows", "notes"})
        fines = {k: self.fine(v, f"{path}.fines.{k}", key=k)
                 for k, v in self.mapping(m.get("fines") or {}, f"{path}.fines").items()}
        raw = self.mapping(m.get("workflows"), f"{path}.workflows")
        if not raw:
            raise self.fail(f"{path}.workflows", gettext("is required"))
        workflows = {k: self.workflow(k, v, f"{path}.workflows.{k}", fines)
                     for k, v in raw.items()}
        seen: dict[tuple[str, str], str] = {}
        for wf in workflows.values():
            for kind in wf.case_kinds:
                other = seen.setdefault((wf.business_line, kind), wf.key)
                if other != wf.key:
                    raise self.fail(f"{path}.workflows.{wf.key}.case_kinds", gettext(
                        "%(kind)s is already handled by workflow %(other)s")
                        % {"kind": kind, "other": other})
        return workflows


def parse_section(section: Any, *, source: str = "policy") -> dict[str, Workflow]:
    """Parse and validate the ``workflow`` section of a policy document."""
    return _Parser(source).section(section)


def _section_of(document: Mapping[str, Any]) -> Any:
    if "workflow" in document:
        return document["workflow"]
    raise NotFound(gettext("This policy has no workflow."), code=WorkflowErrorCode.WORKFLOW_MISSING)


def _source_name(document: Mapping[str, Any]) -> str:
    policy = document.get("policy")
    if isinstance(policy, Mapping) and policy.get("name"):
        return str(policy["name"])
    return str(document.get("name") or "policy")


def workflows_from_document(document: Mapping[str, Any], *, source: str | None = None
                            ) -> dict[str, Workflow]:
    """All workflows of a (combined) policy document, by key (parsed once per section object,
    kept in aftersales.core.cache: policy documents are immutable once loaded)."""
    section = _section_of(document)
    return cache.derived("workflow.parsed", section, lambda: parse_section(
        section, source=source or _source_name(document)))


def workflow_for(document: Mapping[str, Any], *, business_line: str, case_kind: str) -> Workflow:
    """The workflow that handles this business line and case kind; NotFound if none does."""
    for wf in workflows_from_document(document).values():
        if wf.business_line == business_line and case_kind in wf.case_kinds:
            return wf
    raise NotFound(
        gettext("The policy has no workflow for %(kind)s cases of the %(line)s business.")
        % {"kind": case_kind, "line": business_line},
        code=WorkflowErrorCode.WORKFLOW_MISSING,
        extra={"business_line": business_line, "case_kind": case_kind},
    )
