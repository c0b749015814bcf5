"""The one search box (issue 10 item 6): cases, orders, customers and serial numbers by a full
or partial number, a phone or a name — only what the user may see.

An exact case number or serial goes straight to its page (views.search). Partial matches need
at least MIN_PARTIAL characters — two for a Chinese name (王芳), four for numbers and Latin
text (fewer would match half the database) — and are capped at LIMIT per kind, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from aftersales.cases.models import Case, CaseLine
from aftersales.cases.selectors import cases_visible_to
from aftersales.parties.models import Customer
from aftersales.sales.models import Order, SerialNumber
from aftersales.sales.selectors import orders_visible_to, phone_digits

MIN_PARTIAL = 4
MIN_PARTIAL_CJK = 2
LIMIT = 20


@dataclass
class SearchHits:
    query: str
    cases: list[Case] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    serials: list[SerialNumber] = field(default_factory=list)
    too_short: bool = False

    @property
    def total(self) -> int:
        return len(self.cases) + len(self.orders) + len(self.customers) + len(self.serials)


def _phone_q(prefix: str, digits: str) -> Q:
    """A full phone number, or its last four or more digits."""
    if len(digits) >= 11:
        return Q(**{f"{prefix}phone": digits})
    return Q(**{f"{prefix}phone__endswith": digits})


def search_everything(*, user, query: str) -> SearchHits:
    q = (query or "").strip()[:80]
    hits = SearchHits(query=q)
    if not q:
        return hits
    cjk = any(ord(ch) > 0x2E80 for ch in q)
    partial = len(q) >= (MIN_PARTIAL_CJK if cjk else MIN_PARTIAL)
    hits.too_short = not partial
    digits = phone_digits(q) if q.replace("-", "").replace(" ", "").lstrip("+").isdigit() \
        else ""
    cases: QuerySet[Case] = cases_visible_to(user)
    orders: QuerySet[Order] = orders_visible_to(user)

    case_q = Q(number=q.upper()) | Q(order__number=q)
    order_q = Q(number=q)
    if partial:
        case_q |= Q(number__icontains=q) | Q(order__number__icontains=q) \
            | Q(customer__name__icontains=q) | Q(contact_name__icontains=q)
        order_q |= Q(number__icontains=q) | Q(customer__name__icontains=q) \
            | Q(receiver_name__icontains=q)
        if digits:
            case_q |= _phone_q("contact_", digits) | _phone_q("customer__", digits)
            order_q |= _phone_q("receiver_", digits) | _phone_q("customer__", digits)
    case_q |= Q(pk__in=CaseLine.objects.filter(serial=q).values("case_id"))
    hits.cases = list(cases.filter(case_q).select_related("customer", "order")
                      .defer("decision", "agreed_option", "facts", "evidence")
                      .order_by("-created_at")[:LIMIT])
    hits.orders = list(orders.filter(order_q).select_related("customer")
                       .order_by("-placed_at")[:LIMIT])
    if partial:
        reachable = orders.values("customer_id")
        customer_q = Q(name__icontains=q) | Q(code=q)
        if digits:
            customer_q |= _phone_q("", digits)
        hits.customers = list(Customer.objects.filter(customer_q, pk__in=reachable)
                              .order_by("name")[:LIMIT])
    hits.serials = list(SerialNumber.objects.filter(
        serial=q, order_line__order__in=orders).select_related("product", "order_line__order")
        [:LIMIT])
    return hits


def order_page_get(*, user, number: str) -> Order | None:
    """An order this user may reach, with what its page shows."""
    return (orders_visible_to(user).select_related("customer", "dealer")
            .prefetch_related("lines", "payments", "shipments", "invoices")
            .filter(number=number).first())


def order_cases(*, user, order: Order) -> QuerySet[Case]:
    return cases_visible_to(user).filter(order=order).order_by("-created_at")
