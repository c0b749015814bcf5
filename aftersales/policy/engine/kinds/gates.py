"""Gate kinds: a failed gate removes resolutions (``blocks``, default: the requested one)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..periods import EVENTS, event_date, last_day
from . import Params, Resolution, rule_kind

if TYPE_CHECKING:
    from ..context import Context
    from ..document import CompiledRule
    from ..request import Item


Event = Literal[EVENTS]  # type: ignore[valid-type]

EVENT_ZH = {"signed": "签收", "delivered": "交付", "placed": "下单", "paid": "付款",
            "installed": "安装完成", "invoice": "开票", "sale": "售出", "production": "生产",
            "asked": "申请", "received": "收货", "last_exchange": "换货"}
UNIT_ZH = {"days": "日", "working_days": "个工作日", "months": "个月", "hours": "小时"}
UNIT_EN = {"days": "days", "working_days": "working days", "months": "months", "hours": "hours"}


# Reasons are read by people: the keys of conditions, evidence and payment methods are named,
# never shown as codes (issue 10 item 5).
EVIDENCE_ZH = {"photos": "照片", "inspection_report": "检测报告", "medical_certificate": "医院证明",
               "complaint_record": "投诉记录", "invoice": "发票", "warranty_card": "三包凭证",
               "proof_of_purchase": "购货凭证", "injury_report": "伤害证明", "video": "视频",
               "order_number": "订单号"}
METHOD_ZH = {"wechat_pay": "微信支付", "alipay": "支付宝", "card": "银行卡", "cash": "现金",
             "bank_transfer": "银行转账", "balance": "余额", "coupon": "优惠券", "points": "积分"}


def words(key: str) -> str:
    """A code in English words: ``tags_attached`` → ``tags attached``."""
    return key.replace("_", " ")


def named(keys: Iterable[str], zh: dict[str, str]) -> tuple[str, str]:
    """(Chinese names joined with 、, English words joined with commas) of some codes."""
    keys = list(dict.fromkeys(keys))
    return "、".join(zh.get(k, words(k)) for k in keys), ", ".join(words(k) for k in keys)


def _names(items: Iterable[Item]) -> str:
    return "、".join(dict.fromkeys(i.line.name or i.line.sku for i in items))


# ---------------------------------------------------------------------------- window
class WindowParams(Params):
    from_: list[Event] = Field(alias="from", min_length=1)
    length: int = Field(ge=0)
    unit: Literal["days", "working_days", "months"] = "days"
    roll: Literal["none", "next_working_day", "setting"] = "none"
    blocks: list[Resolution] | None = None
    if_unknown: Literal["fail", "pass"] = "fail"
    # ids of other window rules that also permit the request (either way round): a resolution
    # this window would block stays open while one of them applies to the request and passes
    # (S9.2's 7 working days beside the law's 7-day return, B7-10: more generous, never less)
    alternatives: list[str] = []


UNKNOWN_EVENT = {"zh": "不知道{event_zh}时间，无法计算期限", "en": "the {event} time is not known"}


def window_outcome(ctx: Context, rule: CompiledRule) -> tuple[bool, dict[str, Any], bool]:
    """(passed, facts for the message, the start event unknown) of a window rule; no effects."""
    p = rule.params
    facts: dict[str, Any] = {"length": p.length, "unit": UNIT_EN[p.unit],
                             "unit_zh": UNIT_ZH[p.unit], "asked": ctx.req.asked_on.isoformat()}
    for event in p.from_:
        start = event_date(ctx.req, event)
        if start is not None:
            break
    else:
        facts.update(event=" / ".join(p.from_), event_zh="/".join(EVENT_ZH[e] for e in p.from_))
        return p.if_unknown == "pass", facts, True
    roll = p.roll == "next_working_day" or (
        p.roll == "setting" and ctx.settings.day_count == "legal")
    last = last_day(start, p.length, p.unit, ctx.calendar, roll)
    unrolled = last_day(start, p.length, p.unit, ctx.calendar, False) if roll else last
    facts.update(event=event, event_zh=EVENT_ZH[event], start=start.isoformat(),
                 last=last.isoformat(), roll="", roll_zh="")
    if last != unrolled:  # CC-203: the last day was a holiday or rest day
        facts.update(roll=f"; {unrolled} was not a working day",
                     roll_zh=f"，{unrolled}为休息日顺延")
    return ctx.req.asked_on <= last, facts, False


def _still_blocked(ctx: Context, rule: CompiledRule) -> list[str]:
    """What a failed window blocks, less what a passing alternative window keeps open."""
    blocked = list(rule.params.blocks if rule.params.blocks is not None else (ctx.requested,))
    for alt in ctx.policy.alternatives.get(rule.id, ()):
        if not blocked:
            break
        if alt.applies.request_matches(ctx.req) and window_outcome(ctx, alt)[0]:
            kept = alt.params.blocks if alt.params.blocks is not None else (ctx.requested,)
            blocked = [r for r in blocked if r not in kept]
    return blocked


@rule_kind(
    "window", phase="eligibility", params=WindowParams,
    passed=("自{event_zh}（{start}）次日起{length}{unit_zh}内提出（截止{last}{roll_zh}）",
            "asked within {length} {unit} after {event} on {start} (until {last}{roll})"),
    failed=("{asked}提出，已超过自{event_zh}（{start}）次日起{length}{unit_zh}的期限（{last}止"
            "{roll_zh}）",
            "asked on {asked}, after the {length} {unit} from {event} on {start} ended on "
            "{last}{roll}"),
)
def window(ctx: Context, rule: CompiledRule) -> None:
    """A request must come within `length` `unit` after the first known event of `from`
    (CC-201: counting starts the next day). roll: next_working_day (CC-203), none, or
    setting (settings.day_count: legal rolls, natural doesn't). With `alternatives`, a
    resolution stays open while any of the windows named (or naming this one) passes."""
    passed, facts, unknown = window_outcome(ctx, rule)
    if unknown:
        ctx.say(rule, passed, facts, unknown=True, message=UNKNOWN_EVENT)
    else:
        ctx.say(rule, passed, facts)
    if not passed:
        ctx.block(_still_blocked(ctx, rule))


# ---------------------------------------------------------------------------- exclusion
class ExclusionParams(Params):
    tags: list[str] = []
    categories: list[str] = []
    skus: list[str] = []
    names: list[str] = []
    blocks: list[Resolution] | None = None
    offer: list[Resolution] = []


@rule_kind(
    "exclusion", phase="eligibility", params=ExclusionParams,
    passed=("所申请商品不属于排除范围", "no requested item is excluded"),
    failed=("{names}不适用（{what}）", "{names} excluded ({what})"),
)
def exclusion(ctx: Context, rule: CompiledRule) -> None:
    """Items whose tag, category, sku or product name is listed are excluded (B7-6, B7-7, S4.2)."""
    p = rule.params
    tags, cats, skus, names = set(p.tags), set(p.categories), set(p.skus), set(p.names)
    hit, what = [], []
    for item in ctx.items_for(rule):
        line = item.line
        matched = sorted(line.tags & tags)
        if line.category in cats:
            matched.append(line.category)
        if line.sku in skus:
            matched.append(line.sku)
        if line.name in names:
            matched.append(line.name)
        if matched:
            hit.append(item)
            what.extend(matched)
    if hit:
        ctx.say(rule, False, {"names": _names(hit), "what": ", ".join(dict.fromkeys(what))})
        ctx.block(p.blocks)
        ctx.offer(p.offer, sticky=True)
    else:
        ctx.say(rule, True)


# ---------------------------------------------------------------------------- condition
COND_ZH = {"unused": "未使用", "packaging_intact": "包装完好", "seal_intact": "封口完好",
           "tags_attached": "吊牌齐全", "activated": "已激活", "all_parts_present": "配件齐全",
           "data_traces": "有数据痕迹"}


class ConditionParams(Params):
    require: dict[
        Literal["unused", "packaging_intact", "seal_intact", "tags_attached", "activated",
                "all_parts_present", "data_traces"], bool] = Field(min_length=1)
    blocks: list[Resolution] | None = None
    if_unknown: Literal["pass", "fail"] = "pass"


@rule_kind(
    "condition", phase="eligibility", params=ConditionParams,
    passed=("商品状态符合要求（{checked_zh}）", "condition as required ({checked})"),
    failed=("{names}状态不符：{bad_zh}", "{names} not in the required condition: {bad}"),
)
def condition(ctx: Context, rule: CompiledRule) -> None:
    """The 完好 test: each requested item's stated condition must match `require` (B7-8/9,
    S4.2, S9.1). Facts not stated are checked on receipt (if_unknown: pass) or refuse."""
    p = rule.params
    bad, bad_items, unknown = [], [], []
    for item in ctx.items_for(rule):
        for key, wanted in p.require.items():
            have = item.condition.get(key)
            if have is None:
                unknown.append(key)
            elif have != wanted:
                bad.append(key)
                bad_items.append(item)
    if bad:
        ctx.say(rule, False, {"names": _names(bad_items), "bad": named(bad, COND_ZH)[1],
                              "bad_zh": "、".join(
                                  ("非" if p.require[k] else "") + COND_ZH[k]
                                  for k in dict.fromkeys(bad))})
        ctx.block(p.blocks)
    elif unknown:
        passed = p.if_unknown == "pass"
        keys_zh, keys = named(unknown, COND_ZH)
        ctx.say(rule, passed, {"keys": keys, "keys_zh": keys_zh}, unknown=True, message={
            "zh": "未说明商品状态（{keys_zh}），收货时检验",
            "en": "condition not stated ({keys}); checked on receipt"})
        if not passed:
            ctx.block(p.blocks)
    else:
        checked_zh, checked = named(p.require, COND_ZH)
        ctx.say(rule, True, {"checked": checked, "checked_zh": checked_zh})


# ---------------------------------------------------------------------------- points_difference
class PointsDifferenceParams(Params):
    max_difference: int = Field(ge=0)
    blocks: list[Resolution] | None = None


@rule_kind(
    "points_difference", phase="eligibility", params=PointsDifferenceParams,
    passed=("换货积分差{diff}，不超过{max}", "points difference {diff} is at most {max}"),
    failed=("换货积分差{diff}，超过{max}", "points difference {diff} is more than {max}"),
)
def points_difference(ctx: Context, rule: CompiledRule) -> None:
    """|points of the new goods - points of the returned goods| <= max_difference (S4.2)."""
    p = rule.params
    old = sum(i.line.points * i.quantity for i in ctx.items_for(rule))
    new = sum(x.points * x.quantity for x in ctx.req.exchange_for) if ctx.req.exchange_for \
        else old
    diff = abs(new - old)
    passed = diff <= p.max_difference
    ctx.say(rule, passed, {"diff": diff, "max": p.max_difference, "old": old, "new": new})
    if not passed:
        ctx.block(p.blocks)


# ---------------------------------------------------------------------------- quantity_limit
class QuantityLimitParams(Params):
    names: list[str] = []
    skus: list[str] = []
    max_quantity: int = Field(ge=0)
    blocks: list[Resolution] | None = None


@rule_kind(
    "quantity_limit", phase="eligibility", params=QuantityLimitParams,
    passed=("{what}本单{count}件，不超过{max}件", "{count} of {what} in this order, at most {max}"),
    failed=("{what}每单限{max}件，本次{count}件",
            "at most {max} of {what} per order; asked {count}"),
)
def quantity_limit(ctx: Context, rule: CompiledRule) -> None:
    """At most max_quantity units of the named products per order (S4.2 三七葡萄籽胶囊 2 瓶)."""
    p = rule.params
    names, skus = set(p.names), set(p.skus)
    count = sum(i.quantity for i in ctx.items_for(rule)
                if i.line.name in names or i.line.sku in skus)
    what = "、".join(p.names + p.skus)
    if count == 0:
        return  # not about these products: not applied
    passed = count <= p.max_quantity
    ctx.say(rule, passed, {"what": what, "count": count, "max": p.max_quantity})
    if not passed:
        ctx.block(p.blocks)


# ---------------------------------------------------------------------------- evidence
class EvidenceParams(Params):
    require: list[str] = Field(min_length=1)
    on_missing: Literal["block", "flag"] = "block"
    blocks: list[Resolution] | None = None


@rule_kind(
    "evidence", phase="eligibility", params=EvidenceParams,
    passed=("已提供所需证明：{have_zh}", "required evidence provided: {have}"),
    failed=("缺少证明：{missing_zh}", "evidence missing: {missing}"),
)
def evidence(ctx: Context, rule: CompiledRule) -> None:
    """The request must carry every listed evidence (S4.5, S7.3; "order_number" is met by a
    known order number, S4.4). on_missing: block removes the
    resolutions; flag keeps them and lists evidence_required on the options."""
    p = rule.params
    have = ctx.req.evidence | ({"order_number"} if ctx.req.order.number else set())
    missing = [e for e in p.require if e not in have]
    if not missing:
        have_zh, have_en = named(p.require, EVIDENCE_ZH)
        ctx.say(rule, True, {"have": have_en, "have_zh": have_zh})
        return
    missing_zh, missing_en = named(missing, EVIDENCE_ZH)
    ctx.say(rule, False, {"missing": missing_en, "missing_zh": missing_zh})
    if p.on_missing == "block":
        ctx.block(p.blocks)
    else:
        ctx.facts.setdefault("evidence_required", {}).update(dict.fromkeys(missing))


# ---------------------------------------------------------------------------- cause
class CauseParams(Params):
    damage_causes: list[Literal["misuse", "liquid", "unauthorised_repair", "force_majeure"]] = []
    covered_reasons: list[str] | None = None
    blocks: list[Resolution] = ["return", "exchange", "repair", "refund_only"]
    offer: list[Resolution] = ["paid_repair"]


@rule_kind(
    "cause", phase="eligibility", params=CauseParams,
    passed=("原因在保障范围内", "the cause is covered"),
    failed=("{why}，不在免费保障范围内，可收费维修", "{why_en}: not covered; paid repair offered"),
)
def cause(ctx: Context, rule: CompiledRule) -> None:
    """Causes that void free remedies (SB-X1..X5, S8.2 human cause) or reasons a policy doesn't
    cover (S2.2: only quality-caused returns): block the free resolutions, offer paid repair."""
    p = rule.params
    req = ctx.req
    why = why_en = None
    if req.damage_cause and req.damage_cause in p.damage_causes:
        why, why_en = f"损坏原因：{req.damage_cause}", f"damage caused by {req.damage_cause}"
    elif p.covered_reasons is not None and (req.reason or "other") not in p.covered_reasons:
        why, why_en = f"原因“{req.reason or 'other'}”", f"reason {req.reason or 'other'}"
    if why is None:
        ctx.say(rule, True)
        return
    ctx.say(rule, False, {"why": why, "why_en": why_en})
    ctx.block(p.blocks)
    ctx.offer(p.offer, sticky=True)


# ---------------------------------------------------------------------------- warranty_card
class WarrantyCardParams(Params):
    from_: list[Event] = Field(default=["sale"], alias="from", min_length=1)
    days: int = Field(ge=0)
    blocks: list[Resolution] = ["return", "exchange", "repair", "refund_only"]
    offer: list[Resolution] = ["paid_repair"]


@rule_kind(
    "warranty_card", phase="eligibility", params=WarrantyCardParams,
    passed=("三包回执卡已于{returned}寄回（期限{last}）", "warranty card returned on {returned} "
            "(due {last})"),
    failed=("三包回执卡未在售出后{days}日内（{last}前）寄回，公司不认可三包",
            "warranty card not returned within {days} days of sale (by {last}); no company 三包"),
)
def warranty_card(ctx: Context, rule: CompiledRule) -> None:
    """The dealer must return the warranty card within `days` of the sale, else the company
    does not recognise 三包 for the unit (S10.4); still in time → passes."""
    p = rule.params
    start = next((d for d in (event_date(ctx.req, e) for e in p.from_) if d), None)
    if start is None:
        ctx.say(rule, False, {}, unknown=True, message={
            "zh": "不知道售出日期，无法核对三包回执卡", "en": "sale date not known; card can't "
            "be checked"})
        ctx.facts["warranty_card"] = False
        ctx.block(p.blocks)
        ctx.offer(p.offer, sticky=True)
        return
    last = last_day(start, p.days, "days", ctx.calendar, False)
    returned = ctx.req.warranty_card_returned_at
    facts = {"days": p.days, "last": last.isoformat(),
             "returned": returned.isoformat() if returned else "-"}
    ctx.facts["warranty_card"] = (returned is not None and returned <= last) or (
        returned is None and ctx.req.asked_on <= last)
    if returned is not None and returned <= last:
        ctx.say(rule, True, facts)
    elif returned is None and ctx.req.asked_on <= last:
        ctx.say(rule, True, facts, message={"zh": "三包回执卡尚在{days}日寄回期内（{last}止）",
                                             "en": "warranty card still due by {last}"})
    else:
        ctx.say(rule, False, facts)
        ctx.block(p.blocks)
        ctx.offer(p.offer, sticky=True)


# ---------------------------------------------------------------------------- grant
class GrantParams(Params):
    when_evidence_any: list[str] = []
    when_reasons: list[str] = []
    offer: list[Resolution] = Field(min_length=1)
    replace: bool = False


@rule_kind(
    "grant", phase="eligibility", params=GrantParams,
    passed=("符合条件（{why}），可{offer_zh}", "condition met ({why}): {offer} offered"),
    failed=("不符合{offer_zh}的附加条件", "no extra condition for {offer} met"),
)
def grant(ctx: Context, rule: CompiledRule) -> None:
    """Offer resolutions when any evidence or reason listed is present (S4.6: a frightening
    fault with a complaint, an injury, damage in transit)."""
    p = rule.params
    req = ctx.req
    why = [e for e in p.when_evidence_any if e in req.evidence]
    if (req.reason or "other") in p.when_reasons:
        why.append(req.reason or "other")
    facts = {"offer": ", ".join(p.offer), "offer_zh": "、".join(RES_ZH[r] for r in p.offer),
             "why": ", ".join(why)}
    if why:
        ctx.say(rule, True, facts)
        ctx.offer(p.offer, replace=p.replace)
    else:
        ctx.say(rule, False, facts)


RES_ZH = {"return": "退货", "exchange": "换货", "repair": "维修", "paid_repair": "收费维修",
          "refund_only": "仅退款"}
