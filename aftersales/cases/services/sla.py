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
from dataclasses import dataclass, field
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
from aftersales.core.bulk import bulk_insert
from aftersales.core.errors import Conflict, NotFound, ValidationError
from aftersales.core.labels import pick_label
from aftersales.core.money import fmt
from aftersales.notify.models import Channel, Message
from aftersales.notify.services import message_build, messages_queue_bulk
from aftersales.policy.models import PolicyVersion
from aftersales.workflow import sla as wf_sla
from aftersales.workflow.definitions import FineSpec, SlaSpec, State, Workflow, workflow_for

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


def _active_emails(User) -> dict[int, str]:
    """Whom an escalation e-mail can reach: active users with an address, by id."""
    return dict(User.objects.filter(is_active=True).exclude(email="")
                .values_list("pk", "email"))


def _end_to_end_batch(rows, at, workflows, supervisors, User, counts) -> None:
    escalations, event_rows, messages = [], [], []
    emails = _active_emails(User)
    for r in rows:
        due = r["end_to_end_due_at"]
        wf = workflows.get(r["policy_version_id"], r["business_line"], r["kind"])
        spec = wf.sla_end_to_end if wf else None
        to = supervisors.for_role(r["department_id"], spec.escalate_to if spec else None)
        escalations.append({
            "case_id": r["pk"], "kind": EscalationKind.END_TO_END, "state": r["state"],
            "state_seq": 0, "due_at": due, "escalated_to_id": to,
            "department_id": r["department_id"], "at": at})
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
    bulk_insert(Escalation, escalations, ignore_conflicts=True)
    events.events_sla_breached(rows=event_rows, at=at)
    if messages:
        messages_queue_bulk(messages)


# ----------------------------------------------------------------------------- step sweep
# One batch of the step sweep reads in three steps: decide per case (_overdue: what is new
# for a case past its due time), build the rows that decision names (escalation, fines,
# e-mail, timeline entry), then write them all set-based (_sweep_batch).


@dataclass
class _Overdue:
    """What the sweep does about one case past its step's due time."""

    case_id: int
    state: str
    event: dict  # the data of its timeline entry
    # When to look again: ("late", n) = when day n + 1 of delay starts (computed per case
    # from its due_at by the UPDATE), ("at", moment) = at that moment (None: never).
    next_check: tuple[str, object]
    escalation: dict | None = None  # a new Escalation row
    message: Message | None = None  # the e-mail to whom it is escalated
    fines: list[dict] = field(default_factory=list)  # new Fine rows, one per day late

    @property
    def is_news(self) -> bool:
        """Only a case where something new happened gets a timeline entry."""
        return bool(self.event.get("breached") or "escalated_to" in self.event
                    or self.event.get("days_late"))


def _sweep_batch(rows, at, workflows, supervisors, User, counts) -> None:
    """Decide per case, then write the batch: next looks, escalations, fines, timeline
    entries, e-mails."""
    counts["cases"] += len(rows)
    waiting: dict[object, list[int]] = {}  # not due after all (a moved due time): due -> ids
    overdue: list[_Overdue] = []
    emails = _active_emails(User)
    for r in rows:
        if r["due_at"] is None or r["due_at"] > at:
            waiting.setdefault(r["due_at"], []).append(r["pk"])
        else:
            state = _step_state(workflows, r)
            overdue.append(_overdue(r, at=at, spec=state.sla if state else None,
                                    state_label=pick_label(state.label if state else None,
                                                           r["state"]),
                                    supervisors=supervisors, emails=emails))
    counts["breached"] += sum(1 for o in overdue if o.event.get("breached"))
    counts["escalated"] += sum(1 for o in overdue if o.escalation is not None)
    _write_next_checks(waiting, overdue, at)
    bulk_insert(Escalation, [o.escalation for o in overdue if o.escalation is not None],
                ignore_conflicts=True)
    counts["fines"] += _book_fines([fine for o in overdue for fine in o.fines])
    event_rows = [(o.case_id, o.state, o.event) for o in overdue if o.is_news]
    if event_rows:
        events.events_sla_breached(rows=event_rows, at=at)
    messages = [o.message for o in overdue if o.message is not None]
    if messages:
        messages_queue_bulk(messages)


def _step_state(workflows: _Workflows, r: dict) -> State | None:
    """The case's current state (its SLA and label), from its policy version's workflow."""
    wf = workflows.get(r["policy_version_id"], r["business_line"], r["kind"])
    return wf.states.get(r["state"]) if wf else None


def _overdue(r: dict, *, at: datetime, spec: SlaSpec | None, state_label: str,
             supervisors: _Supervisors, emails: dict[int, str]) -> _Overdue:
    """A case past its due time: the breach is marked once, escalated once per state entry
    (X2), and one fine booked per started day late when the state's SLA names one (S3.4)."""
    due = r["due_at"]
    late = wf_sla.days_late(due, at)
    fine: FineSpec | None = spec.fine if spec else None
    fined = fine is not None and fine.per_day_late > 0
    decision = _Overdue(case_id=r["pk"], state=r["state"],
                        event={"state": r["state"], "due_at": due.isoformat()},
                        next_check=_next_check(due, late, at) if fined else ("at", None))
    if r["breached_at"] is None:
        decision.event["breached"] = True
    if r["escalated_at"] is None:
        to = supervisors.for_case(r["department_id"], spec.escalate_to if spec else None)
        decision.escalation = {
            "case_id": r["pk"], "kind": EscalationKind.STEP, "state": r["state"],
            "state_seq": r["state_seq"], "due_at": due, "escalated_to_id": to,
            "department_id": r["department_id"], "at": at}
        decision.event["escalated_to"] = to
        if to and emails.get(to):
            decision.message = _step_escalation_message(emails[to], r, state_label)
    if fined:
        decision.fines = _late_fines(r, fine, late=late, at=at)
        decision.event["days_late"] = late
    return decision


def _next_check(due: datetime, late: int, at: datetime) -> tuple[str, object]:
    """A fined case is looked at again when its next day of delay starts (or in an hour, should
    that instant already have passed)."""
    if due + timedelta(days=late, microseconds=1) <= at:
        return ("at", at + timedelta(hours=1))
    return ("late", late)


def _step_escalation_message(recipient: str, r: dict, state_label: str) -> Message:
    """The supervisor's e-mail names the step by its label, never its code."""
    names = {"number": r["number"], "state": state_label, "due": _local(r["due_at"])}
    return _escalation_message(
        recipient, r["pk"], r["state_seq"],
        _("[%(number)s] overdue since %(due)s") % names,
        _("Case %(number)s in state %(state)s was due at %(due)s and is escalated "
          "to you.") % names)


def _late_fines(r: dict, fine: FineSpec, *, late: int, at: datetime) -> list[dict]:
    """One Fine row per started day late (S3.4), each day the fine of one day; the days booked
    by an earlier sweep are skipped on insert (unique: case, rule, state entry, day)."""
    amount = wf_sla.fine_amount(fine, days_late=1)
    return [{"case_id": r["pk"], "person_id": r["assignee_id"],
             "department_id": r["department_id"], "rule": f"{fine.rule}-late",
             "kind": FineKind.LATE, "state": r["state"], "state_seq": r["state_seq"],
             "day": day, "days_late": day, "serious": False, "amount": amount,
             "due_at": r["due_at"], "status": FineStatus.BOOKED, "note": "",
             "booked_at": at, "waiver_reason": ""}
            for day in range(1, late + 1)]


def _write_next_checks(waiting: dict[object, list[int]], overdue: list[_Overdue],
                       at: datetime) -> None:
    """A handful of set-based UPDATEs per batch, not one per case: the cases not due yet are
    looked at again at their due time; the overdue ones, grouped by their next look, get the
    breach and the escalation stamped once (COALESCE) and the next look, each row rewritten
    once."""
    for value, ids in waiting.items():
        Case.objects.filter(pk__in=ids).update(sla_next_check_at=value)
    groups: dict[tuple[str, object], list[int]] = {}
    for decision in overdue:
        groups.setdefault(decision.next_check, []).append(decision.case_id)
    for (how, value), ids in groups.items():
        if how == "late":  # the instant the next day of delay starts, per case
            value = F("due_at") + timedelta(days=value, microseconds=1)
        Case.objects.filter(pk__in=ids).update(
            sla_next_check_at=value, breached_at=Coalesce(F("breached_at"), Value(at)),
            escalated_at=Coalesce(F("escalated_at"), Value(at)))


def _book_fines(fines: list[dict]) -> int:
    """Insert the fine rows, skipping days already booked; how many are new."""
    if not fines:
        return 0
    fined = {fine["case_id"] for fine in fines}
    before = Fine.objects.filter(case_id__in=fined).count()
    bulk_insert(Fine, fines, ignore_conflicts=True)
    return Fine.objects.filter(case_id__in=fined).count() - before


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
