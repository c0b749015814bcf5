"""Reads of the charges app: the exchange difference (S4.2 多不退少补), a case's quotes,
charges and compensations, what the cashier has to collect, and the case's cost (parts, labour,
freight both ways, compensation, fines) for the case page and the reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import CUSTOMER_FACING_ROLES, SUPERVISOR_ROLES, Role
from aftersales.cases.models import Case, CaseKind, Fine, FineStatus, StateCategory
from aftersales.cases.selectors import actor_roles, case_document, case_in_scope
from aftersales.charges.errors import ChargesErrorCode
from aftersales.charges.models import (
    CashierReceipt,
    Charge,
    ChargeStatus,
    Compensation,
    CompensationStatus,
    Quote,
    QuoteStatus,
    ReceiptPurpose,
)
from aftersales.charges.policy import SECTION, ChargesPolicy, parse_section
from aftersales.core.errors import NotFound
from aftersales.core.money import ZERO, round_fen
from aftersales.logistics import selectors as logistics
from aftersales.logistics.models import ReturnAuthorization, Shipment
from aftersales.quality.selectors import inspection_for_case, responsibility_of

# Who does what (X4). The workflow decides the case's steps; these roles may make the records.
QUOTE_ROLES = frozenset({Role.QUALITY, Role.QUALITY_FOLLOWER, Role.QUALITY_SUPERVISOR,
                         Role.SALES_SPECIALIST, Role.SALES_ASSISTANT, Role.SALES_SUPERVISOR,
                         Role.REPAIR_TECHNICIAN, Role.TECHNICAL, Role.SALES_BRANCH,
                         Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR, Role.DEALER, Role.ADMIN})
# Who records an answer the customer gave by phone or in person.
ANSWER_ROLES = frozenset(QUOTE_ROLES | CUSTOMER_FACING_ROLES)
CASHIER_ROLES = frozenset({Role.CASHIER, Role.FINANCE, Role.ADMIN})
CHARGE_ROLES = frozenset({Role.QUALITY, Role.QUALITY_FOLLOWER, Role.QUALITY_SUPERVISOR,
                          Role.SALES_SPECIALIST, Role.SALES_SUPERVISOR, Role.SALES_VP,
                          Role.CS_SUPERVISOR, Role.FINANCE, Role.MANAGEMENT, Role.ADMIN,
                          Role.SALES_BRANCH, Role.TECHNICAL})
WAIVE_ROLES = frozenset(SUPERVISOR_ROLES | {Role.ADMIN})
COMPENSATION_ROLES = frozenset({Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR, Role.SALES_SPECIALIST,
                                Role.SALES_SUPERVISOR, Role.MANAGEMENT, Role.ADMIN})
PAY_ROLES = frozenset({Role.FINANCE, Role.CASHIER, Role.ADMIN})
# Who sees the money of a case: staff of the company, and a dealer its own cases' quotes.
MONEY_VIEW_ROLES = frozenset(set(Role.values) - {Role.FACTORY})


def may(user, roles: frozenset[str], case: Case | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case is not None and not case_in_scope(case, user):
        return False
    return bool(actor_roles(user) & roles)


# ----------------------------------------------------------------------------- the policy
def charges_policy(case: Case) -> ChargesPolicy:
    """The ``charges:`` section of the policy version the case was opened under (S9.7)."""
    return parse_section(case_document(case).get(SECTION), source="policy")


def company_for(case: Case) -> dict[str, str]:
    """Name, address and phone printed at the top of the case's forms."""
    doc = case_document(case)
    returns = doc.get("returns") if isinstance(doc.get("returns"), dict) else {}
    company = dict(charges_policy(case).company or doc.get("company")
                   or returns.get("company") or {})
    if not company.get("name"):
        title = doc.get("title") or {}
        company["name"] = title.get("zh") or title.get("en") or "" if isinstance(title, dict) \
            else str(title)
    return company


# ----------------------------------------------------------------------------- quotes
def quotes_for_case(case: Case) -> QuerySet[Quote]:
    return (Quote.objects.filter(case=case).select_related("issued_by", "answered_by")
            .prefetch_related("lines"))


def quote_get_for_user(*, user, number: str) -> Quote:
    """The quote if the user may see its case; missing and not yours answered alike."""
    quote = (Quote.objects.select_related("case", "issued_by", "answered_by")
             .prefetch_related("lines").filter(number=str(number or "").strip().upper()).first())
    if quote is None or not may(user, MONEY_VIEW_ROLES, quote.case):
        raise NotFound(_("No such quote."), code=ChargesErrorCode.QUOTE_NOT_FOUND)
    return quote


def quote_is_expired(quote: Quote, at: datetime | None = None) -> bool:
    return quote.status == QuoteStatus.ISSUED and quote.valid_until < (at or timezone.now())


def open_quote(case: Case) -> Quote | None:
    """The quote waiting for the customer's answer, if any."""
    return Quote.objects.filter(case=case, status=QuoteStatus.ISSUED).prefetch_related(
        "lines").first()


# ----------------------------------------------------------------------------- difference
@dataclass(frozen=True)
class ExchangeDifference:
    """The exchange's difference (S4.2 多不退少补): what the returned goods were worth, what
    the goods wanted cost, in money and in points, and what follows from the policy."""

    old_amount: Decimal
    new_amount: Decimal
    old_points: int
    new_points: int
    refund_lower: bool
    lines_old: list[dict] = field(default_factory=list)
    lines_new: list[dict] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:  # signed: > 0 the customer owes
        return round_fen(self.new_amount - self.old_amount)

    @property
    def points(self) -> int:
        return self.new_points - self.old_points

    @property
    def amount_due(self) -> Decimal:
        return max(self.amount, ZERO)

    @property
    def points_due(self) -> int:
        return max(self.points, 0)

    @property
    def amount_refunded(self) -> Decimal:
        """Cheaper new goods: refunded only where the policy says so (refund_lower)."""
        return -self.amount if self.amount < 0 and self.refund_lower else ZERO

    @property
    def amount_kept(self) -> Decimal:
        """Cheaper new goods, not refunded (多不退)."""
        return -self.amount if self.amount < 0 and not self.refund_lower else ZERO

    @property
    def points_kept(self) -> int:
        return -self.points if self.points < 0 else 0

    @property
    def anything_due(self) -> bool:
        return self.amount_due > 0 or self.points_due > 0


def difference_compute(*, old: Iterable[tuple[Decimal, int, int]],
                       new: Iterable[tuple[Decimal, int, int]], refund_lower: bool
                       ) -> ExchangeDifference:
    """The rule itself, on (unit price, points per unit, quantity) triples."""
    old, new = list(old), list(new)
    return ExchangeDifference(
        old_amount=round_fen(sum((Decimal(p) * q for p, _pt, q in old), ZERO)),
        new_amount=round_fen(sum((Decimal(p) * q for p, _pt, q in new), ZERO)),
        old_points=sum(pt * q for _p, pt, q in old),
        new_points=sum(pt * q for _p, pt, q in new),
        refund_lower=refund_lower)


def exchange_difference(case: Case) -> ExchangeDifference | None:
    """The difference of an exchange case: the returned lines (order price and points) against
    the goods wanted (``case.exchange_for``); the same goods again when none are named."""
    if case.kind != CaseKind.EXCHANGE:
        return None
    policy = charges_policy(case)
    old_lines = [{"sku": cl.order_line.sku, "name": cl.order_line.name,
                  "unit_price": cl.order_line.unit_price, "points": cl.order_line.points,
                  "quantity": cl.quantity} for cl in case.lines.select_related("order_line")]
    new_lines = []
    for x in case.exchange_for or []:
        try:
            price = Decimal(str(x.get("unit_price", "0")))
            points, qty = int(x.get("points", 0) or 0), int(x.get("quantity", 1) or 1)
        except (ArithmeticError, TypeError, ValueError):
            continue
        new_lines.append({"sku": x.get("sku", ""), "name": x.get("name", "") or x.get("sku", ""),
                          "unit_price": price, "points": points, "quantity": qty})
    if not new_lines:
        new_lines = [dict(line) for line in old_lines]
    diff = difference_compute(
        old=[(x["unit_price"], x["points"], x["quantity"]) for x in old_lines],
        new=[(x["unit_price"], x["points"], x["quantity"]) for x in new_lines],
        refund_lower=policy.refund_lower)
    return ExchangeDifference(**{**diff.__dict__, "lines_old": old_lines,
                                 "lines_new": new_lines})


def difference_receipt(case: Case) -> CashierReceipt | None:
    return (CashierReceipt.objects.filter(case=case, purpose=ReceiptPurpose.EXCHANGE_DIFFERENCE)
            .select_related("cashier").first())


def receipt_get_for_user(*, user, number: str) -> CashierReceipt:
    receipt = (CashierReceipt.objects.select_related("case", "cashier", "charge")
               .filter(number=str(number or "").strip().upper()).first())
    if receipt is None or not may(user, MONEY_VIEW_ROLES, receipt.case):
        raise NotFound(_("No such receipt."))
    return receipt


# ----------------------------------------------------------------------------- charges
def charges_for_case(case: Case) -> QuerySet[Charge]:
    return Charge.objects.filter(case=case).select_related("created_by", "waived_by",
                                                           "factory", "supplier")


def charge_get_for_user(*, user, number: str) -> Charge:
    charge = (Charge.objects.select_related("case", "factory", "supplier")
              .filter(number=str(number or "").strip().upper()).first())
    if charge is None or not may(user, MONEY_VIEW_ROLES, charge.case):
        raise NotFound(_("No such charge."), code=ChargesErrorCode.CHARGE_NOT_FOUND)
    return charge


def compensations_for_case(case: Case) -> QuerySet[Compensation]:
    return Compensation.objects.filter(case=case).select_related("proposed_by", "decided_by",
                                                                 "paid_by")


def compensation_get_for_user(*, user, number: str) -> Compensation:
    comp = (Compensation.objects.select_related("case")
            .filter(number=str(number or "").strip().upper()).first())
    if comp is None or not may(user, MONEY_VIEW_ROLES, comp.case):
        raise NotFound(_("No such compensation."), code=ChargesErrorCode.COMPENSATION_NOT_FOUND)
    return comp


def late_compensation_due(case: Case, *, at: datetime | None = None
                          ) -> tuple[Decimal, int, str] | None:
    """(amount, days late, rule) when the policy's lateness condition holds (S9.6): the
    end-to-end due time (S9.2) passed before the case was resolved; else None."""
    policy = charges_policy(case).late
    if policy.when != "end_to_end" or case.end_to_end_due_at is None:
        return None
    at = at or timezone.now()
    resolved_at = case.closed_at if case.state_category == StateCategory.CLOSED else None
    end = resolved_at or at
    if end <= case.end_to_end_due_at:
        return None
    days = max(1, (end - case.end_to_end_due_at).days + (
        1 if (end - case.end_to_end_due_at).seconds else 0))
    amount = policy.fixed + policy.per_day * days
    if policy.maximum is not None:
        amount = min(amount, policy.maximum)
    amount = round_fen(amount)
    if amount <= 0:
        return None
    return amount, days, "S9.6-end_to_end"


def case_responsibility(case: Case) -> str:
    """Who caused the fault, from quality's inspection (company, customer, supplier, factory,
    carrier); before an inspection, what the case's facts say."""
    found = responsibility_of(case)
    if found:
        return found
    attrs = (case.facts or {}).get("_attributes") or {}
    return str(attrs.get("responsibility") or (case.facts or {}).get("responsibility") or "")


def responsible_supplier(case: Case):
    inspection = inspection_for_case(case)
    return inspection.supplier if inspection is not None else None


# ----------------------------------------------------------------------------- collections
@dataclass
class Collection:
    """One thing the cashier collects: an exchange difference or an open charge."""

    kind: str  # "difference" | "charge"
    case: Case
    number: str  # the charge number, or the case number for a difference
    party: str
    amount: Decimal
    points: int
    reason: str
    since: datetime | None
    status: str


def differences_to_collect(cases: QuerySet[Case] | None = None) -> list[Collection]:
    """Exchange cases in the cashier's step (a state of a workflow whose roles include the
    cashier) or past the goods' return, without a difference receipt, with what is due."""
    qs = (cases if cases is not None else Case.objects.all()).filter(
        kind=CaseKind.EXCHANGE, state_category__in=[StateCategory.OPEN]).exclude(
        cashier_receipts__purpose=ReceiptPurpose.EXCHANGE_DIFFERENCE).filter(
        Q(state="collecting") | Q(facts__has_key="goods_received")
    ).select_related("customer").order_by("state_entered_at")
    out = []
    for case in qs[:500]:
        diff = exchange_difference(case)
        if diff is None:
            continue
        out.append(Collection(
            kind="difference", case=case, number=case.number,
            party=case.customer.name if case.customer_id else case.contact_name,
            amount=diff.amount_due, points=diff.points_due, reason=_("Exchange difference"),
            since=case.state_entered_at, status="open"))
    return out


def charges_to_collect(qs: QuerySet[Charge] | None = None) -> QuerySet[Charge]:
    return (qs if qs is not None else Charge.objects.all()).filter(
        status=ChargeStatus.OPEN).select_related("case", "factory", "supplier")


def collection_rows(*, user, q: str = "", kind: str = "", party: str = "", status: str = "open"
                    ) -> list[Collection]:
    """The "payments due" list: differences and charges, filtered, oldest first."""
    from aftersales.cases.selectors import cases_visible_to

    cases = cases_visible_to(user)
    q = (q or "").strip()
    rows: list[Collection] = []
    if kind in ("", "difference") and party in ("", "customer") and status in ("", "open"):
        diffs = differences_to_collect(cases.filter(number__icontains=q) if q else cases)
        rows += diffs
    if kind in ("", "charge"):
        charges = Charge.objects.filter(case__in=cases).select_related("case", "factory",
                                                                       "supplier")
        if status:
            charges = charges.filter(status=status)
        if party:
            charges = charges.filter(party=party)
        if q:
            charges = charges.filter(Q(number__icontains=q) | Q(case__number__icontains=q)
                                     | Q(party_name__icontains=q))
        for c in charges.order_by("created_at")[:5000]:
            rows.append(Collection(kind="charge", case=c.case, number=c.number,
                                   party=c.party_name or c.get_party_display(), amount=c.amount,
                                   points=0, reason=c.get_reason_display(), since=c.created_at,
                                   status=c.status))
    rows.sort(key=lambda r: (r.since or timezone.now()))
    return rows


# ----------------------------------------------------------------------------- the cost
@dataclass(frozen=True)
class CaseCost:
    """The cost of quality of one case, in yuan."""

    parts: Decimal = ZERO
    labour: Decimal = ZERO
    freight_out: Decimal = ZERO  # replacement / repaired goods to the customer
    freight_back: Decimal = ZERO  # the goods coming back
    compensation: Decimal = ZERO
    fines: Decimal = ZERO
    charged: Decimal = ZERO  # charges to others, not waived (recovered or to recover)

    @property
    def total(self) -> Decimal:
        return round_fen(self.parts + self.labour + self.freight_out + self.freight_back
                         + self.compensation + self.fines)

    @property
    def net(self) -> Decimal:
        return round_fen(self.total - self.charged)

    def as_dict(self) -> dict[str, Any]:
        return {"parts": self.parts, "labour": self.labour, "freight_out": self.freight_out,
                "freight_back": self.freight_back, "compensation": self.compensation,
                "fines": self.fines, "total": self.total, "charged": self.charged,
                "net": self.net}


def _freight(case_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Freight both ways, as logistics.selectors.case_freight_costs reads it (inbound: the
    return authorizations' freight the company paid; outbound: the shipments to the
    customer), for many cases at once."""
    if len(case_ids) == 1:
        costs = logistics.case_freight_costs(Case(pk=case_ids[0]))
        return {case_ids[0]: {"back": costs["inbound"], "out": costs["outbound"]}}
    back = _sum_by_case(ReturnAuthorization.objects.filter(case_id__in=case_ids),
                        "freight_cost")
    out = _sum_by_case(Shipment.objects.filter(case_id__in=case_ids), "freight_cost")
    return {i: {"back": back.get(i, ZERO), "out": out.get(i, ZERO)} for i in case_ids}


def _sum_by_case(qs: QuerySet, field_name: str) -> dict[int, Decimal]:
    return {row["case_id"]: round_fen(Decimal(str(row["total"] or 0)))
            for row in qs.values("case_id").order_by().annotate(total=Sum(field_name))}


def case_costs(case_ids: Iterable[int]) -> dict[int, CaseCost]:
    """The cost of many cases in a few statements (the reports)."""
    ids = list({int(i) for i in case_ids})
    if not ids:
        return {}
    accepted = Quote.objects.filter(case_id__in=ids, status=QuoteStatus.ACCEPTED)
    parts = _sum_by_case(accepted, "parts_total")
    labour = _sum_by_case(accepted, "labour_total")
    comp = _sum_by_case(Compensation.objects.filter(
        case_id__in=ids, status__in=[CompensationStatus.APPROVED, CompensationStatus.PAID]),
        "amount")
    fines = _sum_by_case(Fine.objects.filter(case_id__in=ids, status=FineStatus.BOOKED),
                         "amount")
    charged = _sum_by_case(Charge.objects.filter(case_id__in=ids).exclude(
        status=ChargeStatus.WAIVED), "amount")
    freight = _freight(ids)
    out = {}
    for i in ids:
        f = freight.get(i) or {}
        out[i] = CaseCost(parts=parts.get(i, ZERO), labour=labour.get(i, ZERO),
                          freight_out=round_fen(Decimal(f.get("out") or 0)),
                          freight_back=round_fen(Decimal(f.get("back") or 0)),
                          compensation=comp.get(i, ZERO), fines=fines.get(i, ZERO),
                          charged=charged.get(i, ZERO))
    return out


def case_cost(case: Case) -> CaseCost:
    """The cost of one case: parts and labour of the accepted quote, freight both ways,
    compensation approved or paid, fines booked; and what others are charged."""
    return case_costs([case.pk])[case.pk]
