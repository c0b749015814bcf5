"""The case page — the workplace (UX.md): header, decision, allowed actions, timeline,
attachments, fines. Every action posts to ``act`` with the version the form was drawn from; the
answer (htmx) is the ``workplace`` partial, so header, buttons and timeline refresh together.
A stale form is answered "this case was changed by X at T" and changes nothing (issue 4 item 7).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.cases.facts_form import facts_context, facts_input
from aftersales.cases.models import AdjustmentStatus
from aftersales.cases.selectors import (
    assignable_users,
    case_get_for_user,
    case_timeline,
    is_supervisor,
    may_assign,
    may_attach,
    may_see_contact,
    may_work,
    workflow_of,
)
from aftersales.cases.services import act as actions
from aftersales.cases.services.act import ACTIONS, ActInput, transition_kind
from aftersales.cases.services.agreement import EVALUABLE
from aftersales.cases.services.common import (
    actor_roles,
    agreed_resolution,
    case_facts,
    case_values,
)
from aftersales.cases.services.contact import case_contact_masked, case_contact_reveal
from aftersales.cases.services.transition import ACCEPTED, case_available_transitions
from aftersales.core import panels
from aftersales.core.errors import ApplicationError, NotFound, ValidationError
from aftersales.core.labels import pick_label as label
from aftersales.sales.models import Order
from aftersales.workflow.engine import role_may
from aftersales.workflow.vocabulary import RECORD_FACTS, Requirement

# Facts a person records by hand; the others follow from what the case holds (common.case_facts)
# or are set by a transition.
AUTOMATIC_FACTS = {"verified_order", "purchase_proof", "problem_confirmed", "policy_decision",
                   "option_accepted", "within_authority", "rating", "key_account",
                   "new_evidence", "large_lot"}
# What a recorded fact may carry: the return's tracking number (S5.4). The quality exception
# report (S3.2) and quality's responsibility judgment (S2.5) are records of the quality app.
FACT_DATA = ("tracking_no",)


def _transitions(case, user, tools: dict[str, str]
                 ) -> tuple[list[dict], dict[str, str], str]:
    """The transitions to show (with the form each needs), the facts the user may record for
    them, and the tool (``verify``, ``confirm``, ``fact-<code>``) that is the expected next
    step, if any.

    ``tools`` maps a fact to the tool action on the page that records it and makes the step
    waiting for it (services.act); a fact recorded by hand works the same way. Such a step is
    not shown beside its tool as a disabled twin. A step the case's facts rule out
    (``forbids``: routing) is not shown at all."""
    facts, roles = case_facts(case), actor_roles(user)
    workflow = workflow_of(case)
    have = facts | (workflow.derive_facts(case_values(case)) if workflow else set())
    resolution = agreed_resolution(case)
    transitions, recordable, next_tool = [], {}, ""
    options = list(enumerate((case.decision or {}).get("options") or []))
    accepting = []  # steps the customer's acceptance makes (member store: one per solution)
    for t, ok, why in case_available_transitions(case=case, actor=user):
        if t.follows == ACCEPTED and not case.agreed_option:
            if role_may(t, roles):  # made by recording the customer's choice (one button)
                accepting.append(t)
            continue
        if t.follows and t.follows != ACCEPTED:  # made by its decision's own button
            continue  # (approve/refuse the adjustment, the outgoing inspection record)
        # a choice accepted earlier whose step was not made (a supervisor reopened the case
        # on appeal): the step shows as its own button, for the agreed solution only
        if not t.fits(resolution):  # serves another solution than the agreed one
            continue
        if any(f in have for f in t.forbids):  # not this case's path
            continue
        missing = set(t.requires) - have
        mine = role_may(t, roles)
        # facts this user records by hand for it ("Record: X"); recording one makes the step
        # when nothing else is missing (services.act), like the tools above
        manual = {m for m in missing if m not in AUTOMATIC_FACTS and m not in RECORD_FACTS
                  and m in Requirement.values} if mine else set()
        for req in manual:
            recordable[req] = str(Requirement(req).label)
        if (not ok and missing and mine and not t.reason_required
                and all(m in tools or m in manual for m in missing)):
            first = sorted(missing)[0]
            next_tool = next_tool or tools.get(first) or f"fact-{first}"
            continue
        kind = transition_kind(case, t.code, option=0 if t.code == "accept_option" else None)
        transitions.append({"code": t.code, "label": label(t.label, t.code), "ok": ok,
                            "why": why, "reason_required": t.reason_required, "kind": kind,
                            "rule": t.rule, "exit": kind == "reject" or t.reason_required,
                            "primary": False, "choices": options})
    if accepting:  # after the forward steps (offer the options first), before the exits
        at = next((i for i, t in enumerate(transitions) if t["exit"]), len(transitions))
        transitions.insert(at, _acceptance(accepting, options))
    # Issue 10 item 3: one expected next step stands out — the first that can be made now and
    # moves the case forward (not a rejection, a withdrawal or another step that needs a
    # reason to leave the usual path); the others are quieter.
    forward = next((t for t in transitions if t["ok"] and not t["exit"]), None)
    if forward is not None:
        forward["primary"] = True
    return transitions, recordable, "" if forward is not None else next_tool


def _acceptance(steps: list, options: list[tuple[int, dict]]) -> dict:
    """One "the customer accepts" action for the steps an acceptance makes (``follows:
    option_accepted``), offering the options that one of them serves."""
    choices = [(i, o) for i, o in options
               if any(t.resolutions and o.get("resolution") in t.resolutions for t in steps)]
    why = "" if choices else (_("Evaluate the policy first: there is no option to accept.")
                              if not options else
                              _("None of the options offered has a step in this workflow."))
    return {"code": "accept_option", "label": _("Record the customer's choice"),
            "ok": bool(choices), "why": why, "reason_required": False, "kind": "accept",
            "rule": "S1.5", "exit": False, "primary": False, "choices": choices}


def workplace_context(request: HttpRequest, case, *, error: str = "", fields=None,
                      action: str = "", contact=None) -> dict:
    user = request.user
    works = may_work(case, user)
    can_verify = works and case.verified_at is None
    can_confirm = bool(works and case.problem_confirmed_at is None and case.verified_at)
    tools = {**({Requirement.VERIFIED_ORDER: "verify"} if can_verify else {}),
             **({Requirement.PROBLEM_CONFIRMED: "confirm"} if can_confirm else {})}
    transitions, recordable, next_tool = _transitions(case, user, tools)
    decision = case.decision or {}
    supervisor = is_supervisor(user)
    lines = list(case.lines.select_related("order_line__product__category"))
    return {
        "case": case, "workflow": workflow_of(case), "works": works,
        "is_supervisor": supervisor,
        "timeline": list(case_timeline(case)),
        "transitions": transitions, "recordable": sorted(recordable.items()),
        "decision": decision, "options": decision.get("options") or [],
        "reasons": decision.get("reasons") or [],
        "can_verify": can_verify, "can_confirm": can_confirm, "next_tool": next_tool,
        "can_evaluate": works and case.kind in EVALUABLE and case.verified_at is not None
        and case.order_id is not None,
        "can_accept": works and bool(decision.get("options")) and not case.agreed_option,
        "can_adjust": works and case.kind in EVALUABLE,
        "can_approve": case.adjustment_status == AdjustmentStatus.PENDING and supervisor,
        "can_assign": may_assign(case, user),
        "can_attach": may_attach(case, user),
        "assignees": assignable_users(case) if not case.is_closed else [],
        # Masked unless this request revealed them (services.contact records each reveal).
        "contact": contact or case_contact_masked(case), "contact_revealed": contact is not None,
        "can_reveal": may_see_contact(case, user) and contact is None,
        "fines": list(case.fines.select_related("person", "waived_by")),
        "attachments": list(case.attachments.all()),
        "lines": lines,
        **facts_context(case, lines),
        "error": error, "error_fields": fields or {}, "action": action,
        # The records of the apps above cases: return authorization, receipt, inspection,
        # refund, charges (aftersales.core.panels, slot "case").
        "panels": panels.render_for("case", request=request, case=case, user=user),
    }


def _render(request: HttpRequest, case, *, status: int = 200, **kw) -> TemplateResponse:
    template = "cases/detail.html#workplace" if request.htmx else "cases/detail.html"
    return TemplateResponse(request, template, workplace_context(request, case, **kw),
                            status=status)


def get_case(request: HttpRequest, number: str):
    """The case for this user; missing and not-yours are both a 404 page."""
    try:
        return case_get_for_user(user=request.user, number=number)
    except NotFound:
        raise Http404(_("No such case.")) from None


@login_required
def case_detail(request: HttpRequest, number: str) -> TemplateResponse:
    case = get_case(request, number)
    return _render(request, case)


@login_required
def attachment_file(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A case's file for staff who may see the case (files are never public URLs)."""
    case = get_case(request, number)
    att = case.attachments.filter(pk=pk).first()
    if att is None:
        raise Http404(_("No such file."))
    return FileResponse(att.file.open("rb"), content_type=att.content_type,
                        filename=att.original_name, as_attachment=att.kind == "document")


# ------------------------------------------------------------------ the form → ActInput
def _int(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Not a number."), fields={field: _("not a number")}) from None


def _optional_int(value, field: str) -> int | None:
    value = (value or "").strip()
    return _int(value, field) if value else None


def _text(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "").strip()


def _transition_input(request: HttpRequest) -> ActInput:
    p = request.POST
    return ActInput(transition=p.get("transition", ""), reason=_text(request, "reason"),
                    note=_text(request, "note"), option=_optional_int(p.get("option"), "option"),
                    score=_optional_int(p.get("score"), "score"),
                    channel=p.get("channel") or None,
                    uploads=tuple(request.FILES.getlist("files")))


def _verify_input(request: HttpRequest) -> ActInput:
    number = _text(request, "order_number")
    order = Order.objects.select_related("customer").filter(number=number).first()
    return ActInput(order=order, phone=request.POST.get("phone", ""))


def _confirm_input(request: HttpRequest) -> ActInput:
    p = request.POST
    return ActInput(symptom=p.get("symptom", ""), description=p.get("description", ""),
                    defect_category=p.get("defect_category", ""),
                    quantity_affected=_optional_int(p.get("quantity_affected"),
                                                    "quantity_affected"))


def _assign_input(request: HttpRequest) -> ActInput:
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw:
        assignee = get_user_model().objects.filter(pk=_int(raw, "assignee")).first()
        if assignee is None:
            raise ValidationError(_("No such person."), fields={"assignee": _("unknown")})
    return ActInput(assignee=assignee, round_robin=bool(request.POST.get("round_robin")))


def _fact_input(request: HttpRequest) -> ActInput:
    data = {k: _text(request, k) for k in FACT_DATA if _text(request, k)} or None
    return ActInput(fact=request.POST.get("fact", ""), note=request.POST.get("note", ""),
                    fact_data=data, value=_fact_value(request))


def _fact_value(request: HttpRequest) -> bool:
    return request.POST.get("value", "1") != "0"


INPUTS = {
    "transition": _transition_input,
    "verify": _verify_input,
    "confirm": _confirm_input,
    "accept": lambda r: ActInput(option=_int(r.POST.get("option"), "option")),
    "adjust": lambda r: ActInput(amount=r.POST.get("amount", ""), note=r.POST.get("note", "")),
    "approve": lambda r: ActInput(approve=r.POST.get("approve") == "1",
                                  note=r.POST.get("note", "")),
    "assign": _assign_input,
    "attach": lambda r: ActInput(upload=r.FILES.get("file")),
    "fact": _fact_input,
    "facts": lambda r: facts_input(r.POST),
    "waive": lambda r: ActInput(fine=_int(r.POST.get("fine"), "fine"),
                                reason=r.POST.get("reason", "")),
}


def _act(request: HttpRequest, case, action: str, version: int | None):
    """Read the form into the action's input and run it through services.act.case_act, the
    same entry the API uses (which checks the actor)."""
    if action not in ACTIONS:
        raise NotFound(_("Unknown action."))
    data = INPUTS[action](request) if action in INPUTS else ActInput()
    return actions.case_act(case=case, actor=request.user, action=action, data=data,
                            expected_version=version)


def _failed(request: HttpRequest, number: str, action: str, exc: ApplicationError):
    fresh = case_get_for_user(user=request.user, number=number)
    if not request.htmx:
        messages.error(request, str(exc.message))
        if exc.status == 403:
            return HttpResponse(str(exc.message), status=403)
        return redirect("cases:detail", number=fresh.number)
    # htmx swaps 2xx answers only: the error is shown inside the refreshed workplace,
    # the status stays visible to tests and tools through a header.
    response = _render(request, fresh, error=str(exc.message), fields=exc.fields,
                       action=action, status=403 if exc.status == 403 else 200)
    response["X-Action-Status"] = str(exc.status)
    return response


@login_required
@require_POST
def case_contact(request: HttpRequest, number: str) -> HttpResponse:
    """Show the customer's full phone number and address (one recorded reveal per click)."""
    case = get_case(request, number)
    try:
        contact = case_contact_reveal(case=case, actor=request.user)
    except ApplicationError as exc:
        return _failed(request, number, "contact", exc)
    response = _render(request, case, contact=contact)
    response["X-Action-Status"] = "200"
    return response


@login_required
@require_POST
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = get_case(request, number)
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isdigit() else None
    try:
        _act(request, case, action, version)
    except ApplicationError as exc:
        return _failed(request, number, action, exc)
    fresh = case_get_for_user(user=request.user, number=number)
    if not request.htmx:
        messages.success(request, _("Done."))
        return redirect("cases:detail", number=fresh.number)
    response = _render(request, fresh)
    response["X-Action-Status"] = "200"
    return response
