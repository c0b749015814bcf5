"""One entry for every action on a case: the case page, the API, the portal and the command
line call ``case_act`` with the same inputs and so run the same service, which checks the
actor and writes the same event and customer messages wherever the action was started.

Actions: ``transition`` (with the transition's code; the named steps among them have their
own service: reject, appeal, rate, accept_option with an option, and every transition into
a closed state is a closing), ``verify``, ``confirm`` and ``fact`` (each also makes the
step that waited for it), ``evaluate``, ``accept``, ``adjust``,
``approve``, ``assign``, ``attach``, ``fact`` (a decided fact — in warranty, warranty card —
only with a reason), ``facts`` (condition, evidence, goods in exchange: evaluated again),
``waive``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.cases.models import Case, Fine
from aftersales.cases.services.agreement import (
    case_accept_option,
    case_adjust,
    case_approve_adjustment,
    case_evaluate,
    case_record_fact,
)
from aftersales.cases.services.assignment import case_assign, case_assign_round_robin
from aftersales.cases.services.attachments import attachment_add
from aftersales.cases.services.common import case_workflow
from aftersales.cases.services.facts import case_update_facts
from aftersales.cases.services.intake import case_confirm_problem, case_verify
from aftersales.cases.services.records import case_advance
from aftersales.cases.services.sla import fine_waive
from aftersales.cases.services.transition import (
    case_appeal,
    case_rate,
    case_transition,
    closes,
)
from aftersales.core.errors import NotFound, ValidationError
from aftersales.workflow.vocabulary import Requirement

ACTIONS = ("transition", "verify", "confirm", "evaluate", "accept", "adjust", "approve",
           "assign", "attach", "fact", "facts", "waive")


@dataclass(frozen=True)
class ActInput:
    """What an action may carry; each action reads its own fields."""

    transition: str = ""
    reason: str = ""
    note: str = ""
    option: int | None = None  # accept / accept_option: which option
    score: Any = None  # rate
    channel: str | None = None  # rate by staff: "phone"
    uploads: tuple = ()  # appeal: new evidence files
    upload: Any = None  # attach: one file
    order: Any = None  # verify: the order named by the caller
    phone: str = ""  # verify
    symptom: str = ""  # confirm
    description: str = ""
    defect_category: str = ""
    quantity_affected: int | None = None
    amount: Any = None  # adjust
    approve: bool = True  # approve: or refuse
    assignee: Any = None  # assign: the user, or None back to the queue
    round_robin: bool = False
    fact: str = ""  # fact
    fact_data: dict[str, Any] | None = field(default=None)
    value: bool = True  # fact: the answer (a decided fact may be overridden either way)
    conditions: dict[Any, Any] | None = None  # facts: CaseLine pk → the line's condition
    evidence: list[str] | None = None  # facts: the evidence kinds held
    exchange_for: list[dict] | None = None  # facts: [{"sku", "quantity"}] of the catalogue
    fine: Any = None  # waive: the fine's id


def transition_kind(case: Case, code: str, *, option: int | None = None) -> str:
    """Which service a transition goes through: reject, appeal, rate, accept (an option
    chosen), close (into a closed state) or the plain transition."""
    if code in ("reject", "appeal", "rate"):
        return code
    if code == "accept_option" and option is not None:
        return "accept"
    return "close" if closes(case_workflow(case), code) else "transition"


def _transition(case: Case, actor, data: ActInput, version: int | None):
    kw = {"case": case, "actor": actor, "expected_version": version}
    kind = transition_kind(case, data.transition, option=data.option)
    if kind == "appeal":
        return case_appeal(statement=data.reason or data.note, uploads=list(data.uploads),
                           **kw)
    if kind == "rate":
        return case_rate(score=data.score, comment=data.note, channel=data.channel, **kw)
    if kind == "accept":
        return case_accept_option(option=data.option, **kw)
    # reject, close and the plain transitions: case_transition gives each its own trace
    return case_transition(transition=data.transition, reason=data.reason, note=data.note,
                           **kw)


def _assign(case: Case, actor, data: ActInput, version: int | None):
    if data.round_robin:
        return case_assign_round_robin(case=case, actor=actor, expected_version=version)
    return case_assign(case=case, actor=actor, assignee=data.assignee, expected_version=version)


def _attach(case: Case, actor, data: ActInput, version: int | None):
    if data.upload is None:
        raise ValidationError(_("Choose a file."), fields={"file": _("required")})
    return attachment_add(case=case, actor=actor, upload=data.upload, expected_version=version)


def _waive(case: Case, actor, data: ActInput, version: int | None):
    fine = Fine.objects.filter(case=case, pk=data.fine).first() if data.fine else None
    if fine is None:
        raise NotFound(_("No such fine."))
    return fine_waive(fine=fine, actor=actor, reason=data.reason)


@transaction.atomic
def _verify(case: Case, actor, data: ActInput, version: int | None):
    """Verify the order and caller, and make the step that waited for it (one action: issue
    10, the agent doesn't press "verify" twice)."""
    case = case_verify(case=case, actor=actor, order=data.order, phone=data.phone,
                       expected_version=version)
    return case_advance(case=case, actor=actor, fact=Requirement.VERIFIED_ORDER)


@transaction.atomic
def _confirm(case: Case, actor, data: ActInput, version: int | None):
    """Record the problem (S1.3) and make the step that waited for it: "problem confirmed",
    or "agreed" straight away when the customer already accepted an option on the portal."""
    case = case_confirm_problem(
        case=case, actor=actor, symptom=data.symptom, description=data.description,
        defect_category=data.defect_category, quantity_affected=data.quantity_affected,
        expected_version=version)
    return case_advance(case=case, actor=actor, fact=Requirement.PROBLEM_CONFIRMED)


@transaction.atomic
def _fact(case: Case, actor, data: ActInput, version: int | None):
    """Record a fact by hand (a judgment, a review, a form's number) and make the step that
    waited for it, when the answer is yes and nothing else is missing."""
    case = case_record_fact(case=case, actor=actor, fact=data.fact, value=data.value,
                            note=data.note, data=data.fact_data, expected_version=version)
    if data.value and data.fact:
        case = case_advance(case=case, actor=actor, fact=data.fact)
    return case


_HANDLERS = {
    "transition": _transition,
    "verify": _verify,
    "confirm": _confirm,
    "evaluate": lambda case, actor, d, v: case_evaluate(case=case, actor=actor,
                                                        expected_version=v),
    "accept": lambda case, actor, d, v: case_accept_option(
        case=case, actor=actor, option=d.option if d.option is not None else -1,
        expected_version=v),
    "adjust": lambda case, actor, d, v: case_adjust(case=case, actor=actor, amount=d.amount,
                                                    note=d.note, expected_version=v),
    "approve": lambda case, actor, d, v: case_approve_adjustment(
        case=case, actor=actor, approve=d.approve, note=d.note, expected_version=v),
    "assign": _assign,
    "attach": _attach,
    "fact": _fact,
    "facts": lambda case, actor, d, v: case_update_facts(
        case=case, actor=actor, conditions=d.conditions, evidence=d.evidence,
        exchange_for=d.exchange_for, expected_version=v),
    "waive": _waive,
}


def case_act(*, case: Case, actor, action: str, data: ActInput | None = None,
             expected_version: int | None = None):
    """Run one action on the case through its service (which checks the actor). Returns what
    the service returns (the case; the attachment for ``attach``; the fine for ``waive``)."""
    handler = _HANDLERS.get(action)
    if handler is None:
        raise NotFound(_("Unknown action."))
    return handler(case, actor, data or ActInput(), expected_version)
