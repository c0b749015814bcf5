"""The charges app's panels in the page slots (aftersales.core.panels): the case page (quotes,
the exchange difference, charges, compensation, the case's cost), the customer's portal page
(the quote to answer, the difference to pay) and the cashier's home (what to collect)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.cases.models import Case, CaseKind
from aftersales.cases.selectors import cases_visible_to
from aftersales.catalog.models import PartPrice
from aftersales.charges import selectors as sel
from aftersales.charges.models import (
    AcceptChannel,
    ChargeReason,
    Compensation,
    CompensationStatus,
    Party,
    PayMethod,
    Quote,
    QuoteStatus,
)
from aftersales.core.money import ZERO

# Methods a cashier takes money by (points are the member's, a deduction a factory's).
CUSTOMER_METHODS = [(m.value, m.label) for m in PayMethod
                    if m not in (PayMethod.NONE, PayMethod.DEDUCTION)]
CHARGE_METHODS = [(m.value, m.label) for m in PayMethod
                  if m not in (PayMethod.NONE, PayMethod.POINTS)]
PAY_METHODS = [(m.value, m.label) for m in PayMethod
               if m not in (PayMethod.NONE, PayMethod.DEDUCTION, PayMethod.POINTS)]


def price_list() -> list[PartPrice]:
    """Today's parts price list (one line per code: the latest valid price)."""
    day = timezone.localdate()
    seen: dict[str, PartPrice] = {}
    for p in (PartPrice.objects.filter(valid_from__lte=day).exclude(valid_to__lt=day)
              .order_by("code", "-valid_from")):
        seen.setdefault(p.code, p)
    return list(seen.values())


def case_panel(*, request=None, case: Case, user=None, **_kw: Any) -> dict | None:
    if not sel.may(user, sel.MONEY_VIEW_ROLES, case):
        return None
    quotes = list(sel.quotes_for_case(case))
    diff = sel.exchange_difference(case)
    receipt = sel.difference_receipt(case) if diff is not None else None
    charges = list(sel.charges_for_case(case))
    comps = list(sel.compensations_for_case(case))
    late = sel.late_compensation_due(case)
    open_ = not case.is_closed
    return {
        "case": case, "quotes": quotes, "now": timezone.now(),
        "diff": diff, "receipt": receipt, "charges": charges, "compensations": comps,
        "cost": sel.case_cost(case),
        "can_quote": open_ and sel.may(user, sel.QUOTE_ROLES, case),
        "can_answer": open_ and sel.may(user, sel.ANSWER_ROLES, case),
        "can_collect": open_ and sel.may(user, sel.CASHIER_ROLES, case),
        "can_charge": sel.may(user, sel.CHARGE_ROLES, case),
        "can_waive": sel.may(user, sel.WAIVE_ROLES, case),
        "can_pay": sel.may(user, sel.PAY_ROLES, case),
        "can_propose": late is not None and not any(c.rule == late[2] for c in comps)
        and sel.may(user, sel.COMPENSATION_ROLES, case),
        "late": late, "parts": price_list() if open_ and sel.may(user, sel.QUOTE_ROLES, case)
        else [],
        "answer_channels": [(c.value, c.label) for c in AcceptChannel
                            if c not in (AcceptChannel.PORTAL, AcceptChannel.API)],
        "customer_methods": CUSTOMER_METHODS, "charge_methods": CHARGE_METHODS,
        "pay_methods": PAY_METHODS, "parties": Party.choices, "reasons": ChargeReason.choices,
        "labour_rate": sel.charges_policy(case).labour_rate,
        "responsibility": sel.case_responsibility(case),
        "user": user,
    }


def portal_panel(*, request=None, case: Case, token: str = "", **_kw: Any) -> dict | None:
    quote = sel.open_quote(case)
    if quote is not None and sel.quote_is_expired(quote):
        quote = None
    answered = Quote.objects.filter(case=case).exclude(status=QuoteStatus.ISSUED).first()
    diff = sel.exchange_difference(case) if case.kind == CaseKind.EXCHANGE else None
    receipt = sel.difference_receipt(case) if diff is not None else None
    comps = list(Compensation.objects.filter(case=case, status__in=[
        CompensationStatus.APPROVED, CompensationStatus.PAID]))
    if quote is None and answered is None and diff is None and not comps:
        return None
    return {"case": case, "t": token, "quote": quote, "answered": answered, "diff": diff,
            "receipt": receipt, "compensations": comps}


def home_panel(*, request=None, user=None, role: str | None = None, **_kw: Any) -> dict | None:
    roles = set(getattr(user, "role_codes", ()) or ())
    cashier = bool(roles & {Role.CASHIER, Role.FINANCE}) or getattr(user, "is_superuser", False)
    supervisor = bool(roles & sel.WAIVE_ROLES)
    if not cashier and not supervisor:
        return None
    cases = cases_visible_to(user)
    diffs = [d for d in sel.differences_to_collect(cases)] if cashier else []
    charges = list(sel.charges_to_collect().filter(case__in=cases)
                   .order_by("created_at")[:20]) if cashier else []
    to_pay = list(Compensation.objects.filter(case__in=cases, status=CompensationStatus.APPROVED)
                  .select_related("case")[:20]) if cashier else []
    to_approve = list(Compensation.objects.filter(case__in=cases,
                                                  status=CompensationStatus.PROPOSED)
                      .select_related("case")[:20]) if supervisor else []
    if not (diffs or charges or to_pay or to_approve) and not cashier:
        return None
    return {"diffs": diffs[:20], "charges": charges, "to_pay": to_pay, "to_approve": to_approve,
            "diff_total": sum((d.amount for d in diffs), ZERO),
            "diff_points": sum(d.points for d in diffs),
            "charge_total": sum((c.amount for c in charges), Decimal(0)),
            "cashier": cashier}
