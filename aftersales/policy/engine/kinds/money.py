"""Money kinds: refund (PAY-1..4, B7-12/14/15/17/18), exchange difference (S4.2 多不退少补),
paid-repair quote from a parts price list (S4.1, S8.2). Decimal only; refunds are split over
the original payment methods by fen and never exceed what each method paid."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from aftersales.core.money import allocate, fmt, round_fen

from ..request import MONEY_METHODS
from . import Params, Resolution, rule_kind
from .gates import METHOD_ZH, words

if TYPE_CHECKING:
    from ..context import Context
    from ..document import CompiledRule
    from ..request import Item, Request


ZERO = Decimal("0.00")


class RefundParams(Params):
    threshold_discount: Literal["reprice", "prorate"] = "reprice"
    lost_free_shipping: Literal["deduct", "keep"] = "deduct"
    gifts_not_returned: Literal["deduct_declared", "ignore"] = "deduct_declared"
    refund_outbound_shipping: Literal["when_company_pays", "always", "never"] = "when_company_pays"
    resolutions: list[Resolution] = ["return", "refund_only"]
    coupons: Literal["restore_on_full_return", "restore_always"] = "restore_on_full_return"
    cite: dict[Literal["reprice", "gifts", "free_shipping", "shipping", "in_kind"], str] = {
        "reprice": "B7-17", "gifts": "B7-12", "free_shipping": "B7-18", "shipping": "XF-24",
        "in_kind": "B7-15"}


def refund_value(req: Request, items: Sequence[Item], p: RefundParams, company_pays: bool
                 ) -> tuple[Decimal, Decimal, list[tuple[str, str, str]]]:
    """(value in yuan before the split, amount the customer owes, [(cite key, zh, en)])."""
    lines = req.order.lines
    returned: dict[int, int] = {}
    for it in items:
        returned[it.line.index] = returned.get(it.line.index, 0) + it.quantity
    returned_value = sum((lines[i].unit_price * q for i, q in returned.items()
                          if not lines[i].gift), ZERO)
    value = returned_value
    notes = []
    goods_total = sum((ln.value for ln in lines), ZERO)
    discounts = ZERO
    for promo in req.order.promotions:
        if promo.kind != "threshold_discount":
            continue
        discounts += promo.discount
        idx = promo.lines if promo.lines is not None else tuple(range(len(lines)))
        s = sum((lines[i].value for i in idx), ZERO)
        r = sum((lines[i].unit_price * returned.get(i, 0) for i in idx if not lines[i].gift),
                ZERO)
        if r == 0 or promo.discount == 0:
            continue
        kept = s - r
        if p.threshold_discount == "prorate":
            adj = -round_fen(promo.discount * r / s)
            notes.append(("reprice", f"满减{fmt(promo.discount)}按金额分摊，退回部分扣{fmt(-adj)}",
                          f"threshold discount {fmt(promo.discount)} prorated: {fmt(-adj)} "
                          "deducted"))
        elif kept > 0 and (promo.threshold is None or kept >= promo.threshold):
            adj = ZERO
            notes.append(("reprice", f"保留商品{fmt(kept)}仍满足满减，退货按原价退",
                          f"kept goods {fmt(kept)} still reach the threshold; returned items "
                          "refunded at their prices"))
        else:
            adj = -promo.discount
            if kept > 0:
                assert promo.threshold is not None  # else the goods kept keep the discount
                notes.append(("reprice", f"退货后保留商品{fmt(kept)}不满{fmt(promo.threshold)}，"
                              f"失去满减{fmt(promo.discount)}，按原价结算",
                              f"kept goods {fmt(kept)} fall below {fmt(promo.threshold)}: the "
                              f"{fmt(promo.discount)} discount is lost, re-priced"))
        value += adj
    full = is_full_return(req, items)
    if full and p.gifts_not_returned == "deduct_declared":
        for ln in lines:
            missing = ln.quantity - returned.get(ln.index, 0) if ln.gift else 0
            if missing <= 0:
                continue
            if ln.declared_gift_price is None:
                notes.append(("gifts", f"赠品{ln.name}未退回，未标明价格，不扣款",
                              f"gift {ln.name} kept; no declared price, nothing deducted"))
                continue
            cost = ln.declared_gift_price * missing
            value -= cost
            notes.append(("gifts", f"赠品{ln.name}未退回，按标明价格扣{fmt(cost)}",
                          f"gift {ln.name} kept: declared price {fmt(cost)} deducted"))
    if not full and not company_pays and p.lost_free_shipping == "deduct":
        kept_paid = goods_total - discounts - value
        for promo in req.order.promotions:
            if promo.kind == "free_shipping" and promo.threshold is not None \
                    and kept_paid < promo.threshold and promo.standard_fee > 0:
                value -= promo.standard_fee
                notes.append(("free_shipping",
                              f"退货后不满{fmt(promo.threshold)}包邮，扣运费{fmt(promo.standard_fee)}",
                              f"below the {fmt(promo.threshold)} free-shipping threshold: "
                              f"{fmt(promo.standard_fee)} shipping deducted"))
    fee = req.order.shipping_fee
    if full and fee > 0 and (p.refund_outbound_shipping == "always" or (
            p.refund_outbound_shipping == "when_company_pays" and company_pays)):
        value += fee
        notes.append(("shipping", f"退还已付运费{fmt(fee)}", f"shipping fee {fmt(fee)} refunded"))
    owed = ZERO
    if value < 0:
        owed, value = -value, ZERO
    return round_fen(value), round_fen(owed), notes


def is_full_return(req: Request, items: Sequence[Item]) -> bool:
    returned: dict[int, int] = {}
    for it in items:
        returned[it.line.index] = returned.get(it.line.index, 0) + it.quantity
    return all(returned.get(ln.index, 0) == ln.quantity for ln in req.order.lines if not ln.gift)


def split(req: Request, value: Decimal, *, whole_coupons: bool = True
          ) -> tuple[Decimal, list[tuple[str, Decimal]], int, list[str]]:
    """Split value over the payments in proportion to what each paid (B7-14, PAY-1); money
    methods give by_method, points come back in kind (B7-15). A coupon can't be split: it is
    restored when whole_coupons (the whole order comes back), else its share is forfeited."""
    payments = req.order.payments
    paid = sum((x.amount for x in payments), ZERO)
    if not payments:
        return value, [], 0, []
    value = min(value, paid)
    parts = allocate(value, [x.amount for x in payments])
    by_method: dict[str, Decimal] = {}
    points, coupons = 0, []
    for pay, part in zip(payments, parts, strict=True):
        if part <= 0:
            continue
        if pay.method in MONEY_METHODS:
            by_method[pay.method] = by_method.get(pay.method, ZERO) + part
        elif pay.method == "points":
            if pay.points:
                points += int((Decimal(pay.points) * part / pay.amount)
                              .quantize(Decimal(1), ROUND_HALF_UP))
        elif pay.method == "coupon" and whole_coupons:
            coupons.append(pay.reference or f"coupon:{fmt(pay.amount)}")
    total = sum(by_method.values(), ZERO)
    return total, list(by_method.items()), points, coupons


@rule_kind(
    "refund", phase="terms", params=RefundParams,
    passed=("退款{total}元，按原支付方式退回（{methods_zh}）{in_kind_zh}",
            "refund {total} to the original methods ({methods}){in_kind}"),
    failed=("退款为0", "nothing to refund"),
)
def refund(ctx: Context, rule: CompiledRule) -> None:
    """The money back for return/refund_only options: amounts actually paid (PAY-2, B7-17 with
    threshold discounts re-priced or prorated), minus kept gifts (B7-12) and lost free shipping
    when the customer pays shipping (B7-18), split over the original methods (B7-14)."""
    p = rule.params
    items = ctx.items_for(rule)
    said = False
    for opt in ctx.options:
        if opt.resolution not in p.resolutions:
            continue
        value, owed, notes = refund_value(ctx.req, items, p,
                                          opt.shipping_paid_by == "company")
        total, by_method, points, coupons = split(
            ctx.req, value, whole_coupons=p.coupons == "restore_always"
            or is_full_return(ctx.req, items))
        opt.refund_total, opt.by_method, opt.points = total, by_method, points
        opt.coupons_restored = coupons
        opt.customer_pays += owed
        if said:
            continue
        said = True
        for key, zh, en in notes:
            ctx.say(rule, True, rule_id=p.cite.get(key, rule.id), message={"zh": zh, "en": en})
        in_kind = ""
        in_kind_zh = ""
        if points or coupons:
            in_kind = f"; {points} points and {len(coupons)} coupons returned in kind"
            in_kind_zh = f"；积分{points}、优惠券{len(coupons)}张原样退回"
        methods = ", ".join(f"{words(m)} {fmt(a)}" for m, a in by_method) or "-"
        methods_zh = "、".join(f"{METHOD_ZH.get(m, m)}{fmt(a)}元" for m, a in by_method) or "-"
        ctx.say(rule, True, {"total": fmt(total), "methods": methods, "methods_zh": methods_zh,
                             "in_kind": in_kind, "in_kind_zh": in_kind_zh})


# ---------------------------------------------------------------------------- exchange_difference
class ExchangeDifferenceParams(Params):
    refund_lower: bool = False
    bundle_equal_swap: bool = True


@rule_kind(
    "exchange_difference", phase="terms", params=ExchangeDifferenceParams,
    passed=("换货差价：原商品{old}元，新商品{new}元，{result_zh}",
            "exchange difference: old {old}, new {new}: {result}"),
    failed=("不适用", "not applicable"),
)
def exchange_difference(ctx: Context, rule: CompiledRule) -> None:
    """多不退少补 (S4.2): dearer new goods → the customer pays the difference; cheaper → nothing
    back unless refund_lower; inside a bundle an equal-points equal-price swap costs nothing."""
    p = rule.params
    req = ctx.req
    items = ctx.items_for(rule)
    old = sum((i.value for i in items), ZERO)
    new = sum((x.unit_price * x.quantity for x in req.exchange_for), ZERO) \
        if req.exchange_for else old
    for opt in ctx.options:
        if opt.resolution != "exchange":
            continue
        if p.bundle_equal_swap and req.exchange_for and any(i.line.bundle for i in items) \
                and len(items) == len(req.exchange_for) and all(
                    i.line.unit_price == x.unit_price and i.line.points == x.points
                    for i, x in zip(items, req.exchange_for, strict=True)):
            ctx.say(rule, True, rule_id=f"{rule.id}-bundle", message={
                "zh": "套餐内同等积分同等金额调换，不补差价",
                "en": "bundle swap of equal points and price: no difference"})
            return
        diff = new - old
        if diff > 0:
            opt.customer_pays += diff
            result, result_zh = f"customer pays {fmt(diff)}", f"补差价{fmt(diff)}元"
        elif diff < 0 and p.refund_lower:
            total, by_method, points, coupons = split(req, -diff, whole_coupons=False)
            opt.refund_total, opt.by_method, opt.points = total, by_method, points
            opt.coupons_restored = coupons
            result, result_zh = f"{fmt(-diff)} refunded", f"退差价{fmt(-diff)}元"
        elif diff < 0:
            result, result_zh = "nothing refunded", "多不退"
        else:
            result, result_zh = "no difference", "无差价"
        ctx.say(rule, True, {"old": fmt(old), "new": fmt(new), "result": result,
                             "result_zh": result_zh})
        return


# ---------------------------------------------------------------------------- repair_quote
class PartPrice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    price: Decimal = Field(ge=0)
    unit: str


class RepairQuoteParams(Params):
    prices: dict[str, PartPrice] = {}
    labour: Decimal = Field(default=Decimal("0"), ge=0)
    resolutions: list[Resolution] = ["paid_repair"]


@rule_kind(
    "repair_quote", phase="terms", params=RepairQuoteParams,
    passed=("收费维修报价{total}元（{lines}），经客户确认后维修",
            "paid repair quoted at {total} ({lines}); repaired once the customer confirms"),
    failed=("收费维修需先报价并经客户确认{missing_zh}",
            "paid repair: a quote must be made and confirmed first{missing}"),
)
def repair_quote(ctx: Context, rule: CompiledRule) -> None:
    """Price the requested repair_parts from the policy's parts list (S4.1, with units) plus
    labour; unknown parts or no parts → quote_required (S8.2: quoted first, confirmed)."""
    p = rule.params
    quoted, missing = [], []
    total = p.labour
    for part in ctx.req.repair_parts:
        price = p.prices.get(part.part)
        if price is None:
            missing.append(part.part)
            continue
        amount = round_fen(price.price * part.quantity)
        total += amount
        quoted.append({"part": part.part, "quantity": str(part.quantity.normalize()),
                       "unit": price.unit, "unit_price": fmt(price.price), "amount": fmt(amount)})
    total = round_fen(total)
    complete = bool(ctx.req.repair_parts) and not missing
    applied = False
    for opt in ctx.options:
        if opt.resolution not in p.resolutions:
            continue
        applied = True
        opt.customer_pays += total
        opt.extra["quote"] = {"lines": quoted, "labour": fmt(p.labour), "total": fmt(total),
                              "complete": complete}
        if not complete:
            opt.extra["quote_required"] = True
    if not applied:
        return
    lines = ", ".join(f"{q['part']} {q['quantity']}{q['unit']} {q['amount']}" for q in quoted)
    if complete:
        ctx.say(rule, True, {"total": fmt(total), "lines": lines})
    else:
        ctx.say(rule, False, {"missing": f" (no price for: {', '.join(missing)})" if missing
                              else "", "missing_zh": f"（无价格：{'、'.join(missing)}）" if missing
                              else ""})
