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

from aftersales.accounts.roles import SUPERVISOR_ROLES
from aftersales.cases import services as s
from aftersales.cases.models import AdjustmentStatus, Fine
from aftersales.cases.selectors import (
    assignable_users,
    case_get_for_user,
    case_timeline,
    may_work,
    workflow_of,
)
from aftersales.cases.services.agreement import EVALUABLE
from aftersales.cases.services.common import actor_roles, case_facts
from aftersales.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationError
from aftersales.core.labels import pick_label as label
from aftersales.workflow.engine import role_may
from aftersales.workflow.errors import WorkflowErrorCode
from aftersales.workflow.vocabulary import Requirement

# Facts a person records by hand; the others follow from what the case holds (common.case_facts)
# or are set by a transition.
AUTOMATIC_FACTS = {"verified_order", "purchase_proof", "problem_confirmed", "policy_decision",
                   "option_accepted", "within_authority", "rating", "key_account",
                   "new_evidence", "finance_approval", "large_lot"}
# What a recorded fact may carry: the return's tracking number (S5.4), the numbered quality
# exception report (S3.2), quality's responsibility judgment (S2.5).
FACT_DATA = ("tracking_no", "report_no", "responsibility")
RESPONSIBILITIES = ("company", "customer", "supplier", "factory", "carrier")
# Transitions that have their own service (their own event and message).
NAMED = {"reject": "reject", "close": "close", "close_rejected": "close", "appeal": "appeal",
         "rate": "rate"}


def workplace_context(request: HttpRequest, case, *, error: str = "", fields=None,
                      action: str = "") -> dict:
    user = request.user
    wf = workflow_of(case)
    works = may_work(case, user)
    facts = case_facts(case)
    roles = actor_roles(user)
    transitions = []
    recordable: dict[str, str] = {}
    for t, ok, why in s.case_available_transitions(case=case, actor=user):
        transitions.append({"code": t.code, "label": label(t.label, t.code), "ok": ok,
                            "why": why, "reason_required": t.reason_required,
                            "kind": NAMED.get(t.code, "accept" if t.code == "accept_option"
                                              else "transition"), "rule": t.rule})
        if role_may(t, roles):
            for req in t.requires:
                if req not in facts and req not in AUTOMATIC_FACTS and req in Requirement.values:
                    recordable[req] = str(Requirement(req).label)
    decision = case.decision or {}
    is_supervisor = bool(roles & SUPERVISOR_ROLES) or user.is_superuser
    return {
        "case": case, "workflow": wf, "works": works, "is_supervisor": is_supervisor,
        "timeline": list(case_timeline(case)),
        "transitions": transitions, "recordable": sorted(recordable.items()),
        "decision": decision, "options": decision.get("options") or [],
        "reasons": decision.get("reasons") or [],
        "can_verify": works and case.verified_at is None,
        "can_confirm": works and case.problem_confirmed_at is None and case.verified_at,
        "can_evaluate": works and case.kind in EVALUABLE and case.verified_at is not None
        and case.order_id is not None,
        "can_accept": works and bool(decision.get("options")) and not case.agreed_option,
        "can_adjust": works and case.kind in EVALUABLE,
        "can_approve": case.adjustment_status == AdjustmentStatus.PENDING and is_supervisor,
        "can_assign": (works or is_supervisor) and not case.is_closed,
        "can_attach": works or (not case.is_closed and is_supervisor),
        "assignees": assignable_users(case) if not case.is_closed else [],
        "fines": list(case.fines.select_related("person", "waived_by")),
        "attachments": list(case.attachments.all()),
        "lines": list(case.lines.all()),
        "error": error, "error_fields": fields or {}, "action": action,
        "responsibilities": RESPONSIBILITIES,
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


def _int(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Not a number."), fields={field: _("not a number")}) from None


def _order(number: str):
    from aftersales.sales.models import Order

    return Order.objects.select_related("customer").filter(number=(number or "").strip()).first()


def _act(request: HttpRequest, case, action: str, version: int | None):
    """Run one action through its service. Role checks beyond the workflow's: the actions that
    are not transitions are for the roles working on the case's state now (X4)."""
    p, user = request.POST, request.user
    kw = {"case": case, "actor": user, "expected_version": version}
    needs_work = {"verify", "confirm", "evaluate", "accept", "adjust", "attach", "fact"}
    if action in needs_work and not may_work(case, user):
        if not (action == "attach" and user.role_codes & SUPERVISOR_ROLES):
            raise PermissionDenied(_("Your role does not act on this case now."),
                                   code=WorkflowErrorCode.ROLE_NOT_ALLOWED)
    if action == "transition":
        code = p.get("transition", "")
        reason, note = p.get("reason", "").strip(), p.get("note", "").strip()
        kind = NAMED.get(code)
        wf = workflow_of(case)
        t = wf.transition(code) if wf else None
        if kind is None and t is not None and code != "withdraw" and t.target in wf.states \
                and wf.states[t.target].is_closed:
            kind = "close"  # every closing step writes the "closed" event and tells the customer
        if kind == "reject":
            return s.case_reject(reason=reason, **kw)
        if kind == "close":
            return s.case_close(note=note or reason, transition=code, **kw)
        if kind == "appeal":
            return s.case_appeal(statement=reason or note, uploads=request.FILES.getlist("files"),
                                 **kw)
        if kind == "rate":
            return s.case_rate(score=_int(p.get("score"), "score"), comment=note, **kw)
        if code == "accept_option" and p.get("option", "") != "":
            return s.case_accept_option(option=_int(p.get("option"), "option"), **kw)
        return s.case_transition(transition=code, reason=reason, note=note, **kw)
    if action == "verify":
        return s.case_verify(order=_order(p.get("order_number", "")), phone=p.get("phone", ""),
                             **kw)
    if action == "confirm":
        qty = p.get("quantity_affected", "").strip()
        return s.case_confirm_problem(
            symptom=p.get("symptom", ""), description=p.get("description", ""),
            defect_category=p.get("defect_category", ""),
            quantity_affected=_int(qty, "quantity_affected") if qty else None, **kw)
    if action == "evaluate":
        return s.case_evaluate(**kw)
    if action == "accept":
        return s.case_accept_option(option=_int(p.get("option"), "option"), **kw)
    if action == "adjust":
        return s.case_adjust(amount=p.get("amount", ""), note=p.get("note", ""), **kw)
    if action == "approve":
        return s.case_approve_adjustment(approve=p.get("approve") == "1", note=p.get("note", ""),
                                         **kw)
    if action == "assign":
        if p.get("round_robin"):
            return s.case_assign_round_robin(**kw)
        raw = p.get("assignee", "")
        assignee = get_user_model().objects.filter(pk=_int(raw, "assignee")).first() \
            if raw else None
        if raw and assignee is None:
            raise ValidationError(_("No such person."), fields={"assignee": _("unknown")})
        if not (may_work(case, user) or user.role_codes & SUPERVISOR_ROLES
                or user.is_superuser):
            raise PermissionDenied(_("Your role does not act on this case now."))
        return s.case_assign(assignee=assignee, **kw)
    if action == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError(_("Choose a file."), fields={"file": _("required")})
        s.attachment_add(upload=upload, **kw)
        return case
    if action == "fact":
        data = {k: p[k].strip() for k in FACT_DATA if p.get(k, "").strip()} or None
        return s.case_record_fact(fact=p.get("fact", ""), note=p.get("note", ""), data=data,
                                  **kw)
    if action == "waive":
        fine = Fine.objects.filter(case=case, pk=_int(p.get("fine"), "fine")).first()
        if fine is None:
            raise NotFound(_("No such fine."))
        return s.fine_waive(fine=fine, actor=user, reason=p.get("reason", ""))
    raise NotFound(_("Unknown action."))


@login_required
@require_POST
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = get_case(request, number)
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isdigit() else None
    try:
        _act(request, case, action, version)
    except ApplicationError as exc:
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
    fresh = case_get_for_user(user=request.user, number=number)
    if not request.htmx:
        messages.success(request, _("Done."))
        return redirect("cases:detail", number=fresh.number)
    response = _render(request, fresh)
    response["X-Action-Status"] = "200"
    return response
