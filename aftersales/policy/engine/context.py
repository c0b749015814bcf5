"""The state one evaluate() call builds: offered resolutions, blocks, options, reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aftersales.core.money import fmt

from .request import Item, Request

if TYPE_CHECKING:
    from .document import CompiledPolicy, CompiledRule

RESOLUTIONS = ("return", "exchange", "repair", "paid_repair", "refund_only")
KIND_TO_RESOLUTION = {"return": "return", "exchange": "exchange", "repair": "repair",
                      "refund_only": "refund_only"}
ZERO = Decimal("0.00")


class _Facts(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(slots=True)
class Option:
    resolution: str
    refund_total: Decimal = ZERO
    by_method: list[tuple[str, Decimal]] = field(default_factory=list)
    points: int = 0
    coupons_restored: list[str] = field(default_factory=list)
    customer_pays: Decimal = ZERO
    shipping_paid_by: str = "customer"
    deadlines: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = {
            "resolution": self.resolution,
            "refund": {
                "total": fmt(self.refund_total),
                "by_method": [{"method": m, "amount": fmt(a)} for m, a in self.by_method],
                "points": self.points,
                "coupons_restored": list(self.coupons_restored),
            },
            "customer_pays": fmt(self.customer_pays),
            "shipping_paid_by": self.shipping_paid_by,
            "deadlines": dict(self.deadlines),
        }
        data.update(self.extra)
        return data


class Context:
    __slots__ = ("req", "policy", "settings", "calendar", "requested", "offered", "blocked",
                 "sticky", "facts", "reasons", "options")

    def __init__(self, req: Request, policy: CompiledPolicy, calendar: Any) -> None:
        self.req = req
        self.policy = policy
        self.settings = policy.settings
        self.calendar = calendar
        self.requested = KIND_TO_RESOLUTION[req.kind]
        self.offered: list[str] = [self.requested]
        self.blocked: set[str] = set()
        self.sticky: list[str] = []  # offered by cause/exclusion rules: survive a ladder's replace
        self.facts: dict[str, Any] = {}
        self.reasons: list[dict[str, Any]] = []
        self.options: list[Option] = []

    # ---------------------------------------------------------------- effects
    def offer(self, resolutions: list[str] | tuple[str, ...], *, replace: bool = False,
              sticky: bool = False) -> None:
        if sticky:
            self.sticky.extend(r for r in resolutions if r not in self.sticky)
        if replace:
            self.offered = list(resolutions)
            return
        for r in resolutions:
            if r not in self.offered:
                self.offered.append(r)

    def block(self, resolutions: list[str] | tuple[str, ...] | None) -> None:
        self.blocked.update(resolutions if resolutions is not None else (self.requested,))

    def open_resolutions(self) -> list[str]:
        out = [r for r in self.offered if r not in self.blocked]
        out.extend(r for r in self.sticky if r not in self.blocked and r not in out)
        return out

    # ---------------------------------------------------------------- reasons
    def say(self, rule: CompiledRule, passed: bool, facts: dict[str, Any] | None = None, *,
            rule_id: str | None = None, message: dict[str, str] | None = None,
            unknown: bool = False) -> None:
        """Record one applied rule, with its zh/en message filled from facts."""
        if message is None:
            message = rule.message if passed else rule.fail_message
        if message is None:
            message = rule.kind.messages["pass" if passed else "fail"]
        zh, en = message["zh"], message["en"]
        if "{" in zh or "{" in en:
            values = _Facts(facts or ())
            zh, en = zh.format_map(values), en.format_map(values)
        entry = {
            "rule": rule_id or rule.id,
            "passed": passed,
            "message": {"zh": zh, "en": en},
            "source": rule.source,
        }
        if unknown:
            entry["unknown"] = True
        self.reasons.append(entry)

    def items_for(self, rule: CompiledRule) -> list[Item]:
        return rule.applies.items(self.req)
