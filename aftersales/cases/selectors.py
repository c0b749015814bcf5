"""Queries for cases (STYLE.md "Reading data"): querysets with their joins applied, protected
objects only through *_get_for_user / *_get_for_portal, which answer "missing" and "not yours"
the same way."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.cases.access import portal_token_ok
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import (
    Case,
    CaseEvent,
    CaseLine,
    Escalation,
    Fine,
    FineStatus,
    StateCategory,
)
from aftersales.cases.paging import BranchPaginator
from aftersales.core import cache
from aftersales.core.choices import DEFAULT_POLICY
from aftersales.core.errors import NotFound
from aftersales.policy.services.resolve import policy_resolve
from aftersales.sales.models import Order
from aftersales.sales.selectors import phone_matches
from aftersales.workflow.definitions import workflows_from_document
from aftersales.workflow.engine import queue_states_for_roles

OPEN = [StateCategory.OPEN, StateCategory.WAITING_CUSTOMER, StateCategory.PAUSED,
        StateCategory.RESOLVED]


def _not_found() -> NotFound:
    return NotFound(_("No such case."), code=CaseErrorCode.CASE_NOT_FOUND)


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case this user may see: dealer and factory staff only their company's (X4)."""
    qs = Case.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    if getattr(user, "dealer_id", None):
        return qs.filter(dealer_id=user.dealer_id)
    if getattr(user, "factory_id", None):
        return qs.filter(factory_id=user.factory_id)
    if not user.role_codes:
        return qs.none()
    return qs


def case_get_for_user(*, user, number: str) -> Case:
    """The case by number if this user may see it; NotFound for missing and not-yours alike."""
    case = (cases_visible_to(user)
            .select_related("customer", "order", "assignee", "department", "policy_version",
                            "policy_version__policy", "updated_by", "dealer", "factory")
            .prefetch_related("lines__order_line", "attachments")
            .filter(number=str(number or "").strip().upper()).first())
    if case is None:
        raise _not_found()
    return case


def case_get_for_portal(*, number: str, token: str) -> Case:
    """The case the customer's link points at; a wrong token is answered like a missing case."""
    case = (Case.objects.select_related("customer", "order")
            .prefetch_related("lines__order_line", "attachments")
            .filter(number=str(number or "").strip().upper()).first())
    if case is None or not portal_token_ok(case, token):
        raise _not_found()
    return case


def order_find_for_portal(*, order_number: str, phone: str):
    """The order whose buyer/receiver phone matches; someone else's order is answered exactly
    like an unknown one (issue 4 "Bad input")."""
    order = (Order.objects.select_related("customer")
             .prefetch_related("lines__product").filter(number=str(order_number or "").strip())
             .first())
    if order is None or not phone_matches(order, phone):
        raise NotFound(_("No order with this number matches this phone number."),
                       code=CaseErrorCode.ORDER_NOT_FOUND, fields={"order_number": _("not found")})
    return order


def _queue_states(roles: frozenset[str]) -> list[tuple[str, str, list[str]]]:
    """(business line, workflow key, states not closed) these roles act on, from the policies
    in force (kept in aftersales.core.cache until a policy changes)."""
    return cache.memo("cases.queue_states", roles, lambda: _read_queue_states(roles))


def _read_queue_states(roles: frozenset[str]) -> list[tuple[str, str, list[str]]]:
    out = []
    for business_line, name in DEFAULT_POLICY.items():
        try:
            _version, doc = policy_resolve(name=name)
            workflows = {k: wf for k, wf in workflows_from_document(doc).items()
                         if wf.business_line == business_line}
        except Exception:  # a policy not loaded yet has no queue
            continue
        by_workflow: dict[str, set[str]] = {}
        for wf_key, state in queue_states_for_roles(workflows, roles):
            # A queue holds no closed case: leaving their states out spares the queue's
            # parts (queue_parts) a walk through every closed case.
            if workflows[wf_key].states[state].category != StateCategory.CLOSED:
                by_workflow.setdefault(wf_key, set()).add(state)
        out += [(business_line, k, sorted(v)) for k, v in sorted(by_workflow.items())]
    return out


def _queue_roles(user) -> frozenset[str]:
    roles = set(user.role_codes)
    if user.is_superuser:
        roles.add("admin")
    return frozenset(roles)


# Overdue cases have the earliest due times, so one ascending order puts them first; cases
# without a due time come last. Served by the indexes case_due_order and case_state_queue.
QUEUE_ORDER = [F("due_at").asc(nulls_last=True), "created_at", "pk"]


def _queue_base(user, filters: dict[str, Any]) -> QuerySet[Case]:
    """The user's visible, not closed cases with the queue's filters, before the scope."""
    now = timezone.now()
    qs = cases_visible_to(user).exclude(state_category=StateCategory.CLOSED)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("business_line"):
        qs = qs.filter(business_line=filters["business_line"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("customer"):
        qs = qs.filter(customer_id=filters["customer"])
    if filters.get("assignee") == "me":
        qs = qs.filter(assignee_id=user.pk)
    elif filters.get("assignee") == "none":
        qs = qs.filter(assignee__isnull=True)
    if str(filters.get("overdue", "")).lower() in ("1", "true", "yes", "on"):
        qs = qs.filter(due_at__lt=now, sla_paused_at__isnull=True,
                       state_category=StateCategory.OPEN)
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number=q.upper()) | Q(order__number=q) | Q(contact_phone=q)
                       | Q(customer__phone=q)
                       | Q(pk__in=CaseLine.objects.filter(serial=q).values("case_id")))
    return qs


def queue_parts(user, *, filters: dict[str, Any] | None = None
                ) -> tuple[QuerySet[Case], list[QuerySet[Case]]]:
    """(the queue, the same queue as a union of parts that each have an index in QUEUE_ORDER).

    The queue: the user's visible, not closed cases, filtered, that are assigned to the user
    or in a state the user's roles act on (from the workflows); overdue first, then by due
    time. The parts, for BranchPaginator, disjoint: the cases assigned to the user, and per
    workflow state the others in it (of the workflows whose state it is)."""
    base = _queue_base(user, filters or {})
    scope = Q(assignee_id=user.pk)
    pairs: dict[str, Q] = {}
    for business_line, wf_key, states in _queue_states(_queue_roles(user)):
        scope |= Q(business_line=business_line, workflow_key=wf_key, state__in=states)
        for state in states:
            pair = Q(business_line=business_line, workflow_key=wf_key)
            pairs[state] = pairs[state] | pair if state in pairs else pair
    queue = (base.filter(scope).select_related("customer", "order", "assignee", "department")
             .order_by(*QUEUE_ORDER))
    mine = base.filter(assignee_id=user.pk)
    others = ~Q(assignee_id=user.pk)
    branches = [mine] + [base.filter(pair & Q(state=state) & others)
                         for state, pair in sorted(pairs.items())]
    return queue, branches


def queue_cases(user, *, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """The queryset behind queue_for_user (no paging): overdue first, then by due time."""
    return queue_parts(user, filters=filters)[0]


def queue_for_user(*, user, filters: dict[str, Any] | None = None, page: int = 1,
                   per_page: int = 25) -> Page:
    """One page of the user's queue (a Django Page: iterate it, use .paginator for counts).

    Fixed number of queries: the count and the page. The count is capped (CappedPaginator:
    exact up to CAP, then "more than CAP"), and the page is merged from the queue's indexed
    parts (BranchPaginator) instead of sorting every open case in scope."""
    queue, branches = queue_parts(user, filters=filters)
    paginator = BranchPaginator(
        queue, per_page, branches=branches, order=QUEUE_ORDER,
        rows=Case.objects.select_related("customer", "order", "assignee", "department"))
    return paginator.get_page(page)


def case_timeline(case: Case, *, customer_view: bool = False) -> QuerySet[CaseEvent]:
    """The case's events in order (X1); the customer sees the customer-visible ones."""
    qs = CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "pk")
    return qs.filter(customer_visible=True) if customer_view else qs


def supervisor_breaches(user) -> QuerySet[Escalation]:
    """Open escalations for this supervisor: escalated to them, or in departments they
    supervise, on cases not yet closed (their home page, X2)."""
    return (Escalation.objects
            .filter(Q(escalated_to=user) | Q(department__supervisor=user), resolved_at__isnull=True)
            .exclude(case__state_category=StateCategory.CLOSED)
            .select_related("case", "case__customer", "case__assignee", "department",
                            "escalated_to")
            .order_by("due_at", "pk"))


def fines_ledger(*, person=None, department=None, status: str | None = None
                 ) -> QuerySet[Fine]:
    """Fine ledger lines (S3.4), newest first, for a person and/or department."""
    qs = Fine.objects.select_related("case", "person", "department", "waived_by")
    if person is not None:
        qs = qs.filter(person=person)
    if department is not None:
        qs = qs.filter(department=department)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-booked_at", "-pk")


def fines_totals(*, group_by: str = "person") -> QuerySet:
    """Booked (not waived) fines summed per person or per department (for finance, S3.4)."""
    field = {"person": "person__username", "department": "department__code"}[group_by]
    return (Fine.objects.filter(status=FineStatus.BOOKED).values(field)
            .annotate(total=Sum("amount"), count=Count("pk")).order_by(field))
