"""What the apps above cases tell a case when they create a record (issue 11 item 9).

A receipt, an inspection, a refund payment or a collected difference is a numbered record in
its own app (logistics, quality, finance, charges). The workflow needs the *fact* it stands for
(`goods_received`, `refund_paid`, …: vocabulary.RECORD_FACTS). The record's service calls
``case_note_record`` inside its own transaction: the fact is set with the record's number, one
timeline event names the record, and — when the record is what the current step was waiting
for and the actor may make that step — the case moves on, so the clerk who records the receipt
doesn't also have to press "received".
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case
from aftersales.cases.services.common import (
    actor_label,
    actor_roles,
    case_facts,
    case_values,
    case_workflow,
    lock_case,
    now,
    save_case,
    staff,
)
from aftersales.cases.services.transition import case_transition
from aftersales.core.errors import ApplicationError, Conflict, ValidationError
from aftersales.workflow.engine import transition_check
from aftersales.workflow.vocabulary import CUSTOMER, RECORD_FACTS


@transaction.atomic
def case_note_record(*, case: Case | int, actor, fact: str, record: str, value: bool = True,
                     data: dict | None = None, advance: bool = True,
                     allow_closed: bool = False) -> Case:
    """Set (or, value=False, withdraw) a record-backed fact on the case, naming the record.

    ``record`` is the record's number (RMA-2026-000012); ``data`` adds what the timeline
    should show (amounts, quantities). With ``advance`` the case makes the one transition from
    its current state that needs this fact, if all it needs now holds and the actor may make
    it. Returns the case as saved (and moved).
    """
    if fact not in RECORD_FACTS:
        raise ValidationError(_("Unknown fact."), fields={"fact": _("unknown")})
    case = lock_case(case)
    if case.is_closed and not allow_closed:
        raise Conflict(_("The case is closed."), code=CaseErrorCode.CASE_CLOSED)
    at = now()
    case.facts = {**(case.facts or {}), fact: {
        "value": bool(value), "record": record, "by": getattr(staff(actor), "pk", None),
        "by_label": actor_label(actor), "at": at.isoformat(), **(data or {})}}
    save_case(case, ["facts"], actor)
    events.event_fact_recorded(case=case, actor=staff(actor), data={
        "fact": fact, "value": bool(value), "record": record, **(data or {})})
    if advance and value and not case.is_closed:
        case = case_advance(case=case, actor=actor, fact=fact,
                            note=_("recorded: %(record)s") % {"record": record})
    return case


def case_advance(*, case: Case, actor, fact: str, note: str = "") -> Case:
    """Make the step that was waiting for ``fact``, now that it holds, when there is exactly
    one the actor may make (advance_transition); otherwise leave the case where it is. Called
    inside the transaction that set the fact, so recording and moving on are one action."""
    code = advance_transition(case, actor, fact)
    if code:
        case = case_transition(case=case, actor=actor, transition=code, note=note)
    return case


def advance_transition(case: Case, actor, fact: str) -> str | None:
    """The transition from the case's state that waits for ``fact`` and may be made now by
    this actor (all requirements met, no reason needed), if there is exactly one."""
    workflow = case_workflow(case)
    roles = actor_roles(actor)
    facts, values = case_facts(case), case_values(case)
    found = []
    for t in workflow.transitions_from(case.state):
        if fact not in t.requires or t.reason_required:
            continue
        if CUSTOMER in roles and not t.customer:
            continue
        try:
            transition_check(workflow=workflow, state=case.state, transition_code=t.code,
                             roles=roles, facts=facts, values=values, reason="")
        except ApplicationError:  # any refusal means "don't move"
            continue
        found.append(t.code)
    return found[0] if len(found) == 1 else None
