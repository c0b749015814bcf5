"""Read helpers for the faces of cases (pages, portal, API) — owned by the pages engineer.

Nothing here changes a case: these are selectors and labels the views need on top of
aftersales.cases.selectors (which stays h7's): the all-cases list with the queue's filters,
workflow labels without a query per row, and "may this user work on the case now" (X4).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from aftersales.cases.models import Case, CaseLine, StateCategory
from aftersales.cases.selectors import cases_visible_to, queue_parts
from aftersales.cases.services.common import actor_roles, case_workflow
from aftersales.core import cache
from aftersales.core.choices import DEFAULT_POLICY
from aftersales.core.labels import pick_label
from aftersales.policy.services.resolve import policy_resolve
from aftersales.workflow.definitions import Workflow, workflows_from_document

_TRUE = ("1", "true", "yes", "on")
SORTS = {
    "due": [F("due_at").asc(nulls_last=True), "created_at", "pk"],
    "-created": ["-created_at", "-pk"],
    "created": ["created_at", "pk"],
    "number": ["number"],
    "-number": ["-number"],
}


label = pick_label  # a {zh, en} label in the page's language


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
    return label(wf.states[code].label, code)


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


def _apply_filters(qs: QuerySet[Case], filters: dict[str, Any], user) -> QuerySet[Case]:
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("business_line"):
        qs = qs.filter(business_line=filters["business_line"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("customer"):
        c = str(filters["customer"]).strip()
        qs = qs.filter(customer_id=int(c)) if c.isdigit() else qs.filter(
            Q(customer__name__icontains=c) | Q(customer__code=c))
    if filters.get("assignee") == "me":
        qs = qs.filter(assignee_id=user.pk)
    elif filters.get("assignee") == "none":
        qs = qs.filter(assignee__isnull=True)
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
    """Active staff with a role that works on the case's state (for the assign menus)."""
    User = get_user_model()
    if roles is None and case is not None:
        wf = workflow_of(case)
        roles = set(wf.states[case.state].roles) if wf and case.state in wf.states else set()
    qs = User.objects.filter(is_active=True, dealer__isnull=True, factory__isnull=True)
    if roles:
        qs = qs.filter(groups__name__in=roles)
    return qs.distinct().order_by("username")


def _workflow_states(business_line: str) -> list[tuple[str, dict]]:
    """(code, {zh, en} label) of the states of the current workflows of a line (or all)."""
    seen: dict[str, dict] = {}
    for line, name in DEFAULT_POLICY.items():
        if business_line and line != business_line:
            continue
        try:
            _v, doc = policy_resolve(name=name)
        except Exception:  # a policy not loaded yet offers no states
            continue
        for wf in workflows_from_document(doc).values():
            if wf.business_line == line:
                for code, st in wf.states.items():
                    seen.setdefault(code, dict(st.label))
    return sorted(seen.items())


def state_choices(business_line: str | None = None) -> list[tuple[str, str]]:
    """(code, label) of the states of the current workflows, for the list's state filter
    (kept in aftersales.core.cache until a policy changes)."""
    states = cache.memo("cases.state_choices", business_line or "",
                        lambda: _workflow_states(business_line or ""))
    return sorted(((code, label(labels, code)) for code, labels in states),
                  key=lambda item: item[1])
