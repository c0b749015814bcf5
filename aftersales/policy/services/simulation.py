"""What a draft would change (item 7): replay logged requests under the draft.

Each distinct request logged for the policy (or a policy extending it) is evaluated twice: under
the newest saved versions and as if the draft were in force for it (dates ignored, an explicit
``policy_version`` dropped). A decision "changes" when allowed, the resolutions offered, a
refund total or what the customer pays differs. Changes are grouped by the rules whose outcome
flipped; the money difference is the change in the largest refund offered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import ApplicationError, ValidationError
from aftersales.core.money import fmt, to_money
from aftersales.policy import documents
from aftersales.policy.errors import PolicyErrorCode
from aftersales.policy.models import EvaluationLog, Policy

from .evaluation import decide, refund_total
from .resolve import merge_chain, policy_chain, policy_resolve
from .versions import policy_version_check

SHANGHAI = ZoneInfo("Asia/Shanghai")
AMOUNTS_ONLY = "(amounts)"


@dataclass
class RuleChange:
    rule: str
    changed: int = 0
    refund_difference: Decimal = Decimal("0.00")


@dataclass
class SimulationResult:
    policy: str
    replayed: int = 0
    changed: int = 0
    failed: int = 0
    refund_difference: Decimal = Decimal("0.00")
    customer_pays_difference: Decimal = Decimal("0.00")
    by_rule: dict[str, RuleChange] = field(default_factory=dict)
    examples: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "policy": self.policy, "replayed": self.replayed, "changed": self.changed,
            "failed": self.failed, "refund_difference": fmt(self.refund_difference),
            "customer_pays_difference": fmt(self.customer_pays_difference),
            "by_rule": [{"rule": r.rule, "changed": r.changed,
                         "refund_difference": fmt(r.refund_difference)}
                        for r in sorted(self.by_rule.values(), key=lambda r: (-r.changed, r.rule))],
            "examples": self.examples,
        }


def _summary(decision: dict) -> tuple:
    options = decision.get("options") or []
    resolutions = tuple(sorted(str(o.get("resolution")) for o in options))
    totals = tuple(sorted(str((o.get("refund") or {}).get("total")) for o in options))
    pays = tuple(sorted(str(o.get("customer_pays")) for o in options))
    return bool(decision.get("allowed")), resolutions, totals, pays


def _customer_pays(decision: dict) -> Decimal:
    amounts = [to_money(o["customer_pays"]) for o in decision.get("options") or []
               if o.get("customer_pays") not in (None, "")]
    return min(amounts) if amounts else Decimal("0.00")


def _rules(decision: dict) -> dict[str, bool]:
    return {str(r.get("rule")): bool(r.get("passed")) for r in decision.get("reasons") or []}


def _logged_requests(names: list[str], since: date | None) -> Iterable[dict]:
    logs = EvaluationLog.objects.filter(policy_name__in=names)
    if since:
        logs = logs.filter(at__gte=datetime.combine(since, time.min, tzinfo=SHANGHAI))
    yield from logs.order_by("at").values_list("request", flat=True).iterator(2000)


def _descendants(policy: Policy) -> list[str]:
    names, frontier = [policy.name], [policy.pk]
    while frontier:
        children = list(Policy.objects.filter(parent_id__in=frontier).values_list("pk", "name"))
        frontier = [pk for pk, _n in children]
        names += [n for _pk, n in children if n not in names]
    return names


def policy_simulate(*, name: str, draft_text: str, since: date | None = None,
                    requests: Iterable[dict] | None = None) -> SimulationResult:
    """Replay logged requests (plus ``requests``, e.g. from cases) under a draft of ``name``.

    Raises ValidationError when the policy is unknown or the draft is invalid (file/path/problem).
    """
    policy = Policy.objects.filter(name=name).first()
    if policy is None:
        raise ValidationError(_("Unknown policy: %(name)s") % {"name": name},
                              code=PolicyErrorCode.UNKNOWN_POLICY,
                              fields={"policy": _("no such policy")})
    draft_doc, _merged, _parent = policy_version_check(name=name, text=draft_text,
                                                       source=f"{name} (draft)")
    names = _descendants(policy)
    draft_chain = [draft_doc]
    if draft_doc.get("extends"):
        parents = policy_chain(name=str(draft_doc["extends"]))
        draft_chain = [doc for _v, doc in parents] + draft_chain
    baseline: dict[str, tuple] = {}
    drafted: dict[str, tuple] = {}
    for policy_name in names:
        version, merged = policy_resolve(name=policy_name)
        baseline[policy_name] = (version, merged)
        chain = policy_chain(name=policy_name)
        below = next(i for i, (v, _doc) in enumerate(chain) if v.policy_id == policy.pk) + 1
        draft_merged = merge_chain(draft_chain + [doc for _v, doc in chain[below:]])
        if policy_name != name:
            documents.validate_merged(draft_merged, source=f"{policy_name} (with the draft)")
        drafted[policy_name] = (version, draft_merged)

    result = SimulationResult(policy=name)
    seen: set[str] = set()
    sources = [_logged_requests(names, since), requests or []]
    for source in sources:
        for data in source:
            digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str)
                                    .encode()).hexdigest()
            if digest in seen or not isinstance(data, dict):
                continue
            seen.add(digest)
            policy_name = data.get("policy")
            if policy_name not in baseline:
                continue
            replay = {k: v for k, v in data.items() if k != "policy_version"}
            result.replayed += 1
            try:
                _v, before = decide(replay, version_override=baseline[policy_name])
                _v, after = decide(replay, version_override=drafted[policy_name])
            except ApplicationError:
                result.failed += 1
                continue
            _compare(result, data, before, after)
    return result


def _compare(result: SimulationResult, data: dict, before: dict, after: dict) -> None:
    if _summary(before) == _summary(after):
        return
    result.changed += 1
    money = refund_total(after) - refund_total(before)
    result.refund_difference += money
    result.customer_pays_difference += _customer_pays(after) - _customer_pays(before)
    old, new = _rules(before), _rules(after)
    # A rule counts when its outcome changed, is new, or failed before and is gone; a passed
    # rule that no longer runs (no option left to fill in) is a consequence, not a cause.
    flipped = sorted(r for r in set(old) | set(new) if old.get(r) != new.get(r)
                     and not (r not in new and old[r])) or [AMOUNTS_ONLY]
    for rule in flipped:
        change = result.by_rule.setdefault(rule, RuleChange(rule=rule))
        change.changed += 1
        change.refund_difference += money
    if len(result.examples) < 10:
        result.examples.append({
            "order": (data.get("order") or {}).get("number"),
            "allowed": [bool(before.get("allowed")), bool(after.get("allowed"))],
            "refund_total": [fmt(refund_total(before)), fmt(refund_total(after))],
            "rules": flipped,
        })
