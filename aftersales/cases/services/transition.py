"""Moving a case through its workflow (S1, S2, S3, S9.3; X4): the generic transition and the
named steps built on it (reject, appeal, close, rate). Each is one transaction, one event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases import events
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.models import Case, StateCategory
from aftersales.cases.services.attachments import store_attachment
from aftersales.cases.services.common import (
    actor_label,
    actor_roles,
    agreed_resolution,
    case_facts,
    case_values,
    case_workflow,
    enter_state,
    lock_case,
    notify_customer,
    now,
    save_case,
    staff,
)
from aftersales.cases.services.permissions import require_may_rate, require_scope
from aftersales.core.errors import ApplicationError, Conflict, ValidationError
from aftersales.core.labels import pick_label
from aftersales.workflow.definitions import Transition, Workflow
from aftersales.workflow.engine import available_transitions, transition_check
from aftersales.workflow.errors import WorkflowErrorCode


def apply_transition(case: Case, *, workflow: Workflow, code: str, actor,
                     reason: str | None = None, extra_facts: set[str] | None = None
                     ) -> tuple[Transition, str, list[str]]:
    """Check and apply one transition to a locked case (no save, no event).

    Returns (transition, from_state, changed fields). Raises InvalidTransition (409),
    PermissionDenied (403) or ValidationError (422) before anything changes.
    """
    facts = case_facts(case) | (extra_facts or set())
    t = transition_check(workflow=workflow, state=case.state, transition_code=code,
                         roles=actor_roles(actor), facts=facts, values=case_values(case),
                         reason=reason or "")
    from_state = case.state
    at = now()
    fields = enter_state(case, workflow, t.target, at=at, previous=workflow.state(from_state))
    sets = dict(t.sets or {})
    if "resolution" in sets:
        case.resolution = str(sets["resolution"])
        fields.append("resolution")
    if sets.get("facts"):
        case.facts = {**(case.facts or {}),
                      **{f: {"value": True, "by": getattr(staff(actor), "pk", None),
                             "at": at.isoformat(), "transition": t.code}
                         for f in sets["facts"]}}
        fields.append("facts")
    others = {k: v for k, v in sets.items() if k not in ("resolution", "facts")}
    if others:  # e.g. responsibility: factory (S2.5) — kept for the later quality records
        case.facts = {**(case.facts or {}),
                      "_attributes": {**(case.facts or {}).get("_attributes", {}), **others}}
        fields.append("facts")
    return t, from_state, list(dict.fromkeys(fields))


def _transition_data(t: Transition, case: Case, reason: str | None, note: str) -> dict:
    return {"transition": t.code, "label": dict(t.label or {}), "rule": t.rule,
            "reason": reason or "", "note": note,
            "due_at": case.due_at.isoformat() if case.due_at else None}


def closes(workflow: Workflow, code: str) -> bool:
    """Whether a transition ends the case (into a closed state) other than the rating: it
    writes the "closed" event and tells the customer, however it was started."""
    t = workflow.transition(code)
    return (t is not None and code != "rate" and t.target in workflow.states
            and workflow.states[t.target].is_closed)


@transaction.atomic
def case_transition(*, case: Case, actor, transition: str, reason: str | None = None,
                    note: str = "", expected_version: int | None = None) -> Case:
    """Make a workflow transition as `actor` (a user, or None for the customer on the portal).

    Every transition leaves the same trace wherever it was started: ``reject`` is the
    rejection (its reason kept with the case, S9.3), a transition into a closed state is the
    closing (the "closed" event and the customer's closing message), any other writes the
    "transitioned" event and tells the customer only when the workflow marks it
    ``notify: customer``.

    Refused, with nothing changed, when the state doesn't allow it, no role of the actor may
    make it, a requirement is missing, or the case changed since `expected_version`.
    """
    case = lock_case(case, expected_version=expected_version)
    require_scope(case, actor)
    workflow = case_workflow(case)
    if transition == "reject":
        return _reject(case, workflow=workflow, actor=actor, code=transition, reason=reason)
    if closes(workflow, transition):
        return _close(case, workflow=workflow, actor=actor, code=transition, reason=reason,
                      note=note)
    t, from_state, fields = apply_transition(case, workflow=workflow, code=transition,
                                             actor=actor, reason=reason)
    save_case(case, fields, actor)
    events.event_transitioned(case=case, actor=staff(actor), actor_label=actor_label(actor),
                              from_state=from_state,
                              data=_transition_data(t, case, reason, note))
    if t.notify_customer:  # only customer-visible steps are told (`notify` in the workflow)
        state = workflow.state(case.state)
        notify_customer(case, topic="case_transitioned",
                        subject=pick_label(state.label, case.state),
                        body=_("Your case %(number)s is now: %(state)s.")
                        % {"number": case.number, "state": pick_label(state.label, case.state)})
    if case.agreed_option and t.follows != ACCEPTED:
        # The customer accepted an option before the case reached this state (on the portal,
        # at intake): the step that acceptance makes here is made now, in the same action —
        # nobody offers or accepts it again (S1.5).
        step = acceptance_step(workflow, case, actor)
        if step is not None:
            case = case_transition(case=case, actor=actor, transition=step.code,
                                   note=_("the option the customer accepted"))
    return case


ACCEPTED = "option_accepted"


def acceptance_step(workflow: Workflow, case: Case, actor) -> Transition | None:
    """The step the customer's accepted option makes from the case's state: a transition
    marked ``follows: option_accepted`` for the agreed solution (the member store routes a
    repair, a return, a refund and an exchange each its own way), when this actor may make it
    now. None when there is none, or it can't be made (the acceptance is still recorded)."""
    resolution = agreed_resolution(case)
    steps = [t for t in workflow.transitions_from(case.state)
             if t.follows == ACCEPTED and resolution and t.fits(resolution)]
    if not steps:  # most states of most workflows: nothing to work out
        return None
    roles, facts, values = actor_roles(actor), case_facts(case), case_values(case)
    for t in steps:
        try:
            transition_check(workflow=workflow, state=case.state, transition_code=t.code,
                             roles=roles, facts=facts, values=values)
        except ApplicationError:
            continue
        return t
    return None


def _find(workflow: Workflow, case: Case, actor, *, prefer: tuple[str, ...], target=None
          ) -> str:
    """The code of the transition a named step means from the current state."""
    outs = workflow.transitions_from(case.state)
    for code in prefer:
        if any(t.code == code for t in outs):
            return code
    if target is not None:
        for t in outs:
            if target(t):
                return t.code
    return prefer[0]  # transition_check gives the clear "not possible now" message


@transaction.atomic
def case_reject(*, case: Case, actor, reason: str,
                expected_version: int | None = None) -> Case:
    """Reject with a reason (S9.3); the customer may appeal with new evidence."""
    case = lock_case(case, expected_version=expected_version)
    require_scope(case, actor)
    workflow = case_workflow(case)
    code = _find(workflow, case, actor, prefer=("reject",),
                 target=lambda t: (t.sets or {}).get("resolution") == "rejected")
    return _reject(case, workflow=workflow, actor=actor, code=code, reason=reason)


def _reject(case: Case, *, workflow: Workflow, actor, code: str, reason: str | None) -> Case:
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the rejection."),
                              code=WorkflowErrorCode.REASON_REQUIRED,
                              fields={"reason": _("required")})
    reason = str(reason)
    t, from_state, fields = apply_transition(case, workflow=workflow, code=code, actor=actor,
                                             reason=reason)
    case.rejection_reason = reason.strip()
    save_case(case, fields + ["rejection_reason"], actor)
    events.event_rejected(case=case, actor=staff(actor), from_state=from_state,
                          data=_transition_data(t, case, reason, ""))
    notify_customer(case, topic="case_rejected", subject=_("Your request was not accepted"),
                    body=_("Reason: %(reason)s\nYou may appeal with more evidence.")
                    % {"reason": case.rejection_reason})
    return case


@transaction.atomic
def case_appeal(*, case: Case, actor, statement: str, uploads: list | None = None,
                expected_version: int | None = None) -> Case:
    """Appeal a rejection with new evidence (S9.3): the case goes back to a supervisor."""
    case = lock_case(case, expected_version=expected_version)
    require_scope(case, actor)
    if not (statement or "").strip() and not uploads:
        raise ValidationError(_("An appeal needs new evidence: a statement or files."),
                              code=CaseErrorCode.EVIDENCE_REQUIRED,
                              fields={"statement": _("required")})
    workflow = case_workflow(case)
    code = _find(workflow, case, actor, prefer=("appeal",))
    at = now()
    stored = [store_attachment(case=case, actor=actor, upload=u, by_customer=staff(actor) is None)
              for u in (uploads or [])]
    case.facts = {**(case.facts or {}), "new_evidence": {
        "value": True, "at": at.isoformat(), "statement": statement.strip(),
        "attachments": [a.pk for a in stored]}}
    t, from_state, fields = apply_transition(case, workflow=workflow, code=code, actor=actor,
                                             reason=statement)
    case.appeal_count += 1
    save_case(case, fields + ["facts", "appeal_count", "evidence"], actor)
    events.event_appealed(case=case, actor=staff(actor), actor_label=actor_label(actor),
                          from_state=from_state, data={
                              **_transition_data(t, case, statement, ""),
                              "attachments": [{"id": a.pk, "name": a.original_name}
                                              for a in stored]})
    notify_customer(case, topic="case_appealed", subject=_("We have received your appeal"),
                    body=_("A supervisor will review your case by %(due)s.")
                    % {"due": timezone.localtime(case.due_at, SHANGHAI).strftime("%Y-%m-%d")
                       if case.due_at else "-"})
    return case


@transaction.atomic
def case_close(*, case: Case, actor, note: str = "", reason: str | None = None,
               transition: str | None = None, expected_version: int | None = None) -> Case:
    """Close the case through `transition`, or the workflow's closing transition from its
    state."""
    case = lock_case(case, expected_version=expected_version)
    require_scope(case, actor)
    workflow = case_workflow(case)
    code = transition or _find(
        workflow, case, actor, prefer=("close", "close_rejected"),
        target=lambda t: closes(workflow, t.code) and t.code != "withdraw")
    return _close(case, workflow=workflow, actor=actor, code=code, reason=reason, note=note)


def _close(case: Case, *, workflow: Workflow, actor, code: str, reason: str | None,
           note: str) -> Case:
    t, from_state, fields = apply_transition(case, workflow=workflow, code=code, actor=actor,
                                             reason=reason if reason is not None
                                             else (note or None))
    save_case(case, fields, actor)
    events.event_closed(case=case, actor=staff(actor), actor_label=actor_label(actor),
                        from_state=from_state, data=_transition_data(t, case, reason, note))
    notify_customer(case, topic="case_closed", subject=_("Your case is closed"),
                    body=_("How did we do? Please rate our service (1 to 5)."))
    return case


@transaction.atomic
def case_customer_confirms(*, case: Case, note: str = "") -> Case:
    """The customer confirms the outcome reached them (S7.2 "confirms receipt": the refund
    arrived). The case closes through the workflow's step that the customer may make from
    here into a closed state, if it has one (online shop: "processed, awaiting confirmation" →
    closed); otherwise it stays for customer service to close."""
    case = lock_case(case)
    if case.is_closed:
        return case
    workflow = case_workflow(case)
    step = next((t for t in workflow.transitions_from(case.state)
                 if t.customer and not t.reason_required and not t.requires
                 and closes(workflow, t.code)), None)
    if step is None:
        return case
    return _close(case, workflow=workflow, actor=None, code=step.code, reason=None, note=note)


@transaction.atomic
def case_rate(*, case: Case, actor, score: int, comment: str = "", channel: str | None = None,
              expected_version: int | None = None) -> Case:
    """The customer's rating (S1.7): 1–5 with a comment, only once, only after closing.

    The customer gives it on the portal (actor None). Staff only record a rating the customer
    gave by phone, and say so with ``channel="phone"``: the event keeps the channel and who
    recorded it, and the timeline shows it as such (permissions.require_may_rate).
    """
    case = lock_case(case, expected_version=expected_version)
    channel = require_may_rate(case, actor, channel=channel)
    if case.rated_at is not None:
        raise Conflict(_("This case has already been rated."), code=CaseErrorCode.ALREADY_RATED)
    if case.state_category != StateCategory.CLOSED:
        raise Conflict(_("A case can be rated once it is closed."), code=CaseErrorCode.NOT_CLOSED)
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError(_("Give a score from 1 to 5."), fields={"score": _("1 to 5")})
    case.csat_score, case.csat_comment, case.rated_at = score, (comment or "").strip(), now()
    fields = ["csat_score", "csat_comment", "rated_at"]
    workflow = case_workflow(case)
    rate = next((t for t in workflow.transitions_from(case.state) if t.code == "rate"), None)
    from_state = case.state
    if rate is not None:
        _t, from_state, more = apply_transition(case, workflow=workflow, code="rate",
                                                actor=actor)
        fields += more
    save_case(case, fields, actor)
    events.event_rated(case=case, actor=staff(actor), actor_label=actor_label(actor),
                       data={"score": score, "comment": case.csat_comment,
                             "from_state": from_state, "channel": channel,
                             **({"recorded_by": str(actor)} if channel == "phone" else {})})
    return case


def case_available_transitions(*, case: Case, actor) -> list[tuple[Transition, bool, str]]:
    """What this actor may do on the case now, each with ok and why not (for pages/API)."""
    return available_transitions(workflow=case_workflow(case), state=case.state,
                                 roles=actor_roles(actor), facts=case_facts(case),
                                 values=case_values(case))
