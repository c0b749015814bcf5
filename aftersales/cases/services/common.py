"""Shared steps of the case services: locking (optimistic + row lock), the workflow and facts
of a case, entering a state (the SLA clock, X2), and customer notifications (item 9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.accounts.roles import ROLE_DEPARTMENT
from aftersales.calendars.calendar import SHANGHAI, get_calendar
from aftersales.cases.access import portal_token
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.events import CUSTOMER as CUSTOMER_LABEL
from aftersales.cases.labels import resolution_label
from aftersales.cases.models import (
    AdjustmentStatus,
    Case,
    Escalation,
    EscalationKind,
    StateCategory,
)

# Reads the services share live in the selectors; imported here for the services that use them.
from aftersales.cases.selectors import (  # noqa: F401
    actor_roles,
    case_document,
    case_workflow,
    is_staff_user,
    policy_name_for,
    resolve_policy,
)
from aftersales.core import cache
from aftersales.core.errors import Conflict, NotFound
from aftersales.notify.models import Message
from aftersales.notify.services import customer_messages_build, message_queue
from aftersales.notify.texts import site_url
from aftersales.workflow import sla
from aftersales.workflow.definitions import State, Workflow


def now() -> datetime:
    return timezone.now()


def actor_label(actor) -> str:
    return str(actor) if is_staff_user(actor) else CUSTOMER_LABEL


def staff(actor):
    """The user to store in a FK, or None for the customer / the system."""
    return actor if is_staff_user(actor) else None


# ------------------------------------------------------------------------------- locking
def lock_case(case: Case | int, *, expected_version: int | None = None) -> Case:
    """The case's current row, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite: the
    IMMEDIATE transaction holds the write lock). A stale expected_version is a Conflict naming
    who changed the case and when."""
    pk = case.pk if isinstance(case, Case) else case
    try:
        fresh = (Case.objects.select_for_update(of=("self",))
                 .select_related("updated_by").get(pk=pk))
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None
    if expected_version is not None and fresh.version != int(expected_version):
        when = timezone.localtime(fresh.updated_at, SHANGHAI).strftime("%Y-%m-%d %H:%M")
        who = fresh.changed_by_label() or _("someone else")
        raise Conflict(
            _("This case was changed by %(who)s at %(when)s; reload it and try again.")
            % {"who": who, "when": when},
            code=CaseErrorCode.STALE_CASE,
            extra={"changed_by": who, "changed_at": fresh.updated_at.isoformat(),
                   "version": fresh.version},
        )
    return fresh


def save_case(case: Case, fields: list[str] | set[str], actor) -> None:
    """Write the changed fields and bump the version (always with update_fields)."""
    case.updated_by = staff(actor)
    case.updated_by_label = "" if is_staff_user(actor) else CUSTOMER_LABEL
    case.updated_at = now()
    Case.objects.filter(pk=case.pk).update(
        version=F("version") + 1,
        **{f: getattr(case, f) for f in set(fields) | {"updated_by", "updated_by_label",
                                                     "updated_at"}})
    case.version += 1


# ------------------------------------------------------------------------------- policy
def order_placed_date(order):
    return timezone.localtime(order.placed_at, SHANGHAI).date() if order else None


# ------------------------------------------------------------------------------- facts
def case_values(case: Case) -> dict[str, Any]:
    """Numbers a workflow may derive facts from (S11.1: quantity > 200 → production)."""
    qty = case.lines.aggregate(q=Sum("quantity"))["q"] if case.pk else None
    return {"quantity": qty or case.quantity_affected or 0, "resolution": agreed_resolution(case)}


def agreed_resolution(case: Case) -> str:
    """The solution the case agreed on: the accepted option's, or an approved adjustment."""
    return str((case.agreed_option or {}).get("resolution") or
               (case.resolution if case.resolution == "adjustment" else "") or "")


def case_facts(case: Case) -> set[str]:
    """The workflow requirement codes this case meets now (vocabulary.Requirement)."""
    facts = {k for k, v in (case.facts or {}).items()
             if not k.startswith("_") and v
             and (not isinstance(v, dict) or v.get("value", True))}
    if case.verified_at:
        facts.add("verified_order")
        facts.add("purchase_proof")
    if case.problem_confirmed_at:
        facts.add("problem_confirmed")
    if case.decision:
        facts.add("policy_decision")
    if case.agreed_option:
        facts.add("option_accepted")
    if case.adjustment_status not in (AdjustmentStatus.PENDING, AdjustmentStatus.REFUSED):
        facts.add("within_authority")
    if case.csat_score:
        facts.add("rating")
    if case.key_account:
        facts.add("key_account")
    return facts


# ------------------------------------------------------------------------------- states
def department_for(state: State) -> Department | None:
    code = state.department or next((ROLE_DEPARTMENT[r] for r in state.roles
                                     if r in ROLE_DEPARTMENT), None)
    if not code:
        return None
    return department_by_code(code)


def department_by_code(code: str) -> Department | None:
    """The department with this code (kept in aftersales.core.cache: AccountsConfig.ready
    watches departments)."""
    return cache.memo("accounts.department", code,
                      lambda: Department.objects.filter(code=code).first())


def enter_state(case: Case, workflow: Workflow, code: str, *, at: datetime,
                previous: State | None) -> list[str]:
    """Put the case in state `code` and set its clocks (X2); returns the changed field names.

    The clock arithmetic is aftersales.workflow.sla's: a timed state starts a due time on the
    calendar (the urgent SLA for urgent cases); states sharing a clock keep one due time; a
    waiting/paused state stops the clock and the wait is given back when it resumes;
    resolved/closed stop it. A new due time is a new "state entry" (state_seq) for the
    sweep's once-only escalation and fines.
    """
    state = workflow.state(code)
    fields = ["state", "state_category", "state_entered_at", "previous_state", "due_at",
              "sla_paused_at", "sla_clock", "sla_next_check_at", "state_seq", "breached_at",
              "escalated_at", "end_to_end_due_at", "end_to_end_paused_at", "department",
              "assignee", "assigned_at"]
    case.previous_state = case.state if previous is not None else ""
    case.state = code
    case.state_category = state.category
    case.state_entered_at = at
    cal = get_calendar()
    hours = department_for(state)
    before = sla.Clock(due_at=case.due_at, paused_at=case.sla_paused_at,
                       name=case.sla_clock or None)
    after = sla.clock_on_enter(workflow=workflow, to_state=code, now=at, clock=before,
                               urgent=case.priority == "urgent", calendar=cal,
                               hours_spec=hours)
    same_clock = (before.due_at is not None and after.due_at is not None
                  and bool(after.name) and after.name == before.name)
    if after.due_at is not None and not same_clock and after != before:
        case.state_seq += 1
        case.breached_at = None
        case.escalated_at = None
    if case.pk and (after.due_at is None or (after.due_at is not None and not same_clock
                                             and after != before)):
        # The overdue step is done: its escalation leaves the supervisor's list.
        Escalation.objects.filter(case_id=case.pk, resolved_at__isnull=True,
                                  kind=EscalationKind.STEP).update(resolved_at=at)
    case.due_at, case.sla_paused_at = after.due_at, after.paused_at
    case.sla_clock = after.name or ""
    case.sla_next_check_at = case.due_at if case.sla_paused_at is None else None
    e2e = sla.end_to_end_on_enter(
        workflow=workflow, to_state=code, now=at, calendar=cal,
        clock=sla.Clock(due_at=case.end_to_end_due_at, paused_at=case.end_to_end_paused_at,
                        name="end_to_end" if case.end_to_end_due_at else None))
    if case.pk and e2e.due_at is None and case.end_to_end_escalated_at is not None:
        # Resolved or closed: the whole-case breach (S9.2) leaves the supervisor's list.
        Escalation.objects.filter(case_id=case.pk, resolved_at__isnull=True,
                                  kind=EscalationKind.END_TO_END).update(resolved_at=at)
    case.end_to_end_due_at, case.end_to_end_paused_at = e2e.due_at, e2e.paused_at
    if state.category == StateCategory.CLOSED and case.closed_at is None:
        case.closed_at = at
        fields.append("closed_at")
    if state.roles and state.category != StateCategory.CLOSED:
        if hours is not None:
            case.department = hours
        if case.assignee_id and not (case.assignee.role_codes & set(state.roles)):
            case.assignee = None
            case.assigned_at = None
    return fields


# ------------------------------------------------------------------------------- notify
def portal_link(case: Case) -> str:
    """The absolute link to the customer's case page (AFTERSALES_BASE_URL), or "" (a warning
    is logged) when the site's address is not configured."""
    try:
        path = reverse("portal:case", kwargs={"number": case.number})
    except NoReverseMatch:
        path = f"/portal/cases/{case.number}/"
    return site_url(f"{path}?t={portal_token(case)}", what=case.number)


def notify_customer(case: Case, *, topic: str, subject: str, body: str,
                    dedupe_key: str | None = None, params: dict[str, Any] | None = None) -> None:
    """Queue the customer's message(s) for a customer-visible step (item 9). ``params``: the
    step's values for the short SMS template (amount, rma, address, due, courier, tracking…;
    docs/notifications.md)."""
    for message in customer_messages(case, topic=topic, subject=subject, body=body,
                                     dedupe_key=dedupe_key, params=params):
        message_queue(channel=message.channel, recipient=message.recipient,
                      subject=message.subject, body=message.body, case=case, topic=topic,
                      dedupe_key=message.dedupe_key, params=message.params)


def customer_messages(case: Case, *, topic: str, subject: str, body: str,
                      dedupe_key: str | None = None,
                      params: dict[str, Any] | None = None) -> list[Message]:
    """The customer's message(s) for one step, unsaved: e-mail to an address, SMS to a phone
    where a provider is configured (aftersales.notify routes them)."""
    values: dict[str, Any] = {}
    if case.due_at:
        values["due"] = timezone.localtime(case.due_at, SHANGHAI).strftime("%Y-%m-%d")
    if case.resolution:
        values["option"] = resolution_label(case.resolution)
    return customer_messages_build(
        email=case.contact_email or (case.customer.email if case.customer_id else ""),
        phone=case.contact_phone or (case.customer.phone if case.customer_id else ""),
        number=case.number, topic=topic, subject=subject, body=body,
        link=portal_link(case), case=case, dedupe_key=dedupe_key,
        params={**values, **(params or {})})
