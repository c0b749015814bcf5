"""The one place that says whether a transition may happen (STYLE.md "State"; X4).

The cases app loads the case's workflow (definitions.workflow_for), computes the facts the case
has (vocabulary.Requirement codes, plus Workflow.derive_facts(values)), and calls
transition_check() inside its service before it changes anything. Checks run in a fixed order
so the reason given is the first that applies: the state, then the role, then the requirements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.core.labels import pick_label
from aftersales.workflow.definitions import Transition, Workflow
from aftersales.workflow.errors import WorkflowErrorCode
from aftersales.workflow.vocabulary import CUSTOMER, Category, Requirement


class InvalidTransition(Conflict):
    """The transition is not possible from the case's state (409)."""

    code = WorkflowErrorCode.INVALID_TRANSITION

    def __init__(self, message: Any, *, from_state: str, to_state: str | None,
                 transition: str) -> None:
        super().__init__(message, extra={"from": from_state, "to": to_state,
                                         "transition": transition})
        self.from_state = from_state
        self.to_state = to_state
        self.transition = transition


def _requirement_label(code: str) -> str:
    try:
        return str(Requirement(code).label)
    except ValueError:
        return code


def role_may(transition: Transition, roles: Iterable[str]) -> bool:
    roles = set(roles)
    return bool(roles & set(transition.roles)) or (CUSTOMER in roles and transition.customer)


def _check(*, workflow: Workflow, state: str, transition_code: str, roles: set[str],
           facts: set[str], values: Mapping[str, Any] | None) -> Transition:
    current = workflow.state(state)
    t = workflow.transition(transition_code)
    state_label = pick_label(current.label, state)
    if t is None or state not in t.source:
        action = pick_label(t.label, transition_code) if t else transition_code
        if current.category == Category.CLOSED:
            message = gettext("A closed case can't be moved: “%(action)s” is not possible.")
        else:
            message = gettext("“%(action)s” is not possible while the case is “%(state)s”.")
        raise InvalidTransition(message % {"action": action, "state": state_label},
                                from_state=state, to_state=t.target if t else None,
                                transition=transition_code)
    action = pick_label(t.label, t.code)
    if not role_may(t, roles):
        raise PermissionDenied(
            gettext("Your role may not do “%(action)s”; it is done by: %(roles)s.")
            % {"action": action, "roles": ", ".join(t.roles) or CUSTOMER},
            code=WorkflowErrorCode.ROLE_NOT_ALLOWED,
            extra={"transition": t.code, "roles": list(t.roles)},
        )
    resolution = str((values or {}).get("resolution") or "")
    if not t.fits(resolution):
        raise ValidationError(
            gettext("“%(action)s” is not part of the agreed solution.") % {"action": action},
            code=WorkflowErrorCode.NOT_THE_AGREED_SOLUTION,
            extra={"transition": t.code, "resolution": resolution})
    have = set(facts) | (workflow.derive_facts(values) if values else set())
    for req in t.requires:
        if req not in have:
            message = gettext("“%(action)s” needs first: %(requirement)s.") % {
                "action": action, "requirement": _requirement_label(req)}
            raise ValidationError(message, code=WorkflowErrorCode.REQUIREMENT_MISSING,
                                  fields={req: message},
                                  extra={"transition": t.code, "requirement": req})
    for fact in t.forbids:
        if fact in have:
            message = gettext("“%(action)s” is not for cases where %(fact)s.") % {
                "action": action, "fact": _requirement_label(fact)}
            raise ValidationError(message, code=WorkflowErrorCode.REQUIREMENT_FORBIDS,
                                  fields={fact: message},
                                  extra={"transition": t.code, "requirement": fact})
    return t


def transition_check(*, workflow: Workflow, state: str, transition_code: str,
                     roles: Iterable[str], facts: Iterable[str],
                     values: Mapping[str, Any] | None = None,
                     reason: str | None = None) -> Transition:
    """Return the transition if these roles may make it now; raise otherwise.

    Raises InvalidTransition (not from this state / unknown / case closed), PermissionDenied
    (no role of the actor may make it; the pseudo-role "customer" may make the ones marked
    customer), or ValidationError naming the missing requirement, or the missing reason when
    ``reason`` is given as "" for a transition with reason_required (pass None to skip).
    """
    t = _check(workflow=workflow, state=state, transition_code=transition_code,
               roles=set(roles), facts=set(facts), values=values)
    if t.reason_required and reason is not None and not reason.strip():
        message = gettext("Give a reason for “%(action)s”.") % {
            "action": pick_label(t.label, t.code)}
        raise ValidationError(message,
                              code=WorkflowErrorCode.REASON_REQUIRED, fields={"reason": message})
    return t


def available_transitions(*, workflow: Workflow, state: str, roles: Iterable[str],
                          facts: Iterable[str], values: Mapping[str, Any] | None = None,
                          include_forbidden: bool = False
                          ) -> list[tuple[Transition, bool, str]]:
    """The transitions out of ``state`` these roles may make, each with ok and why not.

    Transitions no role of the actor may make are left out unless include_forbidden.
    """
    roles, facts = set(roles), set(facts)
    out = []
    for t in workflow.transitions_from(state):
        if not include_forbidden and not role_may(t, roles):
            continue
        try:
            _check(workflow=workflow, state=state, transition_code=t.code, roles=roles,
                   facts=facts, values=values)
        except (ValidationError, PermissionDenied, Conflict) as exc:
            out.append((t, False, str(exc.message)))
        else:
            out.append((t, True, ""))
    return out


def queue_states_for_roles(workflows: Iterable[Workflow] | Mapping[str, Workflow],
                           roles: Iterable[str]) -> set[tuple[str, str]]:
    """(workflow key, state) pairs whose cases these roles act on — their queue (X4)."""
    roles = set(roles)
    items = workflows.values() if isinstance(workflows, Mapping) else workflows
    return {(wf.key, code) for wf in items for code, s in wf.states.items()
            if roles & set(s.roles)}
