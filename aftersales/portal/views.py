"""The customer portal (issue 4 item 6; UX.md "Customer portal"): phone first, no login.

Find the order by order number + phone (someone else's order is answered exactly like an
unknown one), open a case in three steps (items → problem and photos → the policy's options,
choose one), then follow it through a secret link: timeline, next step and due date, appeal a
rejection with new evidence, rate the closed case. Every change goes through the case services
with the customer as actor (actor=None).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.cases import services as s
from aftersales.cases.access import portal_token
from aftersales.cases.facts_form import (
    facts_form,
    facts_input,
    intake_facts_context,
    intake_facts_post,
)
from aftersales.cases.models import INTAKE_REASONS, CaseKind, StateCategory
from aftersales.cases.selectors import (
    case_get_for_portal,
    case_timeline,
    open_claims,
    order_cases_for_portal,
    order_find_for_portal,
    workflow_of,
)
from aftersales.cases.services.attachments import (
    attachment_check,
    attachment_limits,
    attachment_limits_for_business_line,
    attachments_check_count,
)
from aftersales.cases.services.common import case_document, case_facts
from aftersales.cases.services.transition import closes
from aftersales.core import panels, ratelimit
from aftersales.core.errors import ApplicationError, NotFound, ValidationError
from aftersales.core.labels import pick_label
from aftersales.logistics.services import rma_ship
from aftersales.portal import codes
from aftersales.workflow.engine import role_may
from aftersales.workflow.vocabulary import CUSTOMER

SESSION = "portal"
LOOKUP_MAX_LENGTH = 64  # longer than any order number or phone; longer input can't match
PORTAL_KINDS = [(k, v) for k, v in CaseKind.choices
                if k in (CaseKind.RETURN, CaseKind.EXCHANGE, CaseKind.REPAIR, CaseKind.REFUND_ONLY)]


def _reasons():
    return INTAKE_REASONS


def _draft(request: HttpRequest) -> dict:
    return request.session.get(SESSION) or {}


def _order_of(draft: dict):
    try:
        return order_find_for_portal(order_number=draft.get("order_number", ""),
                                     phone=draft.get("phone", ""))
    except NotFound:
        return None


def _lookup_keys(request: HttpRequest, order_number: str) -> tuple[str, str]:
    return (ratelimit.cache_key("portal-address", ratelimit.client_ip(request) or "unknown"),
            ratelimit.cache_key("portal-order", order_number.upper()))


def _lookup_limited(request: HttpRequest, order_number: str) -> bool:
    """Too many failed guesses from this address, or for this order number, lately."""
    by_address, by_order = _lookup_keys(request, order_number)
    return (ratelimit.limit_reached(by_address, settings.PORTAL_LOOKUP_FAILURES_PER_ADDRESS)
            or ratelimit.limit_reached(by_order, settings.PORTAL_LOOKUP_FAILURES_PER_ORDER))


def _lookup_failed(request: HttpRequest, order_number: str) -> None:
    for key in _lookup_keys(request, order_number):
        ratelimit.failure_count(key, settings.PORTAL_LOOKUP_WINDOW_SECONDS)


def index(request: HttpRequest) -> TemplateResponse:
    """Find the order: order number + phone. Failed guesses are limited per address and per
    order number (settings.PORTAL_LOOKUP_*): past a limit the lookup is refused with 429."""
    error, values, status = "", {"order_number": "", "phone": ""}, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:LOOKUP_MAX_LENGTH] for k in values}
        if _lookup_limited(request, values["order_number"]):
            minutes = settings.PORTAL_LOOKUP_WINDOW_SECONDS // 60
            error, status = _("Too many unsuccessful attempts. Please try again in %(minutes)d "
                              "minutes.") % {"minutes": minutes}, 429
        else:
            try:
                order = order_find_for_portal(**values)
            except NotFound as exc:
                _lookup_failed(request, values["order_number"])
                error = str(exc.message)
            else:
                if not codes.codes_required():
                    return _open_order(request, order_id=order.pk, **values)
                try:
                    codes.code_send(request.session, order=order, **values)
                except ValidationError:
                    pass  # a code sent a moment ago is still good: the code page says so
                return redirect("portal:code")
    return TemplateResponse(request, "portal/index.html", {"error": error, "values": values},
                            status=status)


def _open_order(request: HttpRequest, *, order_id: int, order_number: str,
                phone: str) -> HttpResponse:
    request.session[SESSION] = {"order_number": order_number, "phone": phone,
                                "order_id": order_id, "token": uuid.uuid4().hex}
    return redirect("portal:items")


def code(request: HttpRequest) -> HttpResponse:
    """The one-time SMS code step (where SMS is configured): type the code to open the order's
    cases, or ask for a new one (not sooner than PORTAL_CODE_RESEND_SECONDS)."""
    pending = codes.Pending.of(request.session)
    if pending is None:
        return redirect("portal:index")
    error, status = "", 200
    if request.method == "POST":
        try:
            if "resend" in request.POST:
                order = order_find_for_portal(order_number=pending.order_number,
                                              phone=pending.phone)
                codes.code_send(request.session, order=order,
                                order_number=pending.order_number, phone=pending.phone)
                return redirect("portal:code")
            found = codes.code_check(request.session, code=request.POST.get("code", ""))
            return _open_order(request, order_id=found.order_id,
                               order_number=found.order_number, phone=found.phone)
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status
    pending = codes.Pending.of(request.session)
    return TemplateResponse(request, "portal/code.html", {
        "error": error, "phone": codes.masked(pending.phone) if pending else "",
        "minutes": settings.PORTAL_CODE_TTL_SECONDS // 60}, status=status)


def items(request: HttpRequest) -> HttpResponse:
    """Step 1: which items, how many, and what the customer wants."""
    draft = _draft(request)
    order = _order_of(draft)
    if order is None:
        return redirect("portal:index")
    lines = sorted(order.lines.all(), key=lambda ln: ln.line_no)
    # Issue 10 item 1: the customer who proved order + phone sees their requests for this
    # order (to continue one) and may ask again only for what no open request claims.
    claimed = open_claims(order)
    for ln in lines:
        ln.claimable = max(ln.quantity - claimed.get(ln.pk, 0), 0)
    existing = [{"case": c, "url": _case_url(c)} for c in order_cases_for_portal(order)]
    error, chosen = "", dict(draft.get("quantities") or {})
    if request.method == "POST":
        chosen = {}
        for ln in lines:
            raw = request.POST.get(f"qty_{ln.line_no}", "0").strip() or "0"
            qty = int(raw) if raw.isdigit() else -1
            if qty < 0 or qty > ln.claimable:
                error = _("Quantity for %(name)s must be between 0 and %(n)d.") % {
                    "name": ln.name, "n": ln.claimable}
            elif qty:
                chosen[str(ln.line_no)] = qty
        kind = request.POST.get("kind", "")
        if kind not in dict(PORTAL_KINDS):
            error = error or _("Choose what you would like.")
        elif not chosen and not error:
            error = _("Choose at least one item.")
        if not error:
            request.session[SESSION] = {**draft, "kind": kind, "quantities": chosen}
            return redirect("portal:problem")
        draft = {**draft, "kind": kind}
    return TemplateResponse(request, "portal/items.html", {
        "order": order, "lines": lines, "kinds": PORTAL_KINDS, "chosen": chosen,
        "kind": draft.get("kind", CaseKind.RETURN), "error": error, "step": 1,
        "existing": existing,
        "nothing_left": not any(ln.claimable for ln in lines)})


def _check_files(files, *, limits, existing: int = 0) -> None:
    """Bad files are refused before anything is stored: more than the policy allows in one
    step or on the case, too large, or not a photo, video or PDF by their bytes."""
    attachments_check_count(limits=limits, count=len(files), existing=existing)
    for f in files:
        attachment_check(f, limits=limits)


def problem(request: HttpRequest) -> HttpResponse:
    """Step 2: the reason, a sentence, photos. Submitting opens the case (once)."""
    draft = _draft(request)
    order = _order_of(draft)
    if order is None or not draft.get("quantities"):
        return redirect("portal:index" if order is None else "portal:items")
    error, values = "", {"reason": "quality", "description": ""}
    kind = draft["kind"]
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        files = request.FILES.getlist("photos")
        # What the policy decides from, as the kind needs it (docs/case-facts.md).
        facts = facts_input(intake_facts_post(request.POST, order, kind))
        conditions = facts.conditions or {}
        try:
            _check_files(files, limits=attachment_limits_for_business_line(order.business_line))
            if not values["description"]:
                raise ValidationError(_("Tell us in a sentence what is wrong."),
                                      fields={"description": _("required")})
            case = s.case_open(
                kind=kind, channel="web_portal", actor=None, order=order,
                verify_phone=draft["phone"], reason=values["reason"],
                description=values["description"],
                lines=[{"line_no": int(n), "quantity": q, "condition": conditions.get(str(n))}
                       for n, q in sorted(draft["quantities"].items())],
                evidence=facts.evidence, exchange_for=facts.exchange_for,
                idempotency_key=f"portal:{draft['token']}")
            if getattr(case, "created", False):
                for f in files:
                    s.attachment_add(case=case, actor=None, upload=f, by_customer=True)
                case = s.case_evaluate(case=case, actor=None)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            request.session[SESSION] = {**draft, "case": case.number}
            return redirect(_case_url(case, "portal:options"))
    chosen = {int(n) for n in draft["quantities"]}
    return TemplateResponse(request, "portal/problem.html", {
        "order": order, "reasons": _reasons(), "values": values, "error": error, "step": 2,
        "chosen_lines": [ln for ln in sorted(order.lines.all(), key=lambda ln: ln.line_no)
                         if ln.line_no in chosen],
        "posted": request.POST if request.method == "POST" else {},
        **intake_facts_context(order, request.POST if request.method == "POST" else None,
                               kind=kind)})


def _case_url(case, name: str = "portal:case") -> str:
    return f"{reverse(name, kwargs={'number': case.number})}?t={portal_token(case)}"


def _case(request: HttpRequest, number: str):
    token = request.POST.get("t") or request.GET.get("t", "")
    try:
        return case_get_for_portal(number=number, token=token)
    except NotFound:
        raise Http404(_("No such case.")) from None


def options(request: HttpRequest, number: str) -> HttpResponse:
    """Step 3: the options the policy offers, with amounts and who pays shipping; accept one."""
    case = _case(request, number)
    error, status = "", 200
    if request.method == "POST" and request.POST.get("facts"):
        # The customer adds what the policy asks for (a doctor's certificate, the item's
        # condition, other goods): the case is evaluated again and the options follow.
        try:
            s.case_act(case=case, actor=None, action="facts",
                       data=facts_input(request.POST), expected_version=None)
        except ApplicationError as exc:
            error, status = str(exc.message), 422  # nothing stored
        else:
            return redirect(_case_url(case, "portal:options"))
    elif request.method == "POST":
        try:
            raw = request.POST.get("option", "")
            s.case_accept_option(case=case, actor=None, option=int(raw) if raw.isdigit() else -1)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            return redirect(_case_url(case) + "&next=1")
    case.refresh_from_db()
    lines = list(case.lines.select_related("order_line__product__category"))
    return TemplateResponse(request, "portal/options.html", {
        "case": case, "t": portal_token(case), "options": (case.decision or {}).get("options")
        or [], "reasons": (case.decision or {}).get("reasons") or [], "error": error,
        "step": 3, "facts_form": facts_form(case, lines)}, status=status)


def _customer_can(case, code: str) -> bool:
    wf = workflow_of(case)
    if wf is None:
        return False
    return any(t.code == code and role_may(t, {CUSTOMER}) for t in wf.transitions_from(case.state))


def case_page(request: HttpRequest, number: str) -> TemplateResponse:
    """Tracking: next step and due date at the top, the vertical timeline below."""
    return _render_case(request, _case(request, number), error="")


def _render_case(request: HttpRequest, case, *, error: str, status: int = 200):
    wf = workflow_of(case)
    state = wf.states.get(case.state) if wf else None
    events = list(case_timeline(case, customer_view=True).order_by("-at", "-pk"))
    return TemplateResponse(request, "portal/case.html", {
        "case": case, "t": portal_token(case), "events": events,
        "state_label": pick_label(state.label, case.state) if state else case.state,
        "waiting_for_customer": case.state_category == StateCategory.WAITING_CUSTOMER,
        "can_choose": bool((case.decision or {}).get("options")) and not case.agreed_option
        and not case.is_closed,
        "can_appeal": _customer_can(case, "appeal"),
        "actions": _customer_actions(case),
        "can_rate": case.is_closed and case.rated_at is None,
        "show_next": request.GET.get("next") == "1" or bool(case.agreed_option),
        "error": error, "rated": request.GET.get("rated") == "1",
        # The return authorization, the refund, the quote … (aftersales.core.panels).
        "panels": panels.render_for("portal_case", request=request, case=case,
                                    token=portal_token(case)),
        "lines": list(case.lines.all()), "labels": {c: pick_label(st.label, c)
                                                    for c, st in (wf.states.items() if wf
                                                                  else [])},
    }, status=status)


# Steps with their own form on the page (options, appeal, rating) or needing staff input first.
OWN_FORMS = {"accept_option", "appeal", "rate"}
# Facts the customer gives with their own step (S5.4: the return's tracking number).
CUSTOMER_FACTS = {"tracking_number"}


def _customer_actions(case) -> list[dict]:
    """Other steps the workflow lets the customer take now (withdraw, decline, ask again)."""
    if case.is_closed:
        return []
    facts = case_facts(case)
    out = []
    wf = workflow_of(case)
    for t, ok, _why in s.case_available_transitions(case=case, actor=None):
        if t.code in OWN_FORMS or t.follows:  # made by the choice of an option itself
            continue
        if "refund_paid" in facts and closes(wf, t.code):
            continue  # the refund's own "I have received it" confirms and closes (S7.2)
        missing = set(t.requires) - facts
        if ok or (missing and missing <= CUSTOMER_FACTS):
            out.append({"code": t.code, "label": pick_label(t.label, t.code),
                        "reason": t.reason_required, "needs": sorted(missing)})
    return out


@require_POST
def act(request: HttpRequest, number: str) -> HttpResponse:
    """One of the customer's other steps (withdraw with a reason, decline the options…)."""
    case = _case(request, number)
    code = request.POST.get("transition", "")
    if code not in {a["code"] for a in _customer_actions(case)}:
        return _page_with_error(request, case, _("This step is not possible now."))
    needs = next(a["needs"] for a in _customer_actions(case) if a["code"] == code)
    try:
        if "tracking_number" in needs:
            # The parcel is the return authorization's record (aftersales.logistics): it sets
            # tracking_number and the customer's ship-back step follows.
            rma = case.rmas.order_by("-trip").first()
            if rma is None:
                raise ValidationError(_("We have not sent you the return address yet."),
                                      fields={"tracking_no": _("no return authorization")})
            rma_ship(rma=rma, actor=None, courier=request.POST.get("courier", ""),
                     tracking_number=request.POST.get("tracking_no", ""))
            return redirect(_case_url(case))
        s.case_transition(case=case, actor=None, transition=code,
                          reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        return _page_with_error(request, case, str(exc.message))
    return redirect(_case_url(case))


@require_POST
def appeal(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    files = request.FILES.getlist("files")
    try:
        _check_files(files, limits=attachment_limits(case_document(case)),
                     existing=case.attachments.count())
        s.case_appeal(case=case, actor=None, statement=request.POST.get("statement", ""),
                      uploads=files)
    except ApplicationError as exc:
        return _page_with_error(request, case, str(exc.message))
    return redirect(_case_url(case))


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    try:
        s.case_act(case=case, actor=None, action="transition",
                   data=s.ActInput(transition="rate", score=request.POST.get("score", ""),
                                   note=request.POST.get("comment", "")))
    except ApplicationError as exc:
        return _page_with_error(request, case, str(exc.message))
    return redirect(_case_url(case) + "&rated=1")


def _page_with_error(request: HttpRequest, case, message: str) -> TemplateResponse:
    return _render_case(request, case, error=message, status=422)
