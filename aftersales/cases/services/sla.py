"""The SLA sweep (X2, S3.4) and the fine ledger's manual actions.

`sla_sweep` looks only at cases whose `sla_next_check_at` has come (a partial index): it marks
the breach, escalates once per state entry to the department's supervisor (else a user with
the SLA's escalation role), queues the notification, and books one fine per started day late
when the SLA names a fine. Everything is keyed so that running it twice changes nothing
(unique constraints + bulk inserts that ignore conflicts); a later sweep on a later day books
that day's fine.

The end-to-end clock (S9.2: 15 working days for the whole case) is looked at the same way,
through its own partial index (running, unpaused, not yet escalated): a breach is escalated
once per case to the role the workflow's ``sla_end_to_end.escalate_to`` names, with a
timeline event and a notification.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import (
    Case,
    Escalation,
    EscalationKind,
    Fine,
    FineKind,
    FineStatus,
    StateCategory,
)
from aftersales.cases.services.common import (
    actor_roles,
    case_workflow,
    now,
    resolve_policy,
    staff,
)
from aftersales.core import statements
from aftersales.core.errors import Conflict, NotFound, ValidationError
from aftersales.core.money import fmt
from aftersales.notify.models import Channel, Message
from aftersales.notify.services import message_build, messages_queue_bulk
from aftersales.workflow import sla as wf_sla
from aftersales.workflow.definitions import FineSpec, Workflow, workflow_for

log = logging.getLogger(__name__)
BATCH = 2000


class _Workflows:
    """Workflows by (policy version, business line, kind), loaded once per sweep."""

    def __init__(self) -> None:
        self._cache: dict[tuple, Workflow | None] = {}
        self._versions: dict[int, object] = {}

    def get(self, version_id, business_line: str, kind: str) -> Workflow | None:
        key = (version_id, business_line, kind)
        if key not in self._cache:
            try:
                from aftersales.policy.models import PolicyVersion

                version = (PolicyVersion.objects.select_related("policy").get(pk=version_id)
                           if version_id else None)
                _v, doc = resolve_policy(business_line=business_line, version=version)
                self._cache[key] = workflow_for(doc, business_line=business_line,
                                                case_kind=kind)
            except Exception:  # a broken policy must not stop the sweep for everyone else
                log.exception("no workflow for %s", key)
                self._cache[key] = None
        return self._cache[key]


class _Supervisors:
    def __init__(self) -> None:
        self._dept = {d.pk: d.supervisor_id for d in Department.objects.all()}
        self._role: dict[tuple, int | None] = {}

    def for_case(self, department_id, role: str | None) -> int | None:
        if department_id and self._dept.get(department_id):
            return self._dept[department_id]
        return self.with_role(department_id, role)

    def for_role(self, department_id, role: str | None) -> int | None:
        """A user with ``role`` (in the case's department first), else the department's
        supervisor: the end-to-end SLA names whom it escalates to (S9.2)."""
        return self.with_role(department_id, role) or self._dept.get(department_id)

    def with_role(self, department_id, role: str | None) -> int | None:
        if not role:
            return None
        key = (department_id, role)
        if key not in self._role:
            users = get_user_model().objects.filter(is_active=True, groups__name=role)
            pick = (users.filter(department_id=department_id).order_by("pk").first()
                    if department_id else None) or users.order_by("pk").first()
            self._role[key] = pick.pk if pick else None
        return self._role[key]


def _insert_ignore(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO NOTHING for many rows, without building model instances: the
    sweep writes tens of thousands of ledger rows at once."""
    statements.insert_rows(model, columns, rows, ignore_conflicts=True)


def _escalation_message(recipient: str, case_id: int, clock, subject: str,
                        body: str) -> Message:
    """The e-mail telling whom a breach is escalated to; deduplicated per case and clock (a
    state entry, or the end-to-end clock)."""
    message = message_build(channel=Channel.EMAIL, recipient=recipient, subject=subject,
                            body=body, topic="sla_escalation",
                            dedupe_key=f"escalation:{case_id}:{clock}")
    message.case_id = case_id
    return message


def _local(value: datetime) -> str:
    return timezone.localtime(value, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def sla_sweep(*, now_: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Mark breaches, escalate once, book the fines the policy names (S3.4). Idempotent."""
    at = now_ or now()
    counts = {"cases": 0, "breached": 0, "escalated": 0, "fines": 0}
    workflows, supervisors = _Workflows(), _Supervisors()
    User = get_user_model()
    seen: set[int] = set()
    while True:
        # Processed cases leave the filter (their next check moves on), so each batch is the
        # head of the partial index on sla_next_check_at.
        rows = list(
            Case.objects.filter(sla_next_check_at__lte=at, sla_paused_at__isnull=True)
            .exclude(state_category__in=[StateCategory.CLOSED, StateCategory.RESOLVED])
            .order_by("sla_next_check_at")
            .values("pk", "number", "state", "state_seq", "due_at", "kind", "business_line",
                    "policy_version_id", "department_id", "assignee_id", "breached_at",
                    "escalated_at")[:batch])
        rows = [r for r in rows if r["pk"] not in seen]
        if not rows:
            break
        seen.update(r["pk"] for r in rows)
        with transaction.atomic():
            _sweep_batch(rows, at, workflows, supervisors, User, counts)
    _sweep_end_to_end(at, workflows, supervisors, User, counts, batch)
    return counts


def _sweep_end_to_end(at, workflows, supervisors, User, counts, batch) -> None:
    """S9.2: escalate each case whose end-to-end clock ran out, once (set-based, per batch).

    The filter matches the partial index case_e2e_due_unescalated; a processed case gets
    end_to_end_escalated_at and leaves it, so each batch is the head of the index and a
    second sweep finds nothing."""
    counts.setdefault("end_to_end_escalated", 0)
    while True:
        rows = list(
            Case.objects.filter(end_to_end_due_at__lte=at, end_to_end_paused_at__isnull=True,
                                end_to_end_escalated_at__isnull=True)
            .exclude(state_category__in=[StateCategory.CLOSED, StateCategory.RESOLVED])
            .order_by("end_to_end_due_at")
            .values("pk", "number", "state", "end_to_end_due_at", "kind", "business_line",
                    "policy_version_id", "department_id")[:batch])
        if not rows:
            return
        with transaction.atomic():
            _end_to_end_batch(rows, at, workflows, supervisors, User, counts)


def _end_to_end_batch(rows, at, workflows, supervisors, User, counts) -> None:
    escalations, event_rows, messages = [], [], []
    emails = dict(User.objects.filter(is_active=True).exclude(email="")
                  .values_list("pk", "email"))
    for r in rows:
        due = r["end_to_end_due_at"]
        wf = workflows.get(r["policy_version_id"], r["business_line"], r["kind"])
        spec = wf.sla_end_to_end if wf else None
        to = supervisors.for_role(r["department_id"], spec.escalate_to if spec else None)
        escalations.append((r["pk"], EscalationKind.END_TO_END.value, r["state"], 0, due, to,
                            r["department_id"], at))
        event_rows.append((r["pk"], r["state"], {
            "clock": "end_to_end", "state": r["state"], "due_at": due.isoformat(),
            "breached": True, "escalated_to": to, "rule": spec.source if spec else "S9.2"}))
        if to and emails.get(to):
            names = {"number": r["number"], "due": _local(due)}
            messages.append(_escalation_message(
                emails[to], r["pk"], "end_to_end",
                _("[%(number)s] whole case overdue since %(due)s") % names,
                _("Case %(number)s was to be completed by %(due)s (end-to-end time limit) and "
                  "is escalated to you.") % names))
    ids = [r["pk"] for r in rows]
    counts["end_to_end_escalated"] += Case.objects.filter(
        pk__in=ids, end_to_end_escalated_at__isnull=True).update(end_to_end_escalated_at=at)
    _insert_ignore(Escalation, ["case_id", "kind", "state", "state_seq", "due_at",
                                "escalated_to_id", "department_id", "at"], escalations)
    events.events_sla_breached(rows=event_rows, at=at)
    if messages:
        messages_queue_bulk(messages)


def _sweep_batch(rows, at, workflows, supervisors, User, counts) -> None:
    next_checks: dict[object, list[int]] = {}  # new sla_next_check_at -> case ids
    overdue: dict[tuple, list[int]] = {}
    escalations: list[tuple] = []
    fines: list[tuple] = []
    messages: list[Message] = []
    event_rows: list[tuple[int, str, dict]] = []
    emails = dict(User.objects.filter(is_active=True).exclude(email="")
                  .values_list("pk", "email")) if rows else {}
    for r in rows:
        counts["cases"] += 1
        due = r["due_at"]
        if due is None or due > at:
            next_checks.setdefault(due, []).append(r["pk"])
            continue
        wf = workflows.get(r["policy_version_id"], r["business_line"], r["kind"])
        spec = wf.states[r["state"]].sla if wf and r["state"] in wf.states else None
        data: dict = {"state": r["state"], "due_at": due.isoformat()}
        escalated_at = r["escalated_at"]
        if r["breached_at"] is None:
            counts["breached"] += 1
            data["breached"] = True
        if escalated_at is None:
            to = supervisors.for_case(r["department_id"], spec.escalate_to if spec else None)
            escalations.append((r["pk"], EscalationKind.STEP.value, r["state"], r["state_seq"],
                                due, to, r["department_id"], at))
            counts["escalated"] += 1
            data["escalated_to"] = to
            if to and emails.get(to):
                names = {"number": r["number"], "state": r["state"], "due": _local(due)}
                messages.append(_escalation_message(
                    emails[to], r["pk"], r["state_seq"],
                    _("[%(number)s] overdue since %(due)s") % names,
                    _("Case %(number)s in state %(state)s was due at %(due)s and is escalated "
                      "to you.") % names))
        late = wf_sla.days_late(due, at)
        fine: FineSpec | None = spec.fine if spec else None
        next_check = None
        if fine is not None and fine.per_day_late > 0:
            amount = wf_sla.fine_amount(fine, days_late=1)
            for day in range(1, late + 1):
                fines.append((r["pk"], r["assignee_id"], r["department_id"], f"{fine.rule}-late",
                              FineKind.LATE, r["state"], r["state_seq"], day, day, False, amount,
                              due, FineStatus.BOOKED, "", at, ""))
            data["days_late"] = late
            # Look again when the next day of delay starts.
            next_check = due + timedelta(days=late, microseconds=1)
            if next_check <= at:
                next_check = at + timedelta(hours=1)
        event_rows.append((r["pk"], r["state"], data))
        # Grouped by value so the batch is a handful of set-based UPDATEs, not one per case.
        key = ("late", late) if next_check == due + timedelta(days=late, microseconds=1) \
            else ("at", next_check)
        overdue.setdefault(key, []).append(r["pk"])
    for value, ids in next_checks.items():  # not due after all (a moved due time)
        Case.objects.filter(pk__in=ids).update(sla_next_check_at=value)
    # One UPDATE per group of overdue cases: breach and escalation stamped once (COALESCE)
    # and the next look set, each row rewritten once.
    for (how, value), ids in overdue.items():
        if how == "late":  # the instant the next day of delay starts, per case
            value = F("due_at") + timedelta(days=value, microseconds=1)
        Case.objects.filter(pk__in=ids).update(
            sla_next_check_at=value, breached_at=Coalesce(F("breached_at"), Value(at)),
            escalated_at=Coalesce(F("escalated_at"), Value(at)))
    _insert_ignore(Escalation, ["case_id", "kind", "state", "state_seq", "due_at",
                                "escalated_to_id", "department_id", "at"], escalations)
    if fines:
        fined = {f[0] for f in fines}
        before = Fine.objects.filter(case_id__in=fined).count()
        _insert_ignore(Fine, ["case_id", "person_id", "department_id", "rule", "kind", "state",
                              "state_seq", "day", "days_late", "serious", "amount", "due_at",
                              "status", "note", "booked_at", "waiver_reason"], fines)
        counts["fines"] += Fine.objects.filter(case_id__in=fined).count() - before
    # Only cases where something new happened get a timeline entry.
    event_rows = [(pk, st, d) for pk, st, d in event_rows
                  if d.get("breached") or "escalated_to" in d or d.get("days_late")]
    if event_rows:
        events.events_sla_breached(rows=event_rows, at=at)
    if messages:
        messages_queue_bulk(messages)


def _fine_spec(fine: Fine) -> FineSpec:
    wf = case_workflow(fine.case)
    state = wf.states.get(fine.state)
    if state is not None and state.sla and state.sla.fine:
        return state.sla.fine
    for s in wf.states.values():
        if s.sla and s.sla.fine and fine.rule.startswith(s.sla.fine.rule):
            return s.sla.fine
    raise NotFound(_("The policy names no fine rule %(rule)s.") % {"rule": fine.rule})


@transaction.atomic
def fine_waive(*, fine: Fine, actor, reason: str) -> Fine:
    """Waive a booked fine (S3.4 "approved special circumstances"): the policy's waiver role
    and a reason are required."""
    fine = Fine.objects.select_for_update().select_related("case").get(pk=fine.pk)
    if fine.status != FineStatus.BOOKED:
        raise Conflict(_("This fine is already waived."), code=CaseErrorCode.ALREADY_WAIVED)
    wf_sla.fine_waiver_check(spec=_fine_spec(fine), roles=actor_roles(actor), reason=reason)
    fine.status, fine.waived_by = FineStatus.WAIVED, staff(actor)
    fine.waiver_reason, fine.waived_at = reason.strip(), now()
    fine.save(update_fields=["status", "waived_by", "waiver_reason", "waived_at"])
    events.event_fine_waived(case=fine.case, actor=staff(actor), data={
        "fine": fine.pk, "rule": fine.rule, "amount": fmt(fine.amount), "reason": reason})
    return fine


@transaction.atomic
def fine_book_violation(*, case: Case, actor, person, serious: bool = False,
                        note: str = "") -> Fine:
    """Book a procedure-violation fine (S3.4: per occurrence, doubled when serious) using the
    fine rule of the case's current state."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    wf = case_workflow(case)
    spec = wf.state(case.state).sla
    if spec is None or spec.fine is None or spec.fine.per_violation <= 0:
        raise ValidationError(_("The policy names no violation fine for this step."),
                              code=CaseErrorCode.NO_FINE_RULE)
    if not (actor_roles(actor) & {spec.fine.waiver_role, "admin"}):
        from aftersales.core.errors import PermissionDenied

        raise PermissionDenied(_("Only %(role)s may book this fine.")
                               % {"role": spec.fine.waiver_role})
    rule = f"{spec.fine.rule}-violation"
    occurrence = Fine.objects.filter(case=case, rule=rule, state_seq=case.state_seq).count() + 1
    fine = Fine.objects.create(
        case=case, person=person, department=case.department, rule=rule,
        kind=FineKind.VIOLATION, state=case.state, state_seq=case.state_seq, day=occurrence,
        serious=serious, amount=wf_sla.fine_amount(spec.fine, violations=1, serious=serious),
        note=note, booked_at=now())
    events.event_fine_booked(case=case, actor=staff(actor), data={
        "fine": fine.pk, "rule": rule, "amount": fmt(fine.amount), "serious": serious,
        "person": getattr(person, "pk", None)})
    return fine
