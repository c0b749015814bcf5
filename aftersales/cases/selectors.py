"""Queries for cases (STYLE.md "Reading data"): querysets with their joins applied, protected
objects only through *_get_for_user / *_get_for_portal, which answer "missing" and "not yours"
the same way."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.display import department_label
from aftersales.accounts.roles import CUSTOMER_FACING_ROLES, SUPERVISOR_ROLES, Role
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
from aftersales.core.choices import DEFAULT_POLICY, BusinessLine
from aftersales.core.errors import NotFound
from aftersales.core.labels import pick_label
from aftersales.policy.services.resolve import policy_resolve
from aftersales.sales.models import Order
from aftersales.sales.selectors import phone_matches
from aftersales.workflow.definitions import Workflow, workflow_for, workflows_from_document
from aftersales.workflow.engine import queue_states_for_roles
from aftersales.workflow.vocabulary import CUSTOMER, SlaUnit

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


def order_cases_for_portal(order) -> list[Case]:
    """The customer's requests for an order they proved theirs (order + phone), newest first:
    the portal lists them so the customer continues one instead of opening a duplicate."""
    return list(Case.objects.filter(order=order).only(
        "number", "kind", "state", "state_category", "business_line", "workflow_key",
        "policy_version_id", "created_at", "portal_salt").order_by("-created_at")[:20])


def open_claims(order) -> dict[int, int]:
    """Units of each order line that open cases claim (order line id → units)."""
    rows = (CaseLine.objects.filter(order_line__order=order)
            .exclude(case__state_category=StateCategory.CLOSED)
            .values("order_line_id").annotate(units=Sum("quantity")).order_by())
    return {row["order_line_id"]: row["units"] for row in rows}


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
    """The user's visible, not closed cases with the list filters, before the queue's scope."""
    return _apply_filters(cases_visible_to(user).exclude(state_category=StateCategory.CLOSED),
                          filters, user)


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


# ------------------------------------------------------------------------ the case's rules
def is_staff_user(actor) -> bool:
    return actor is not None and bool(getattr(actor, "pk", None))


def actor_roles(actor) -> set[str]:
    """The workflow roles of an actor; the customer on the portal is the pseudo-role."""
    if not is_staff_user(actor):
        return {CUSTOMER}
    roles = set(actor.role_codes)
    if actor.is_superuser:
        roles.add("admin")
    return roles


def policy_name_for(business_line: str) -> str:
    return DEFAULT_POLICY[business_line]


def resolve_policy(*, business_line: str, at_date=None, version=None):
    """(PolicyVersion, merged document): a case keeps the version it was opened under (S9.7)."""
    if version is not None:
        return policy_resolve(name=version.policy.name, version=version.number)
    return policy_resolve(name=policy_name_for(business_line), at=at_date)


def case_document(case: Case) -> dict:
    _version, doc = resolve_policy(business_line=case.business_line,
                                   version=case.policy_version)
    return doc


def case_workflow(case: Case) -> Workflow:
    doc = case_document(case)
    if case.workflow_key:
        wf = workflows_from_document(doc).get(case.workflow_key)
        if wf is not None:
            return wf
    return workflow_for(doc, business_line=case.business_line, case_kind=case.kind)


# ------------------------------------------------------------------- lists and labels
_TRUE = ("1", "true", "yes", "on")
# The list's sortable columns, each both ways ("-" first: descending). "due" is the default:
# overdue first, then due soonest, cases without a due time last (UX.md "Staff pages").
SORTS = {
    "due": [F("due_at").asc(nulls_last=True), "created_at", "pk"],
    "-due": [F("due_at").desc(nulls_last=True), "-created_at", "-pk"],
    "-created": ["-created_at", "-pk"],
    "created": ["created_at", "pk"],
    "number": ["number"],
    "-number": ["-number"],
    "customer": [F("customer__name").asc(nulls_last=True), "contact_name", "pk"],
    "-customer": [F("customer__name").desc(nulls_last=True), "-contact_name", "-pk"],
    "kind": ["kind", "pk"],
    "-kind": ["-kind", "-pk"],
    "state": ["business_line", "state", "pk"],
    "-state": ["-business_line", "-state", "-pk"],
    "assignee": [F("assignee__username").asc(nulls_last=True), "pk"],
    "-assignee": [F("assignee__username").desc(nulls_last=True), "-pk"],
}


def workflow_of(case: Case) -> Workflow | None:
    """The case's workflow, kept by (policy version, workflow, line, kind) in
    aftersales.core.cache: a list of N cases costs one lookup per distinct version."""

    def read() -> Workflow | None:
        try:
            return case_workflow(case)
        except Exception:  # a case whose policy is gone still lists, with its raw state code
            return None

    key = (case.policy_version_id, case.workflow_key, case.business_line, case.kind)
    return cache.memo("cases.workflow", key, read)


def state_label(case: Case, code: str | None = None) -> str:
    code = case.state if code is None else code
    if not code:
        return ""
    wf = workflow_of(case)
    if wf is None or code not in wf.states:
        return code
    return pick_label(wf.states[code].label, code)


def due_in_working_days(case: Case) -> bool:
    """Whether the case's current due time was set in working days (so it is shown counting
    them): the SLA of its state, or of the state that started the shared clock it runs on."""
    wf = workflow_of(case)
    if wf is None or not case.due_at:
        return False
    state = wf.states.get(case.state)
    spec = state.sla if state is not None else None
    if spec is None and case.sla_clock:
        spec = next((s.sla for s in wf.states.values()
                     if s.sla is not None and s.sla.clock == case.sla_clock), None)
    return spec is not None and spec.unit == SlaUnit.WORKING_DAYS


def next_owner(case: Case) -> str:
    """Who acts next on the case, in words: its assignee, else the queue of the department and
    roles its state names ("客服部 · 客服专员（队列）"); empty when closed (issue 10 item 4)."""
    if case.is_closed:
        return ""
    if case.assignee_id:
        return str(case.assignee)
    wf = workflow_of(case)
    state = wf.states.get(case.state) if wf is not None else None
    roles = []
    for code in state.roles if state is not None else ():
        if code == CUSTOMER:
            roles.append(str(_("the customer")))
        elif code in Role.values:
            roles.append(str(Role(code).label))
    who = " · ".join(filter(None, [department_label(case.department) if case.department_id
                                   else "", "、".join(roles)]))
    return _("%(who)s (queue)") % {"who": who} if who else _("not yet assigned")


def state_tag(case: Case) -> str:
    """The CSS modifier of the state tag: overdue red, waiting amber, closed grey, done green."""
    if case.is_overdue:
        return "danger"
    return {StateCategory.WAITING_CUSTOMER: "warn", StateCategory.PAUSED: "warn",
            StateCategory.RESOLVED: "ok", StateCategory.CLOSED: "muted"}.get(
        case.state_category, "")


def may_work(case: Case, user) -> bool:
    """Whether the user's role acts on the case's current state (the non-transition actions:
    verify, confirm the problem, evaluate, adjust, attach, record facts)."""
    if not getattr(user, "is_authenticated", False) or case.is_closed:
        return False
    if user.is_superuser:
        return True
    wf = workflow_of(case)
    if wf is None or case.state not in wf.states:
        return False
    roles = actor_roles(user)
    return bool(roles & set(wf.states[case.state].roles))


# ------------------------------------------------------------------- who may do what
# The rules the case services check (services/permissions.py) and the case page uses to show
# only what the user may do: one rule for showing and for doing.
def case_in_scope(case: Case, user) -> bool:
    """Whether ``cases_visible_to(user)`` holds this case, without a query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if getattr(user, "dealer_id", None):
        return case.dealer_id == user.dealer_id
    if getattr(user, "factory_id", None):
        return case.factory_id == user.factory_id
    return bool(user.role_codes)


def is_supervisor(user) -> bool:
    return bool(getattr(user, "is_superuser", False)
                or (is_staff_user(user) and user.role_codes & SUPERVISOR_ROLES))


def is_company_staff(user) -> bool:
    """Staff of the company itself, not of a dealer or an outsourced factory."""
    return (is_staff_user(user) and not getattr(user, "dealer_id", None)
            and not getattr(user, "factory_id", None))


def may_attach(case: Case, user) -> bool:
    """Staff add files while their role works on the case's state; supervisors while it is
    open."""
    return may_work(case, user) or (not case.is_closed and is_supervisor(user))


def may_assign(case: Case, user) -> bool:
    """Who picks the person for an open case: the company's own staff (not a dealer's or a
    factory's) whose role works on its state, who may send a case into that state (the
    dispatcher: a transition of theirs leads there), a supervisor or an administrator."""
    if case.is_closed or not is_company_staff(user) or not case_in_scope(case, user):
        return False
    roles = actor_roles(user)
    if Role.ADMIN in roles or is_supervisor(user) or may_work(case, user):
        return True
    wf = workflow_of(case)
    if wf is None:
        return False
    return any(t.target == case.state and roles & set(t.roles) for t in wf.transitions)


def may_record_rating(case: Case, user) -> bool:
    """Staff may record the rating the customer gave by phone (never as the customer): the
    roles of the workflow's ``rate`` step from the case's state, else the state's roles."""
    if not is_staff_user(user) or not case_in_scope(case, user):
        return False
    wf = workflow_of(case)
    if wf is None or case.state not in wf.states:
        return False
    roles = actor_roles(user)
    rate = next((t for t in wf.transitions_from(case.state) if t.code == "rate"), None)
    allowed = set(rate.roles) if rate is not None else set(wf.states[case.state].roles)
    return bool(roles & allowed)


def may_see_contact(case: Case, user) -> bool:
    """Whether the user may reveal the case's full phone number and address (PIPL): a role
    that talks to customers (accounts.roles.CUSTOMER_FACING_ROLES) on a case in their scope;
    a dealer only on its own customers' cases."""
    if not is_staff_user(user) or not case_in_scope(case, user):
        return False
    if getattr(user, "factory_id", None):
        return False
    return bool(actor_roles(user) & CUSTOMER_FACING_ROLES)


def _day_start(day: date) -> datetime:
    """Midnight starting `day` in the company's time zone (dates are China dates)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _apply_filters(qs: QuerySet[Case], filters: dict[str, Any], user) -> QuerySet[Case]:
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("business_line"):
        qs = qs.filter(business_line=filters["business_line"])
    if filters.get("state"):
        # "line:state" from the grouped state filter, or a bare state code in any line
        line, _sep, code = str(filters["state"]).rpartition(":")
        qs = qs.filter(business_line=line, state=code) if line else qs.filter(state=code)
    if filters.get("created_from"):
        qs = qs.filter(created_at__gte=_day_start(filters["created_from"]))
    if filters.get("created_to"):
        qs = qs.filter(created_at__lt=_day_start(filters["created_to"] + timedelta(days=1)))
    if filters.get("customer"):
        c = str(filters["customer"]).strip()
        # a customer id (a row id fits 18 digits), else a name or code
        qs = qs.filter(customer_id=int(c)) if c.isdigit() and len(c) <= 18 else qs.filter(
            Q(customer__name__icontains=c) | Q(customer__code=c))
    assignee = str(filters.get("assignee") or "")
    if assignee == "me":
        qs = qs.filter(assignee_id=user.pk)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee.isdigit() and len(assignee) <= 18:  # a person, from a dashboard's bar
        qs = qs.filter(assignee_id=int(assignee))
    department = str(filters.get("department") or "")
    if department.isdigit() and len(department) <= 18:
        qs = qs.filter(department_id=int(department))
    if str(filters.get("overdue", "")).lower() in _TRUE:
        qs = qs.filter(due_at__lt=timezone.now(), sla_paused_at__isnull=True,
                       state_category=StateCategory.OPEN)
    if str(filters.get("open", "")).lower() in _TRUE:
        qs = qs.exclude(state_category=StateCategory.CLOSED)
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number=q.upper()) | Q(order__number=q) | Q(contact_phone=q)
                       | Q(customer__phone=q)
                       | Q(pk__in=CaseLine.objects.filter(serial=q).values("case_id")))
    return qs


# Columns a list row never shows (large JSON/text): not read, not decoded.
LIST_DEFERRED = ("decision", "agreed_option", "facts", "evidence", "exchange_for", "description",
                 "csat_comment", "rejection_reason", "adjustment_note",
                 "policy_version__document", "policy_version__source_text",
                 "policy_version__comment", "policy_version__diff_from_previous")


def list_rows(qs: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases (default: all) with everything a list row shows joined (customer, order,
    assignee) and the lines prefetched; the large columns a row never shows are not read."""
    qs = Case.objects.all() if qs is None else qs
    return (qs.select_related("customer", "order", "assignee", "department", "policy_version")
            .defer(*LIST_DEFERRED).prefetch_related("lines__order_line"))


def cases_for_list_parts(user, *, filters: dict[str, Any] | None = None, mine: bool = False,
                         sort: str = "due") -> tuple[QuerySet[Case], list[QuerySet[Case]] | None]:
    """(cases_for_list, the same cases as indexed parts for BranchPaginator or None).

    The parts are given for the user's queue in the default order, where sorting every
    matching case would cost the most (selectors.queue_parts)."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    branches = None
    if mine:
        own = {k: v for k, v in filters.items() if k in ("customer", "q")}
        qs, parts = queue_parts(user, filters={k: v for k, v in filters.items()
                                               if k not in own})
        qs = _apply_filters(qs, own, user)
        if sort not in SORTS or sort == "due":
            branches = [_apply_filters(part, own, user) for part in parts]
    else:
        qs = _apply_filters(cases_visible_to(user), filters, user)
    # Closed and waiting cases have no due time: NULLS LAST puts them after the running ones,
    # in the order of the index case_due_order (Case.Meta.indexes).
    order = SORTS.get(sort, SORTS["due"])
    return list_rows(qs).order_by(*order), branches


def cases_for_list(user, *, filters: dict[str, Any] | None = None, mine: bool = False,
                   sort: str = "due") -> QuerySet[Case]:
    """The list page's rows: the user's queue (mine) or every case they may see, filtered,
    with everything a row shows joined (customer, order, assignee) and the lines prefetched.

    The default sort puts overdue cases first, then the soonest due, then the rest."""
    return cases_for_list_parts(user, filters=filters, mine=mine, sort=sort)[0]


def first_product(case: Case) -> str:
    lines = list(case.lines.all())
    if not lines:
        return ""
    name = lines[0].order_line.name
    return f"{name} ×{lines[0].quantity}" + (f" +{len(lines) - 1}" if len(lines) > 1 else "")


def assignable_users(case: Case | None = None, *, roles: set[str] | None = None):
    """Active company staff with a role that works on the case's state, or (no case: the bulk
    assignment menu) on some state of the current workflows — never someone no case could be
    given to, such as an administrator without a working role (issue 10 item 4)."""
    User = get_user_model()
    if roles is None and case is not None:
        wf = workflow_of(case)
        roles = set(wf.states[case.state].roles) if wf and case.state in wf.states else set()
    elif roles is None:
        roles = _working_roles()
    return (User.objects.filter(is_active=True, dealer__isnull=True, factory__isnull=True,
                                groups__name__in=roles)
            .distinct().order_by("username"))


def _working_roles() -> set[str]:
    """The roles that act on some state of the current workflows."""
    return {role for _line, wf in _current_workflows("") for st in wf.states.values()
            for role in st.roles}


def _workflow_states(business_line: str) -> list[tuple[str, dict]]:
    """(code, {zh, en} label) of the states of the current workflows of a line (or all)."""
    seen: dict[str, dict] = {}
    for _line, wf in _current_workflows(business_line):
        for code, st in wf.states.items():
            seen.setdefault(code, dict(st.label))
    return sorted(seen.items())


def _current_workflows(business_line: str):
    """(line, workflow) of each line's current policy (of one line, or all), in BusinessLine
    order; a line whose policy is not loaded yet has none."""
    for line, name in DEFAULT_POLICY.items():
        if business_line and line != business_line:
            continue
        try:
            _v, doc = policy_resolve(name=name)
        except Exception:  # a policy not loaded yet offers no states
            continue
        for wf in workflows_from_document(doc).values():
            if wf.business_line == line:
                yield line, wf


def _workflow_state_groups(business_line: str) -> list[tuple[str, str, list[tuple[str, dict]]]]:
    """(line, category, [(code, {zh, en} label)]) of the current workflows' states, per line
    in BusinessLine order and per stage in StateCategory order, states in workflow order."""
    groups: dict[tuple[str, str], dict[str, dict]] = {}
    seen: set[tuple[str, str]] = set()
    for line, wf in _current_workflows(business_line):
        for code, st in wf.states.items():
            if (line, code) not in seen:
                seen.add((line, code))
                groups.setdefault((line, st.category), {})[code] = dict(st.label)
    lines, stages = list(BusinessLine.values), list(StateCategory.values)
    return [(line, category, list(states.items())) for (line, category), states in sorted(
        groups.items(), key=lambda g: (lines.index(g[0][0]) if g[0][0] in lines else 99,
                                       stages.index(g[0][1]) if g[0][1] in stages else 99))]


def state_groups(business_line: str | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The list's state filter grouped by business line and stage ("网店 · 处理中"): (group
    label, [("line:state", state label)]); kept in aftersales.core.cache until a policy
    changes."""
    groups = cache.memo("cases.state_groups", business_line or "",
                        lambda: _workflow_state_groups(business_line or ""))
    return [(f"{BusinessLine(line).label} · {StateCategory(category).label}",
             [(f"{line}:{code}", pick_label(labels, code)) for code, labels in states])
            for line, category, states in groups]


def state_choices(business_line: str | None = None) -> list[tuple[str, str]]:
    """(code, label) of the states of the current workflows, for the list's state filter
    (kept in aftersales.core.cache until a policy changes)."""
    states = cache.memo("cases.state_choices", business_line or "",
                        lambda: _workflow_states(business_line or ""))
    return sorted(((code, pick_label(labels, code)) for code, labels in states),
                  key=lambda item: item[1])
