"""Refunds (S7.2): customer service creates the refund from the case's agreement (the first
review), finance approves it within its role's limit (never the requester), or refuses it with a
reason; the customer confirms the money arrived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.accounts.roles import Role
from aftersales.cases import events
from aftersales.cases.models import AdjustmentStatus, Case
from aftersales.cases.selectors import case_document, case_workflow, resolve_policy
from aftersales.cases.services import case_customer_confirms, case_note_record, case_transition
from aftersales.cases.services.common import lock_case
from aftersales.core.choices import MONEY_METHODS, PaymentMethod
from aftersales.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationError
from aftersales.core.money import ZERO, AmountError, amount_parse, fmt, to_money
from aftersales.documents.numbers import next_number
from aftersales.finance.errors import FinanceErrorCode
from aftersales.finance.models import (
    COUNTED_STATUSES,
    Refund,
    RefundLine,
    RefundRoute,
    RefundStatus,
)
from aftersales.finance.rules import RefundRules, period_end, rules_from_document
from aftersales.finance.split import SplitError, split_amount
from aftersales.logistics.selectors import case_received_at
from aftersales.sales.models import Payment

# S7.2: customer service makes the first review and submits the refund.
REQUESTER_ROLES = (Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR, Role.SALES_SPECIALIST)


# ------------------------------------------------------------------------------ reading
def refund_rules(case: Case) -> RefundRules:
    """The ``refunds`` section of the case's policy version; a version from before the section
    existed reads the company's current one."""
    rules = rules_from_document(case_document(case))
    if not rules.present:
        _v, doc = resolve_policy(business_line=case.business_line)
        rules = rules_from_document(doc)
    return rules


@dataclass(frozen=True)
class Entitlement:
    """What the case's agreement gives back, and what is still open of it."""

    allowed: Decimal  # money the decision (or an approved adjustment) allows in all
    remaining: Decimal  # … minus the case's refunds not refused
    weights: dict[str, Decimal]  # the decision's split per money method
    points: int  # points still to restore
    coupons: list[str]  # coupon codes still to restore
    adjusted: bool


def _option_refund(case: Case) -> dict:
    option = case.agreed_option or {}
    return option.get("refund") or {}


def case_entitlement(case: Case) -> Entitlement:
    refund = _option_refund(case)
    adjusted = (case.adjustment_status == AdjustmentStatus.APPROVED
                and case.adjustment_amount is not None)
    allowed = case.adjustment_amount if adjusted else to_money(refund.get("total") or "0")
    weights: dict[str, Decimal] = {}
    for part in refund.get("by_method") or []:
        method = part.get("method")
        if method in MONEY_METHODS:
            weights[method] = weights.get(method, ZERO) + to_money(part.get("amount") or "0")
    taken = Refund.objects.filter(case=case, status__in=COUNTED_STATUSES)
    money = taken.aggregate(s=Sum("amount"))["s"] or ZERO
    points = taken.aggregate(s=Sum("points"))["s"] or 0
    coupons_taken = set(RefundLine.objects.filter(
        refund__in=taken, method=PaymentMethod.COUPON).values_list("coupon_code", flat=True))
    aliases = order_paid(case.order)[2] if case.order_id else {}
    named = [_coupon_code(aliases[c]) for c in (refund.get("coupons_restored") or [])
             if c in aliases]
    coupons = [c for c in dict.fromkeys(named) if c not in coupons_taken]
    return Entitlement(allowed=allowed, remaining=max(allowed - money, ZERO), weights=weights,
                       points=max(int(refund.get("points") or 0) - points, 0),
                       coupons=coupons, adjusted=adjusted)


def order_paid(order) -> tuple[dict[str, Decimal], int, dict[str, Payment]]:
    """Money paid per method, points paid, and the coupon payments by every name the decision
    may give them (their code, their reference, the engine's ``coupon:<amount>``)."""
    money: dict[str, Decimal] = {}
    points = 0
    coupons: dict[str, Payment] = {}
    for pay in Payment.objects.filter(order=order).order_by("pk"):
        if pay.method in MONEY_METHODS:
            money[pay.method] = money.get(pay.method, ZERO) + pay.amount
        elif pay.method == PaymentMethod.POINTS:
            points += pay.points or 0
        elif pay.method == PaymentMethod.COUPON:
            # The decision names a coupon by its code, or "coupon:<amount>" without one.
            for alias in (f"coupon:{fmt(pay.amount)}", pay.reference, pay.coupon_code):
                if alias:
                    coupons[alias] = pay
    return money, points, coupons


def _coupon_code(pay: Payment) -> str:
    return pay.coupon_code or pay.reference or f"coupon:{fmt(pay.amount)}"


def order_refunded(order, *, exclude: Refund | None = None) -> tuple[dict[str, Decimal], int]:
    """Money per method and points already given back on the order's refunds (not refused)."""
    lines = RefundLine.objects.filter(refund__order=order, refund__status__in=COUNTED_STATUSES)
    if exclude is not None:
        lines = lines.exclude(refund=exclude)
    money: dict[str, Decimal] = {}
    for row in lines.values("method").annotate(s=Sum("amount")):
        money[row["method"]] = row["s"] or ZERO
    points = lines.filter(method=PaymentMethod.POINTS).aggregate(s=Sum("points"))["s"] or 0
    return money, int(points)


def refundable(order) -> tuple[dict[str, Decimal], int]:
    """What the order can still give back per money method, and in points."""
    paid, points_paid, _c = order_paid(order)
    done, points_done = order_refunded(order)
    return ({m: max(a - done.get(m, ZERO), ZERO) for m, a in paid.items()},
            max(points_paid - points_done, 0))


def goods_received_at(case: Case) -> datetime | None:
    """When the returned goods were received (B7-13): the warehouse's receipt (logistics), else
    the time recorded on the case's ``goods_received`` fact."""
    fact = (case.facts or {}).get("goods_received") or {}
    if not fact.get("value", True):
        return None
    received = case_received_at(case)
    if received is not None:
        return received
    at = fact.get("received_at") or fact.get("at")
    return parse_datetime(at) if isinstance(at, str) else None


def _clock(case: Case, rules: RefundRules) -> tuple[datetime | None, datetime | None,
                                                    datetime | None]:
    received = goods_received_at(case)
    # No goods come back (refund only, an adjustment): the clock runs from the agreement.
    start = received or (case.agreed_at if not case.facts.get("rma_issued") else None)
    due = period_end(start, rules.due_after_receipt) if start and rules.due_after_receipt \
        else None
    breach = period_end(start, rules.breach_after_receipt) if start and \
        rules.breach_after_receipt else None
    return received, due, breach


def _require(user, roles, message) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_role(*roles):
        raise PermissionDenied(message)


# ------------------------------------------------------------------------------ creating
@dataclass(frozen=True)
class MethodShare:
    method: str
    amount: Decimal
    route: str = RefundRoute.ORIGINAL
    route_detail: str = ""
    consent_by: str = ""
    consent_at: datetime | None = None
    consent_how: str = ""


def _parse_amount(value, field: str) -> Decimal:
    try:
        return amount_parse(value)
    except AmountError as exc:
        raise ValidationError(exc.message, fields={field: exc.message}) from None


@transaction.atomic
def refund_create(*, case: Case, actor, amount=None, reason: str = "",
                  by_method: list[dict] | None = None) -> Refund:
    """Customer service's first review (S7.2): the refund from the agreed option — the whole
    remaining amount, or less (a partial refund, with a reason) — split per original payment
    method, with the points and coupons to restore in kind. Sets ``refund_reviewed``."""
    _require(actor, REQUESTER_ROLES, _("Only customer service submits refunds."))
    case = lock_case(case)
    if case.is_closed:
        raise Conflict(pgettext("finance", "The case is closed."),
                       code=FinanceErrorCode.REFUND_NOT_OPEN)
    if case.order_id is None or not (case.agreed_option or case.adjustment_status ==
                                     AdjustmentStatus.APPROVED):
        raise ValidationError(_("Nothing to refund: the case has no agreed refund."),
                              code=FinanceErrorCode.NOTHING_TO_REFUND)
    facts = case.facts or {}
    if (facts.get("rma_issued") or {}).get("value") and goods_received_at(case) is None:
        # S7.1/S9.5: a return is refunded after its goods are received, never before.
        raise Conflict(_("The returned goods are not received yet; refund after the receipt."),
                       code=FinanceErrorCode.GOODS_NOT_RECEIVED)
    ent = case_entitlement(case)
    caps, points_left = refundable(case.order)
    amount = ent.remaining if amount in (None, "") else _parse_amount(amount, "amount")
    if amount > ent.remaining:
        raise ValidationError(
            _("The decision allows %(allowed)s yuan (%(left)s still open); %(amount)s needs an "
              "approved adjustment.") % {"allowed": fmt(ent.allowed), "left": fmt(ent.remaining),
                                         "amount": fmt(amount)},
            code=FinanceErrorCode.ABOVE_DECISION, fields={"amount": _("above the decision")})
    partial = amount < ent.remaining
    reason = (reason or "").strip()
    if partial and not reason:
        raise ValidationError(_("Say why less than the decision's amount is refunded."),
                              code=FinanceErrorCode.REASON_REQUIRED,
                              fields={"reason": _("required for a partial refund")})
    shares = _shares(amount, by_method, ent, caps)
    points = min(ent.points, points_left) if not partial else 0
    coupons = ent.coupons if not partial else []
    if amount <= 0 and not points and not coupons:
        raise ValidationError(_("Nothing to refund: the case has no agreed refund."),
                              code=FinanceErrorCode.NOTHING_TO_REFUND)
    rules = refund_rules(case)
    received, due, breach = _clock(case, rules)
    now = timezone.now()
    refund = Refund.objects.create(
        number=next_number("refund", "RF"), case=case, order=case.order,
        customer=case.customer or case.order.customer, amount=amount, points=points,
        decision_amount=ent.allowed, partial=partial, reason=reason, requested_by=actor,
        requested_at=now, received_at=received, due_at=due, breach_at=breach)
    for share in shares:
        RefundLine.objects.create(
            refund=refund, method=share.method, amount=share.amount, route=share.route,
            route_detail=share.route_detail, consent_by=share.consent_by,
            consent_at=share.consent_at, consent_how=share.consent_how)
    if points:
        RefundLine.objects.create(refund=refund, method=PaymentMethod.POINTS, points=points)
    for code in coupons:
        RefundLine.objects.create(refund=refund, method=PaymentMethod.COUPON, coupon_code=code)
    case_note_record(case=case, actor=actor, fact="refund_reviewed", record=refund.number,
                     data=_summary(refund))
    return refund


def _shares(amount: Decimal, given: list[dict] | None, ent: Entitlement,
            caps: dict[str, Decimal]) -> list[MethodShare]:
    if not given:
        try:
            parts = split_amount(amount, ent.weights, caps)
        except SplitError:
            raise ValidationError(
                _("The order's payments can't take %(amount)s yuan back.")
                % {"amount": fmt(amount)}, code=FinanceErrorCode.ABOVE_PAID,
                fields={"amount": _("more than was paid")}) from None
        return [MethodShare(m, a) for m, a in parts.items()]
    shares, total = [], ZERO
    for i, raw in enumerate(given):
        method = str(raw.get("method") or "")
        if method not in MONEY_METHODS:
            raise ValidationError(_("Not a money payment method."),
                                  fields={f"by_method.{i}.method": _("unknown")})
        part = _parse_amount(raw.get("amount"), f"by_method.{i}.amount")
        if part > caps.get(method, ZERO):
            raise ValidationError(
                _("%(method)s: %(amount)s yuan is more than the order paid with it and was not "
                  "refunded yet (%(cap)s).") % {"method": PaymentMethod(method).label,
                                                 "amount": fmt(part),
                                                 "cap": fmt(caps.get(method, ZERO))},
                code=FinanceErrorCode.ABOVE_PAID,
                fields={f"by_method.{i}.amount": _("more than was paid")})
        route = raw.get("route") or RefundRoute.ORIGINAL
        consent = {}
        if route == RefundRoute.OTHER:
            consent = _consent(raw, i)
        elif route != RefundRoute.ORIGINAL:
            raise ValidationError(_("Unknown route."),
                                  fields={f"by_method.{i}.route": _("unknown")})
        shares.append(MethodShare(method, part, route=route, **consent))
        total += part
    if total != amount:
        raise ValidationError(
            _("The methods add up to %(sum)s yuan, not %(amount)s.")
            % {"sum": fmt(total), "amount": fmt(amount)}, fields={"by_method": _("sum differs")})
    if len({s.method for s in shares}) != len(shares):
        raise ValidationError(_("Name each method once."), fields={"by_method": _("repeated")})
    return [s for s in shares if s.amount > 0]


def _consent(raw: dict, i: int) -> dict:
    """B7-14(3): money on another route only with the customer's express consent: who, when,
    how — and where the money goes."""
    who = str(raw.get("consent_by") or "").strip()
    how = str(raw.get("consent_how") or "").strip()
    detail = str(raw.get("route_detail") or "").strip()
    at = raw.get("consent_at")
    if isinstance(at, str):
        at = parse_datetime(at)
    missing = [k for k, v in (("consent_by", who), ("consent_how", how),
                              ("consent_at", at), ("route_detail", detail)) if not v]
    if missing:
        raise ValidationError(
            _("Another route than the original needs the customer's recorded consent (who, "
              "when, how) and where the money goes."), code=FinanceErrorCode.CONSENT_REQUIRED,
            fields={f"by_method.{i}.{k}": _("required") for k in missing})
    return {"route_detail": detail[:200], "consent_by": who[:80], "consent_how": how[:200],
            "consent_at": at}


def _summary(refund: Refund) -> dict:
    lines = list(refund.lines.all())
    return {"amount": fmt(refund.amount), "points": refund.points,
            "by_method": [{"method": ln.method, "amount": fmt(ln.amount)} for ln in lines
                          if not ln.in_kind],
            "coupons": [ln.coupon_code for ln in lines if ln.method == PaymentMethod.COUPON]}


# ------------------------------------------------------------------------------ approving
def approval_role(user, amount: Decimal, rules: RefundRules) -> str | None:
    """The user's role that may approve ``amount`` (the one with the highest limit), if any."""
    best: tuple[int, str] | None = None
    for role, limit in rules.approval_limits.items():
        if not user.has_role(role):
            continue
        if limit is not None and amount > limit:
            continue
        rank = (1 if limit is None else 0, role)
        if best is None or rank > best:
            best = rank
    return best[1] if best else None


def _lock_refund(refund: Refund | int) -> Refund:
    pk = refund.pk if isinstance(refund, Refund) else refund
    return Refund.objects.select_for_update(of=("self",)).select_related("case").get(pk=pk)


@transaction.atomic
def refund_approve(*, refund: Refund, actor) -> Refund:
    """Finance approves (S7.2) within its role's limit from the policy; above it a higher role
    approves. The approver is never the requester. Sets ``finance_approval``."""
    refund = _lock_refund(refund)
    rules = refund_rules(refund.case)
    if not getattr(actor, "is_authenticated", False) or not any(
            actor.has_role(r) for r in rules.approval_limits):
        raise PermissionDenied(_("Your role does not approve refunds."))
    if refund.status != RefundStatus.PENDING:
        raise Conflict(_("This refund is not waiting for approval (%(status)s).")
                       % {"status": refund.get_status_display()},
                       code=FinanceErrorCode.REFUND_NOT_OPEN)
    if refund.requested_by_id == actor.pk:
        raise PermissionDenied(_("You submitted this refund; another person must approve it."),
                               code=FinanceErrorCode.OWN_REFUND)
    role = approval_role(actor, refund.amount, rules)
    if role is None:
        limits = [fmt(v) for r, v in rules.approval_limits.items() if actor.has_role(r) and v]
        raise PermissionDenied(
            _("%(amount)s yuan is above your approval limit (%(limit)s yuan); a higher role "
              "approves it.") % {"amount": fmt(refund.amount), "limit": ", ".join(limits) or "0"},
            code=FinanceErrorCode.ABOVE_APPROVAL_LIMIT)
    refund.status = RefundStatus.APPROVED
    refund.approved_by, refund.approved_at, refund.approver_role = actor, timezone.now(), role
    refund.save(update_fields=["status", "approved_by", "approved_at", "approver_role",
                               "updated_at"])
    case_note_record(case=refund.case, actor=actor, fact="finance_approval",
                     record=refund.number, data={**_summary(refund), "role": role})
    return refund


@transaction.atomic
def refund_refuse(*, refund: Refund, actor, reason: str) -> Refund:
    """Finance sends the refund back with a reason; it stops counting against the decision
    and the order's payments, and the case goes back a step where its workflow allows."""
    refund = _lock_refund(refund)
    rules = refund_rules(refund.case)
    if not getattr(actor, "is_authenticated", False) or not any(
            actor.has_role(r) for r in rules.approval_limits):
        raise PermissionDenied(_("Your role does not approve refunds."))
    if refund.status != RefundStatus.PENDING:
        raise Conflict(_("This refund is not waiting for approval (%(status)s).")
                       % {"status": refund.get_status_display()},
                       code=FinanceErrorCode.REFUND_NOT_OPEN)
    if refund.requested_by_id == actor.pk:
        raise PermissionDenied(_("You submitted this refund; another person must decide on it."),
                               code=FinanceErrorCode.OWN_REFUND)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the refund is refused."),
                              code=FinanceErrorCode.REASON_REQUIRED,
                              fields={"reason": _("required")})
    refund.status = RefundStatus.REFUSED
    refund.refused_by, refund.refused_at, refund.refusal_reason = actor, timezone.now(), reason
    refund.save(update_fields=["status", "refused_by", "refused_at", "refusal_reason",
                               "updated_at"])
    case = case_note_record(case=refund.case, actor=actor, fact="refund_reviewed",
                            record=refund.number, value=False, advance=False,
                            data={"refused": reason})
    workflow = case_workflow(case)
    back = [t for t in workflow.transitions_from(case.state)
            if t.code in ("refuse_refund",) and t.reason_required]
    if back:
        try:
            case_transition(case=case, actor=actor, transition=back[0].code, reason=reason)
        except ApplicationError:  # the role may not make it: the case stays, the refund is refused
            pass
    return refund


# ------------------------------------------------------------------------------ customer
@transaction.atomic
def refund_confirm_received(*, refund: Refund, via: str = "portal", actor=None) -> Refund:
    """The customer confirms the money arrived (S7.2 "confirms receipt"); once is enough."""
    refund = _lock_refund(refund)
    if refund.status != RefundStatus.PAID:
        raise Conflict(_("This refund is not paid yet."), code=FinanceErrorCode.NOT_PAID)
    if refund.confirmed_at is None:
        refund.confirmed_at, refund.confirmed_via = timezone.now(), via[:20]
        refund.save(update_fields=["confirmed_at", "confirmed_via", "updated_at"])
        events.event_fact_recorded(case=refund.case, actor=actor if getattr(
            actor, "is_authenticated", False) else None, data={
            "fact": "refund_paid", "value": True, "record": refund.number,
            "confirmed_by_customer": refund.confirmed_at.isoformat(), "via": via})
        # the customer's own confirmation closes the case (S7.2), once no other refund of
        # the case is still to come (a partial refund's rest)
        if via == "portal" and not Refund.objects.filter(refunds_open_q(),
                                                         case_id=refund.case_id).exists():
            case_customer_confirms(case=refund.case, note=_("refund %(number)s received")
                                   % {"number": refund.number})
    return refund


def refunds_open_q() -> Q:
    return Q(status__in=(RefundStatus.PENDING, RefundStatus.APPROVED))
