"""The everyday numbers of a policy version, found in its YAML text and written back into it.

A company changes a few numbers far more often than anything else in its policy: windows and
deadlines in days, the agents' authority and the refund approval limits in yuan, fines, SLAs,
charges (docs/policy-format.md, docs/workflow-format.md). ``numbers_of(text)`` finds each of
them in a version's own text (not the parent's: an inherited number is edited on its parent)
with its place in the text; ``numbers_apply`` writes new values into exactly those places, so
the comments, the layout and the anchors of the text stay as they were and the result goes
through the same validation and saving as the YAML editor (services/numbers.py).

A value shared through a YAML anchor (``sla: &review {amount: 3, …}`` used by five states) is
ONE number here, listed with every place that uses it: changing it changes them all, as editing
the anchor in the YAML would.

Bounds: the lower bounds are the document validators' (a window ≥ 0 days, a repeat threshold ≥
1, an hours SLA > 0); the upper bounds catch typos (a window of 36 500 days) — a value beyond
them is still possible in the YAML editor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.display import role_label
from aftersales.core.labels import pick_label

# kind: (lower bound, lower bound included, upper bound, decimals)
INT = "int"
MONEY = "money"
MONEY_OR_NONE = "money_or_none"
FACTOR = "factor"

UNIT_LABELS = {
    "days": _("days"), "working_days": _("working days"), "months": _("months"),
    "hours": _("hours"), "yuan": _("yuan"), "times": _("times"), "pieces": _("pieces"),
    "points": _("points"), "files": _("files"), "factor": _("× (factor)"),
}
UPPER = {"days": 3650, "working_days": 2500, "months": 120, "hours": 8760, "times": 100,
         "pieces": 1_000_000, "points": 100_000_000, "files": 1000, "yuan": 10_000_000,
         "factor": 100}
DEADLINE_LABELS = {
    "decide_by": _("Decide by"), "ship_back_by": _("Ship back by"), "refund_by": _("Refund by"),
    "repair_by": _("Repair by"), "complete_by": _("Complete by"), "reship_by": _("Reship by"),
}
EVENT_LABELS = {
    "asked": _("the request"), "received": _("receipt of the goods"), "signed": _("signing"),
    "delivered": _("delivery"), "placed": _("the order"), "paid": _("payment"),
    "installed": _("installation"), "sale": _("the sale"),
}
SECTION_LABELS = {
    "rules": _("Rules"), "refunds": _("Refunds"), "returns": _("Returns"),
    "charges": _("Charges"), "workflow": _("Workflow: authority, SLAs and fines"),
    "settings": _("Attachments"),
}


@dataclass
class Number:
    """One editable number: where it is in the text and what it means."""

    key: str  # the form field name: n0, n1, … in text order
    section: str  # SECTION_LABELS key
    label: str | Promise
    unit: str  # UNIT_LABELS key
    kind: str  # INT, MONEY, MONEY_OR_NONE, FACTOR
    value: Decimal | None
    paths: list[str] = field(default_factory=list)  # every place in the document
    start: int = 0  # the scalar's span in the text
    end: int = 0
    style: str | None = None  # the scalar's quote style ('"', "'" or None)
    minimum: Decimal = Decimal(0)
    minimum_included: bool = True

    @property
    def maximum(self) -> Decimal:
        return Decimal(UPPER.get(self.unit, 10_000_000))

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))

    @property
    def shown(self) -> str:
        return format_value(self.value, self.kind)


def format_value(value: Decimal | None, kind: str) -> str:
    if value is None:
        return ""
    if kind in (MONEY, MONEY_OR_NONE):
        return f"{value:.2f}"
    if kind == INT:
        return str(int(value))
    return format(value.normalize(), "f")


# ------------------------------------------------------------------ finding the numbers
def _items(node) -> Iterator[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                yield k.value, v


def _get(node, key: str):
    for k, v in _items(node):
        if k == key:
            return v
    return None


def _scalar(node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _label_of(node, fallback: str) -> str:
    """A {zh, en} label node (or a plain string) in the page's language."""
    if isinstance(node, yaml.ScalarNode):
        return node.value or fallback
    labels = {k: _scalar(v) or "" for k, v in _items(node)}
    return pick_label(labels, fallback)


class _Finder:
    def __init__(self) -> None:
        self.found: dict[int, Number] = {}  # id(scalar node) -> Number (anchors: one entry)

    def add(self, node, path: str, *, section: str, label, unit: str, kind: str = INT,
            minimum: int | str = 0, minimum_included: bool = True) -> None:
        if not isinstance(node, yaml.ScalarNode):
            return
        if id(node) in self.found:
            self.found[id(node)].paths.append(path)
            return
        if node.tag == "tag:yaml.org,2002:null":
            if kind != MONEY_OR_NONE:
                return
            value = None
        else:
            try:
                value = Decimal(str(node.value))
            except InvalidOperation:
                return
        self.found[id(node)] = Number(
            key="", section=section, label=label, unit=unit, kind=kind, value=value,
            paths=[path], start=node.start_mark.index, end=node.end_mark.index,
            style=node.style if node.style in ('"', "'") else None,
            minimum=Decimal(str(minimum)), minimum_included=minimum_included)

    # -- rules (docs/policy-format.md "Rule kinds")
    def rules(self, node) -> None:
        if not isinstance(node, yaml.SequenceNode):
            return
        for i, rule in enumerate(node.value):
            rid = _scalar(_get(rule, "id")) or str(i)
            kind = _scalar(_get(rule, "kind"))
            params = _get(rule, "params")
            base = f"rules[{rid}].params"
            if params is None:
                continue
            sec = "rules"
            if kind == "window":
                unit = _scalar(_get(params, "unit")) or "days"
                self.add(_get(params, "length"), f"{base}.length", section=sec, unit=unit,
                         label=_("Rule %(rule)s: window") % {"rule": rid})
            elif kind == "warranty_card":
                self.add(_get(params, "days"), f"{base}.days", section=sec, unit="days",
                         label=_("Rule %(rule)s: warranty card back within") % {"rule": rid})
            elif kind == "repair_count":
                self.add(_get(params, "threshold"), f"{base}.threshold", section=sec,
                         unit="times", minimum=1,
                         label=_("Rule %(rule)s: remedies after this many repairs")
                         % {"rule": rid})
            elif kind == "repair_duration":
                unit = _scalar(_get(params, "unit")) or "days"
                self.add(_get(params, "max_length"), f"{base}.max_length", section=sec,
                         unit=unit, label=_("Rule %(rule)s: longest repair") % {"rule": rid})
            elif kind == "points_difference":
                self.add(_get(params, "max_difference"), f"{base}.max_difference",
                         section=sec, unit="points",
                         label=_("Rule %(rule)s: largest points difference") % {"rule": rid})
            elif kind == "quantity_limit":
                self.add(_get(params, "max_quantity"), f"{base}.max_quantity", section=sec,
                         unit="pieces",
                         label=_("Rule %(rule)s: most units per order") % {"rule": rid})
            elif kind == "repair_quote":
                self.add(_get(params, "labour"), f"{base}.labour", section=sec, unit="yuan",
                         kind=MONEY, label=_("Rule %(rule)s: labour") % {"rule": rid})
            elif kind == "ladder":
                steps = _get(params, "steps")
                for j, step in enumerate(getattr(steps, "value", None) or []):
                    sid = _scalar(_get(step, "id")) or str(j + 1)
                    unit = _scalar(_get(step, "unit")) or "days"
                    self.add(_get(step, "length"), f"{base}.steps[{sid}].length", section=sec,
                             unit=unit, label=_("Rule %(rule)s: step %(step)s")
                             % {"rule": rid, "step": sid})
            elif kind == "deadlines":
                for name, spec in _items(params):
                    specs = spec.value if isinstance(spec, yaml.SequenceNode) else [spec]
                    for j, one in enumerate(specs):
                        for unit in ("days", "working_days", "hours", "months"):
                            where = f"{base}.{name}" + (f"[{j}]" if len(specs) > 1 else "")
                            event = _scalar(_get(one, "from")) or ""
                            self.add(_get(one, unit), f"{where}.{unit}", section=sec,
                                     unit=unit, minimum=0,
                                     label=_("Rule %(rule)s: %(deadline)s (from %(event)s)")
                                     % {"rule": rid,
                                        "event": EVENT_LABELS.get(event, event),
                                        "deadline": DEADLINE_LABELS.get(name, name)})

    # -- the sections other apps read
    def refunds(self, node) -> None:
        for role, value in _items(_get(node, "approval_limits")):
            self.add(value, f"refunds.approval_limits.{role}", section="refunds", unit="yuan",
                     kind=MONEY_OR_NONE, label=_("Refund approval limit: %(role)s")
                     % {"role": _role(role)})
        for key, label in (("due_after_receipt", _("Refund due after receipt")),
                           ("breach_after_receipt", _("Refund overdue after receipt"))):
            spec = _get(node, key)
            unit = _scalar(_get(spec, "unit")) or "days"
            self.add(_get(spec, "amount"), f"refunds.{key}.amount", section="refunds",
                     unit=unit, label=label)

    def returns(self, node) -> None:
        for key, label in (("ship_back", _("Customer ships back within")),
                           ("advance_return", _("Faulty unit back after an advance "
                                                "replacement within"))):
            self.add(_get(_get(node, key), "days"), f"returns.{key}.days", section="returns",
                     unit="days", minimum=1, label=label)

    def charges(self, node) -> None:
        self.add(_get(node, "labour_rate"), "charges.labour_rate", section="charges",
                 unit="yuan", kind=MONEY, label=_("Labour rate per hour"))
        self.add(_get(node, "quote_valid_days"), "charges.quote_valid_days", section="charges",
                 unit="days", minimum=1, label=_("A repair quote is valid for"))
        late = _get(node, "late_compensation")
        for key, label in (("fixed", _("Late compensation: fixed")),
                           ("per_day", _("Late compensation: per day")),
                           ("max", _("Late compensation: at most"))):
            self.add(_get(late, key), f"charges.late_compensation.{key}", section="charges",
                     unit="yuan", kind=MONEY, label=label)

    def attachments(self, node) -> None:
        att = _get(node, "attachments")
        for key, label in (("max_files_per_request", _("Files per submission")),
                           ("max_files_per_case", _("Files per case"))):
            self.add(_get(att, key), f"settings.attachments.{key}", section="settings",
                     unit="files", minimum=1, label=label)

    def workflow(self, node) -> None:
        sec = "workflow"
        for key, fine in _items(_get(node, "fines")):
            path = f"workflow.fines.{key}"
            self.add(_get(fine, "per_day_late"), f"{path}.per_day_late", section=sec,
                     unit="yuan", kind=MONEY,
                     label=_("Fine %(fine)s: per day late") % {"fine": key})
            self.add(_get(fine, "per_violation"), f"{path}.per_violation", section=sec,
                     unit="yuan", kind=MONEY,
                     label=_("Fine %(fine)s: per violation") % {"fine": key})
            self.add(_get(fine, "serious_multiplier"), f"{path}.serious_multiplier",
                     section=sec, unit="factor", kind=FACTOR, minimum=0,
                     minimum_included=False,
                     label=_("Fine %(fine)s: serious violation multiplier") % {"fine": key})
        for code, wf in _items(_get(node, "workflows")):
            path = f"workflow.workflows.{code}"
            name = _label_of(_get(wf, "label"), code)
            for role, value in _items(_get(wf, "authority")):
                self.add(value, f"{path}.authority.{role}", section=sec, unit="yuan",
                         kind=MONEY, label=_("%(workflow)s: authority of %(role)s")
                         % {"workflow": name, "role": _role(role)})
            self.sla(_get(wf, "sla_end_to_end"), f"{path}.sla_end_to_end",
                     _("%(workflow)s: whole case") % {"workflow": name})
            for state_code, state in _items(_get(wf, "states")):
                self.sla(_get(state, "sla"), f"{path}.states.{state_code}.sla",
                         _("%(workflow)s: %(state)s") % {
                             "workflow": name,
                             "state": _label_of(_get(state, "label"), state_code)})

    def sla(self, node, path: str, label) -> None:
        if node is None:
            return
        unit = _scalar(_get(node, "unit")) or "days"
        hours = unit == "hours"
        self.add(_get(node, "amount"), f"{path}.amount", section="workflow", unit=unit,
                 kind=INT if not hours else FACTOR, minimum=0, minimum_included=not hours,
                 label=_("SLA %(what)s") % {"what": label})
        urgent = _get(node, "urgent")
        if urgent is not None:
            self.sla(urgent, f"{path}.urgent", _("%(what)s, urgent") % {"what": label})


def _role(code: str) -> str:
    return role_label(code)


def numbers_of(text: str) -> list[Number]:
    """Every everyday number of a version's own YAML text, in text order (keys n0, n1, …)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return []
    finder = _Finder()
    finder.attachments(_get(root, "settings"))
    finder.rules(_get(root, "rules"))
    finder.refunds(_get(root, "refunds"))
    finder.returns(_get(root, "returns"))
    finder.charges(_get(root, "charges"))
    finder.workflow(_get(root, "workflow"))
    found = sorted(finder.found.values(), key=lambda n: n.start)
    for i, number in enumerate(found):
        number.key = f"n{i}"
    return found


# ------------------------------------------------------------------ checking and writing
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def parse_value(number: Number, raw: str | None) -> Decimal | None:
    """The value typed for ``number``; raises ValueError with the Chinese/English reason."""
    text = (raw or "").strip().replace(",", "").replace("，", "")
    if not text:
        if number.kind == MONEY_OR_NONE:
            return None
        raise ValueError(_("Enter a value."))
    if text.startswith("-"):
        raise ValueError(_("Must not be negative."))
    if not _DECIMAL.match(text):
        raise ValueError(_("Enter a number, e.g. 7 or 50.00."))
    value = Decimal(text)
    if number.kind == INT and value != value.to_integral_value():
        raise ValueError(_("Enter a whole number."))
    if number.kind in (MONEY, MONEY_OR_NONE) and value.as_tuple().exponent < -2:
        raise ValueError(_("At most two decimals (fen)."))
    low_ok = value >= number.minimum if number.minimum_included else value > number.minimum
    if not low_ok or value > number.maximum:
        lower = format_value(number.minimum, number.kind)
        raise ValueError(
            (_("Must be between %(low)s and %(high)s %(unit)s.") if number.minimum_included
             else _("Must be more than %(low)s and at most %(high)s %(unit)s."))
            % {"low": lower, "high": format_value(number.maximum, number.kind),
               "unit": number.unit_label})
    return value


def _written(number: Number, value: Decimal | None) -> str:
    if value is None:
        return "null"
    text = format_value(value, number.kind)
    if number.style:
        return f"{number.style}{text}{number.style}"
    if number.kind in (MONEY, MONEY_OR_NONE) and number.value is None:
        return f'"{text}"'  # a limit that was null: money is written as a string
    return text


@dataclass(frozen=True)
class Change:
    number: Number
    old: Decimal | None
    new: Decimal | None

    @property
    def new_shown(self) -> str:
        return format_value(self.new, self.number.kind)


def numbers_apply(text: str, numbers: list[Number], values: dict[str, str]
                  ) -> tuple[str, list[Change], dict[str, str]]:
    """(the new text, the changes, errors by field key). Values not given keep their number;
    with any error the text is returned unchanged."""
    errors: dict[str, str] = {}
    changes: list[Change] = []
    for number in numbers:
        if number.key not in values:
            continue
        try:
            value = parse_value(number, values[number.key])
        except ValueError as exc:
            errors[number.key] = str(exc.args[0])
            continue
        if value != number.value:
            changes.append(Change(number, number.value, value))
    if errors:
        return text, [], errors
    out = text
    for change in sorted(changes, key=lambda c: c.number.start, reverse=True):
        n = change.number
        out = out[:n.start] + _written(n, change.new) + out[n.end:]
    return out, changes, {}
