"""Remedy kinds: age ladders (三包 7/15/warranty, warranty periods) and repair history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..periods import add_months, event_date, last_day
from . import Params, Resolution, rule_kind
from .gates import EVENT_ZH, RES_ZH, UNIT_EN, UNIT_ZH, Event

if TYPE_CHECKING:
    from ..context import Context
    from ..document import CompiledRule
    from ..request import Repair, Request


class Anchor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    event: Event
    extend_months: int = Field(default=0, ge=0)


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    length: int = Field(ge=0)
    unit: Literal["days", "working_days", "months"] = "days"
    by_category: dict[str, int] = {}
    main_parts_by_category: dict[str, int] = {}  # when the request says main_part: true
    offer: list[Resolution] = Field(min_length=1)
    message: dict[Literal["zh", "en"], str] | None = None


class Beyond(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    offer: list[Resolution] = []
    message: dict[Literal["zh", "en"], str] | None = None


class LadderParams(Params):
    anchors: list[Anchor] = Field(min_length=1)
    restart_on_exchange: bool = True
    exclude_repair_time: bool = True
    steps: list[Step] = Field(min_length=1)
    beyond: Beyond
    combine: Literal["replace", "add"] = "replace"  # how a matching step's offer combines

    @field_validator("anchors", mode="before")
    @classmethod
    def _anchors(cls, value: Any) -> Any:
        """An anchor may be written as the bare event name."""
        if isinstance(value, list):
            return [{"event": a} if isinstance(a, str) else a for a in value]
        return value


def repair_span(rep: Repair, asked_on: date) -> tuple[date, date, bool] | None:
    """(sent, end, still in repair) of a repair as it stood when the request was made: one not
    back by then (no returned_at, or returned later) counts up to the day of asking; one sent
    after the request does not count (None)."""
    if rep.sent_at > asked_on:
        return None
    if rep.returned_at is None or rep.returned_at > asked_on:
        return rep.sent_at, asked_on, True
    return rep.sent_at, rep.returned_at, False


def _repair_days(req: Request, since: date) -> int:
    """Days in repair since `since` up to the request (SB-8, TL-18: not counted)."""
    total = 0
    for rep in req.repairs:
        span = repair_span(rep, req.asked_on)
        if span is None or span[0] < since:
            continue
        total += (span[1] - span[0]).days
    return total


@rule_kind(
    "ladder", phase="eligibility", params=LadderParams,
    passed=("自{event_zh}（{start}）起计算，第{age}日{extra_zh}",
            "counted from {event} on {start}: day {age}{extra}"),
    failed=("不知道{event_zh}日期，按保修期外处理", "the {event} date is not known; treated as "
            "out of the period"),
)
def ladder(ctx: Context, rule: CompiledRule) -> None:
    """Remedies by the item's age (SB-9/10 7/15 days, warranty months, TL-18 from delivery or
    installation, restart after exchange SB-14, repair time excluded SB-8). The first step
    whose period still runs sets the offered resolutions; past every step, `beyond` does."""
    p = rule.params
    req = ctx.req
    start, anchor = None, p.anchors[0]
    for anchor in p.anchors:
        start = event_date(req, anchor.event)
        if start is not None:
            break
    if start is None:
        events = [a.event for a in p.anchors]
        ctx.say(rule, False, {"event": " / ".join(events),
                              "event_zh": "/".join(EVENT_ZH[e] for e in events)}, unknown=True)
        ctx.facts["in_warranty"] = False
        ctx.say(rule, False, {}, rule_id=p.beyond.id, message=p.beyond.message or BEYOND_MSG)
        ctx.offer(p.beyond.offer, replace=True)
        return
    base = add_months(start, anchor.extend_months) if anchor.extend_months else start
    extra, extra_zh = [], []
    if anchor.extend_months:
        extra.append(f"; period extended by {anchor.extend_months} months")
        extra_zh.append(f"，期限延长{anchor.extend_months}个月")
    if p.restart_on_exchange and req.exchanges and req.exchanges[-1] > base:
        base = req.exchanges[-1]
        extra.append(f"; restarted at the exchange on {base}")
        extra_zh.append(f"，自{base}换货后重新计算")
    repair_days = _repair_days(req, base) if p.exclude_repair_time else 0
    if repair_days:
        extra.append(f"; {repair_days} repair days not counted")
        extra_zh.append(f"，扣除维修占用{repair_days}日")
    age = (req.asked_on - base).days - repair_days
    ctx.facts["warranty_base"] = base
    ctx.say(rule, True, {"event": anchor.event, "event_zh": EVENT_ZH[anchor.event],
                         "start": start.isoformat(), "age": age, "extra": "".join(extra),
                         "extra_zh": "".join(extra_zh)})
    category = req.items[0].line.category if req.items else ""
    for step in p.steps:
        length = step.by_category.get(category, step.length)
        if req.main_part:
            length = step.main_parts_by_category.get(category, length)
        last = last_day(base, length, step.unit, ctx.calendar, False) + timedelta(days=repair_days)
        facts = {"length": length, "unit": UNIT_EN[step.unit], "unit_zh": UNIT_ZH[step.unit],
                 "last": last.isoformat(), "offer": ", ".join(step.offer),
                 "offer_zh": "、".join(RES_ZH[r] for r in step.offer)}
        if req.asked_on <= last:
            ctx.say(rule, True, facts, rule_id=step.id, message=step.message or STEP_PASS)
            ctx.facts["in_warranty"] = True
            ctx.offer(step.offer, replace=p.combine == "replace")
            return
        ctx.say(rule, False, facts, rule_id=step.id, message=STEP_FAIL)
    ctx.facts["in_warranty"] = False
    ctx.say(rule, False, {"offer": ", ".join(p.beyond.offer) or "-",
                          "offer_zh": "、".join(RES_ZH[r] for r in p.beyond.offer) or "无"},
            rule_id=p.beyond.id, message=p.beyond.message or BEYOND_MSG)
    ctx.offer(p.beyond.offer, replace=True)


STEP_PASS = {"zh": "在{length}{unit_zh}内（{last}止）：可{offer_zh}",
             "en": "within {length} {unit} (until {last}): {offer}"}
STEP_FAIL = {"zh": "已超过{length}{unit_zh}（{last}止）", "en": "more than {length} {unit} "
             "(ended {last})"}
BEYOND_MSG = {"zh": "已过保障期：{offer_zh}", "en": "past every period: {offer}"}


# ---------------------------------------------------------------------------- repair_count
class RepairCountParams(Params):
    of: Literal["repairs", "exchanges"] = "repairs"
    threshold: int = Field(ge=1)
    same_fault: bool = False
    only_unfixed: bool = False
    within_warranty: bool = True
    offer: list[Resolution] = Field(min_length=1)
    replace: bool = False


@rule_kind(
    "repair_count", phase="eligibility", params=RepairCountParams,
    passed=("{what}已{count}次（达到{threshold}次）：可{offer_zh}",
            "{what_en} {count} times (threshold {threshold}): {offer} offered"),
    failed=("{what}{count}次，未达到{threshold}次", "{what_en} {count} times, fewer than "
            "{threshold}"),
)
def repair_count(ctx: Context, rule: CompiledRule) -> None:
    """After `threshold` repairs (of the same fault when same_fault; SB-11 leaves it open, S4.6
    and NJ10 say same) or exchanges (PH-13), offer more remedies - within the period only."""
    p = rule.params
    req = ctx.req
    base = ctx.facts.get("warranty_base")
    if p.of == "exchanges":
        count = len(req.exchanges)
        what, what_en = "换货", "exchanged"
    else:
        reps = [r for r in req.repairs if r.sent_at <= req.asked_on  # none after the request
                and (base is None or r.sent_at >= base or not p.within_warranty)]
        if p.only_unfixed:
            reps = [r for r in reps if r.fixed is not True]
        if p.same_fault:
            by_fault: dict[str | None, int] = {}
            for r in reps:
                by_fault[r.fault] = by_fault.get(r.fault, 0) + 1
            count = max(by_fault.values(), default=0)
            what, what_en = "同一故障维修", "repaired for the same fault"
        else:
            count = len(reps)
            what, what_en = "维修", "repaired"
    facts = {"what": what, "what_en": what_en, "count": count, "threshold": p.threshold,
             "offer": ", ".join(p.offer), "offer_zh": "、".join(RES_ZH[r] for r in p.offer)}
    if p.within_warranty and ctx.facts.get("in_warranty") is False:
        ctx.say(rule, False, facts, message={"zh": "已过保障期，不适用", "en": "outside the "
                                             "warranty period"})
        return
    if count >= p.threshold:
        ctx.say(rule, True, facts)
        ctx.offer(p.offer, replace=p.replace)
    else:
        ctx.say(rule, False, facts)


# ---------------------------------------------------------------------------- repair_duration
class RepairDurationParams(Params):
    max_length: int = Field(ge=0)
    unit: Literal["days", "working_days"] = "days"
    offer: list[Resolution] = Field(min_length=1)
    replace: bool = False


@rule_kind(
    "repair_duration", phase="eligibility", params=RepairDurationParams,
    passed=("一次维修历时{longest}{unit_zh}{open_zh}，超过{max}{unit_zh}：可{offer_zh}",
            "a repair took {longest} {unit}{open}, more than {max}: {offer} offered"),
    failed=("维修未超过{max}{unit_zh}：最长{longest}{unit_zh}{open_zh}",
            "no repair took more than {max} {unit} (longest {longest}{open})"),
)
def repair_duration(ctx: Context, rule: CompiledRule) -> None:
    """A repair longer than max_length offers more remedies (SB-12 90 days for parts, NJ10 30
    working days). A repair still in progress when the request is made (no returned_at, or
    returned later) counts up to the day of asking; one sent after it doesn't count."""
    p = rule.params
    req = ctx.req
    longest, still_open, any_repair = 0, False, False
    for rep in req.repairs:
        span = repair_span(rep, req.asked_on)
        if span is None:
            continue
        any_repair = True
        sent, end, in_repair = span
        n = (ctx.calendar.working_days_between(sent, end) if p.unit == "working_days"
             else (end - sent).days)
        if n > longest or (n == longest and in_repair):
            longest, still_open = n, in_repair
    if not any_repair:
        return  # no repair history: not applied
    asked = req.asked_on.isoformat()
    facts = {"longest": longest, "max": p.max_length, "unit": UNIT_EN[p.unit],
             "unit_zh": UNIT_ZH[p.unit], "offer": ", ".join(p.offer),
             "offer_zh": "、".join(RES_ZH[r] for r in p.offer),
             "open": f", still in repair on {asked}" if still_open else "",
             "open_zh": f"（至{asked}仍在维修）" if still_open else ""}
    if longest > p.max_length:
        ctx.say(rule, True, facts)
        ctx.offer(p.offer, replace=p.replace)
    else:
        ctx.say(rule, False, facts)
