"""The registry of rule kinds (code); policies hold the rules (data).

Each kind has a pydantic parameter model (extra keys forbidden, so a typo is an error), a
phase ("eligibility": decides which resolutions are offered; "terms": fills in the money,
shipping, deadlines of the offered options), default zh/en messages with {placeholders}, and
an ``apply(ctx, rule)`` that records reasons through ``ctx.say``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from ..context import Context
    from ..document import CompiledRule

Resolution = Literal["return", "exchange", "repair", "paid_repair", "refund_only"]
Payer = Literal["customer", "company"]


# What a rule kind does: record reasons and offer/block resolutions through ``ctx``.
Apply = Callable[["Context", "CompiledRule"], None]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


@dataclass(frozen=True)
class RuleKind:
    name: str
    phase: str
    params: type[Params]
    apply: Apply
    messages: dict[str, dict[str, str]]
    doc: str


RULE_KINDS: dict[str, RuleKind] = {}


def rule_kind(name: str, *, phase: str, params: type[Params],
              passed: tuple[str, str], failed: tuple[str, str]) -> Callable[[Apply], Apply]:
    """Register apply() as the rule kind `name`; passed/failed are (zh, en) default messages."""

    def register(fn: Apply) -> Apply:
        RULE_KINDS[name] = RuleKind(
            name=name, phase=phase, params=params, apply=fn,
            messages={"pass": {"zh": passed[0], "en": passed[1]},
                      "fail": {"zh": failed[0], "en": failed[1]}},
            doc=(fn.__doc__ or "").strip(),
        )
        return fn

    return register


def _load() -> None:
    from . import gates, money, remedies, terms  # noqa: F401  (registration side effect)


_load()
