"""Terms kinds: who pays shipping, deadlines on the calendar, option order and routing."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..periods import deadline_text, event_moment
from ..request import BEIJING
from . import Params, Payer, Resolution, rule_kind

if TYPE_CHECKING:
    from ..context import Context
    from ..document import CompiledRule

from .gates import EVENT_ZH, RES_ZH, UNIT_EN, UNIT_ZH, Event, words


# ---------------------------------------------------------------------------- shipping
class ShippingCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    resolutions: list[Resolution] | None = None
    reasons: list[str] | None = None
    in_warranty: bool | None = None
    payer: Payer


class ShippingParams(Params):
    cases: list[ShippingCase] = []
    default: Payer | None = "customer"  # null: an option no case matches keeps its payer


@rule_kind(
    "shipping", phase="terms", params=ShippingParams,
    passed=("运费承担：{summary_zh}", "shipping paid by: {summary}"),
    failed=("不适用", "not applicable"),
)
def shipping(ctx: Context, rule: CompiledRule) -> None:
    """Who pays shipping, by resolution, reason and warranty status; first matching case wins
    (XF-24 seller pays on quality, XF-25/B7-18 customer on no-reason, S4.2, S4.4, S9.4)."""
    p = rule.params
    reason = ctx.req.reason or "other"
    in_warranty = ctx.facts.get("in_warranty")
    summary, summary_zh = [], []
    for opt in ctx.options:
        payer = p.default or opt.shipping_paid_by
        for case in p.cases:
            if case.resolutions is not None and opt.resolution not in case.resolutions:
                continue
            if case.reasons is not None and reason not in case.reasons:
                continue
            if case.in_warranty is not None and in_warranty is not None \
                    and case.in_warranty != in_warranty:
                continue
            payer = case.payer
            break
        opt.shipping_paid_by = payer
        summary.append(f"{opt.resolution} → {payer}")
        who_zh = "客户" if payer == "customer" else "公司"
        summary_zh.append(f"{RES_ZH[opt.resolution]}由{who_zh}承担")
    if ctx.options:
        ctx.say(rule, True, {"summary": "; ".join(summary), "summary_zh": "；".join(summary_zh)})


# ---------------------------------------------------------------------------- deadlines
class DeadlineSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: Event = Field(default="asked", alias="from")
    days: int | None = Field(default=None, ge=0)
    working_days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0)
    hours: int | None = Field(default=None, ge=0)
    roll: Literal["none", "next_working_day"] = "none"
    id: str | None = None

    @model_validator(mode="after")
    def _one_length(self) -> DeadlineSpec:
        given = [k for k in ("days", "working_days", "months", "hours") if getattr(self, k)
                 is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of days, working_days, months, hours")
        return self

    def duration(self) -> tuple[str, int]:
        for k in ("days", "working_days", "months", "hours"):
            if getattr(self, k) is not None:
                return k, getattr(self, k)
        raise AssertionError


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    earliest_of: list[DeadlineSpec] = Field(min_length=1)
    resolutions: list[Resolution] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """A deadline may be one spec, a list of specs (earliest known wins), or the full form."""
        if isinstance(value, list):
            return {"earliest_of": value}
        if isinstance(value, dict) and "earliest_of" not in value:
            res = value.get("resolutions")
            spec = {k: v for k, v in value.items() if k != "resolutions"}
            return {"earliest_of": [spec], "resolutions": res}
        return value


def _shown(text: str) -> str:
    """An ISO due time as people read it in a reason: ``2026-12-02 23:59`` (Beijing time)."""
    return datetime.fromisoformat(text).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


DEFAULT_RESOLUTIONS = {
    "decide_by": None,
    "ship_back_by": ("return", "exchange", "repair", "paid_repair"),
    "refund_by": ("return", "refund_only"),
    "repair_by": ("repair", "paid_repair"),
    "complete_by": None,
    "reship_by": ("exchange",),
}
KEY_ZH = {"decide_by": "审核", "ship_back_by": "寄回", "refund_by": "退款", "repair_by": "维修",
          "complete_by": "办结", "reship_by": "换货发出"}


class DeadlinesParams(Params):
    decide_by: Deadline | None = None
    ship_back_by: Deadline | None = None
    refund_by: Deadline | None = None
    repair_by: Deadline | None = None
    complete_by: Deadline | None = None
    reship_by: Deadline | None = None


@rule_kind(
    "deadlines", phase="terms", params=DeadlinesParams,
    passed=("时限：{summary_zh}", "deadlines: {summary}"),
    failed=("不适用", "not applicable"),
)
def deadlines(ctx: Context, rule: CompiledRule) -> None:
    """Due times computed on the working-day calendar (X2): e.g. decide_by 3 working days
    (S9.3), refund_by 7 working days after receipt capped by 15 working days end to end
    (S9.5, S9.2), B7-13 7 days after receipt. A spec whose event is not known yet (received)
    is skipped; when no spec of a deadline is known the deadline is left out."""
    p = rule.params
    req = ctx.req
    summary, summary_zh = [], []
    for key in DEFAULT_RESOLUTIONS:
        spec: Deadline | None = getattr(p, key)
        if spec is None:
            continue
        best = None
        for alt in spec.earliest_of:
            base = event_moment(req, alt.from_)
            if base is None:
                continue
            unit, n = alt.duration()
            text = deadline_text(base, unit, n, alt.roll == "next_working_day", ctx.calendar)
            if best is None or text < best[0]:  # same offset everywhere: text order = time
                best = (text, alt, unit, n)
        resolutions = spec.resolutions if spec.resolutions is not None \
            else DEFAULT_RESOLUTIONS[key]
        targets = [o for o in ctx.options if resolutions is None or o.resolution in resolutions]
        if best is None or not targets:
            continue
        text = best[0]
        for opt in targets:
            if key not in opt.deadlines or text < opt.deadlines[key]:
                opt.deadlines[key] = text  # several rules: the earliest due time wins
        _m, alt, unit, n = best
        shown = _shown(text)
        summary.append(f"{words(key)} {shown} ({n} {UNIT_EN[unit]} after {alt.from_})")
        summary_zh.append(f"{KEY_ZH[key]}{shown}（{EVENT_ZH[alt.from_]}后{n}{UNIT_ZH[unit]}）")
    if summary:
        ctx.say(rule, True, {"summary": "; ".join(summary), "summary_zh": "；".join(summary_zh)})


# ---------------------------------------------------------------------------- prefer
class PreferParams(Params):
    order: list[Resolution] = []
    annotate: dict[Resolution, dict[str, Any]] = {}


@rule_kind(
    "prefer", phase="terms", params=PreferParams,
    passed=("优先方案：{first_zh}", "preferred: {first}"),
    failed=("不适用", "not applicable"),
)
def prefer(ctx: Context, rule: CompiledRule) -> None:
    """Order the options (S2.3: local repair preferred) and annotate them (e.g. site: local,
    cost_charged_to: responsible_factory)."""
    p = rule.params
    if not ctx.options:
        return
    rank = {r: i for i, r in enumerate(p.order)}
    ctx.options.sort(key=lambda o: rank.get(o.resolution, len(rank)))
    for opt in ctx.options:
        opt.extra.update(p.annotate.get(opt.resolution, {}))
    first = ctx.options[0].resolution
    ctx.say(rule, True, {"first": first, "first_zh": RES_ZH[first]})


# ---------------------------------------------------------------------------- route
class RouteCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key_account: bool | None = None
    tags: list[str] | None = None
    max_quantity: int | None = Field(default=None, ge=0)
    route: str


class RouteParams(Params):
    cases: list[RouteCase] = Field(min_length=1)
    resolutions: list[Resolution] = ["repair", "paid_repair", "return", "exchange"]


@rule_kind(
    "route", phase="terms", params=RouteParams,
    passed=("处理部门：{route}（数量{quantity}）", "handled by: {route} (quantity {quantity})"),
    failed=("不适用", "not applicable"),
)
def route(ctx: Context, rule: CompiledRule) -> None:
    """Who handles the units: key accounts/products to R&D (S8.3, S8.5), by lot quantity
    ≤200 after-sales repair, >200 production (S11.1). First matching case wins."""
    p = rule.params
    req = ctx.req
    quantity = sum(i.quantity for i in req.items)
    tags = set().union(*(i.line.tags for i in req.items)) if req.items else set()
    chosen = None
    for case in p.cases:
        if case.key_account is not None and case.key_account != req.order.key_account:
            continue
        if case.tags is not None and not tags.intersection(case.tags):
            continue
        if case.max_quantity is not None and quantity > case.max_quantity:
            continue
        chosen = case.route
        break
    if chosen is None:
        return
    applied = False
    for opt in ctx.options:
        if opt.resolution in p.resolutions:
            opt.extra["route"] = chosen
            applied = True
    if applied:
        ctx.say(rule, True, {"route": chosen, "quantity": quantity})
