"""REST: /api/v1/cases (issue 4 item 8). Each route is parse → service/selector → schema, and
declares every error it can answer so the OpenAPI document lists them.

Auth (aftersales.api): a staff session (browser; unsafe methods need the CSRF token), or for
machine clients an API key in the ``X-API-Key`` header. Intake retried with the same
``Idempotency-Key`` header returns the case created the first time (200 instead of 201).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from aftersales.cases import services as s
from aftersales.cases.errors import CaseErrorCode
from aftersales.cases.history import decided_facts, unit_history
from aftersales.cases.models import Case, CaseChannel, CaseKind, CaseLine, Priority
from aftersales.cases.selectors import case_get_for_user, case_timeline, cases_for_list, state_label
from aftersales.cases.services.act import ActInput, case_act
from aftersales.cases.services.contact import case_contact_reveal
from aftersales.core.api import ErrorOut
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import NotFound
from aftersales.core.labels import pick_label as label
from aftersales.core.pii import mask_phone
from aftersales.policy.engine.request import CONDITION_KEYS, EVIDENCE, REASONS
from aftersales.policy.order_data import OrderData, order_data_from, order_graph
from aftersales.sales.models import Order
from aftersales.sales.selectors import orders_visible_to

router = Router(tags=["cases"])  # the API's auth: an API key or a staff session

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

# The stored key is "api:<user id>:<key>" in Case.idempotency_key (100 characters).
IDEMPOTENCY_KEY_MAX = 80


# ----------------------------------------------------------------------------- schemas
def _rule(default: Any = ..., *, enum: list[str | None] | None = None, model=Case,
          name: str | None = None, description: str | None = None) -> Any:
    """A body field's rule for the OpenAPI document: its codes, or its model field's length.
    The intake service checks them (with messages in the user's language), not the parser."""
    extra: dict[str, Any] = {}
    if enum is not None:
        extra["enum"] = enum
    if name is not None:
        extra["maxLength"] = model._meta.get_field(name).max_length
    return Field(default, description=description, json_schema_extra=extra)


CONDITION_DOC = ("the item's condition, each check yes or no: " + ", ".join(CONDITION_KEYS)
                 + " (docs/case-facts.md)")


class LineIn(Schema):
    line_no: int
    quantity: int = _rule(..., description="1 … bought minus what other open cases claim")
    serial: str = _rule("", model=CaseLine, name="serial")
    condition: dict[str, Any] = Field({}, description=CONDITION_DOC)


class ExchangeIn(Schema):
    """Goods wanted in exchange: a catalogue SKU; its price and points are the catalogue's."""

    sku: str
    quantity: int = 1


EVIDENCE_FIELD = Field(None, description="evidence held, of: " + ", ".join(EVIDENCE),
                       json_schema_extra={"items": {"enum": list(EVIDENCE)}})


class CaseIn(Schema):
    kind: str = _rule(..., enum=CaseKind.values)
    channel: str = _rule(CaseChannel.API, enum=CaseChannel.values)
    order_number: str | None = None
    # The buyer's/receiver's phone: verifies the order (S1.2).
    phone: str | None = _rule(None, description="a mainland mobile or landline number")
    # Enquiries without an order; an order's case takes the order's.
    business_line: str | None = _rule(None, enum=[*BusinessLine.values, None])
    lines: list[LineIn] = []  # a return or exchange names at least one
    reason: str = _rule("", enum=["", *REASONS])
    symptom: str = _rule("", name="symptom")
    description: str = ""
    priority: str = _rule(Priority.NORMAL, enum=Priority.values)
    contact_name: str = _rule("", name="contact_name")
    contact_phone: str = _rule("", name="contact_phone",
                               description="a mainland mobile or landline number")
    contact_email: str = _rule("", name="contact_email")
    evaluate: bool = False  # ask the policy engine for the options at once (verified orders)
    evidence: list[str] | None = EVIDENCE_FIELD
    exchange_for: list[ExchangeIn] = []  # an exchange only: the goods wanted instead (S4.2)


class LineFactsIn(Schema):
    line_no: int
    condition: dict[str, Any] = Field(..., description=CONDITION_DOC)


class FactsIn(Schema):
    """What the policy decides from; a field left out is unchanged."""

    lines: list[LineFactsIn] | None = None
    evidence: list[str] | None = EVIDENCE_FIELD
    exchange_for: list[ExchangeIn] | None = None
    expected_version: int | None = None


class OverrideIn(Schema):
    """Change a fact the policy decision states, saying why (recorded on the timeline)."""

    fact: Literal["in_warranty", "warranty_card"]
    value: bool
    reason: str = ""
    expected_version: int | None = None


class CaseLineOut(Schema):
    line_no: int
    sku: str
    name: str
    quantity: int
    serial: str
    condition: dict[str, bool]


class DecidedFactOut(Schema):
    value: bool
    source: str  # "decision", or "override" with who, when and why
    decided: bool | None = None
    by: str = ""
    at: str = ""
    reason: str = ""


class TransitionOut(Schema):
    code: str
    label: str
    ok: bool
    why: str


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    content_type: str
    size: int
    url: str


class CaseOut(Schema):
    number: str
    kind: str
    channel: str
    business_line: str
    state: str
    state_label: str
    state_category: str
    customer: str | None
    contact_phone: str
    order_number: str | None
    assignee: str | None
    department: str | None
    priority: str
    key_account: bool
    due_at: datetime | None
    overdue: bool
    created_at: datetime
    version: int
    resolution: str
    csat_score: int | None


class CaseDetailOut(CaseOut):
    verified: bool
    reason: str
    symptom: str
    description: str
    lines: list[CaseLineOut]
    evidence: list[str]
    exchange_for: list[dict[str, Any]]
    # in_warranty (S8.2), warranty_card (S10.4): from the decision, or a person's override
    decided_facts: dict[str, DecidedFactOut]
    history: dict[str, list[dict[str, Any]]]  # the unit's earlier repairs and exchanges
    decision: dict[str, Any] | None
    agreed_option: dict[str, Any] | None
    attachments: list[AttachmentOut]
    transitions: list[TransitionOut]


class CaseCreatedOut(CaseOut):
    verified: bool
    decision: dict[str, Any] | None


class CasePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[CaseOut]


class EventOut(Schema):
    kind: str
    at: datetime
    actor: str
    from_state: str
    to_state: str
    data: dict[str, Any]


class TransitionIn(Schema):
    transition: str
    reason: str = ""
    note: str = ""
    option: int | None = None  # accept_option: which option
    score: int | None = None  # rate
    channel: Literal["phone"] | None = None  # rate: staff record a rating given by phone
    expected_version: int | None = None


class VersionIn(Schema):
    expected_version: int | None = None


class RateIn(Schema):
    """Staff record the rating the customer gave by phone; the customer rates on the portal."""

    score: int
    comment: str = ""
    channel: Literal["phone"] | None = None  # must be "phone": recorded as given by phone
    expected_version: int | None = None


class ContactOut(Schema):
    name: str
    phone: str
    email: str
    address: str


class AssignIn(Schema):
    assignee: str | None = None  # username; null puts the case back in the queue
    round_robin: bool = False
    expected_version: int | None = None


class QueueFilters(Schema):
    q: str | None = None
    kind: str | None = None
    business_line: str | None = None
    state: str | None = None
    customer: str | None = None
    overdue: bool | None = None
    assignee: str | None = None  # "me" | "none"
    mine: bool = False  # only the caller's queue (states their roles act on)
    page: int = 1
    per_page: int = 25


# ----------------------------------------------------------------------------- shaping
def _case_out(case: Case) -> dict:
    return {
        "number": case.number, "kind": case.kind, "channel": case.channel,
        "business_line": case.business_line, "state": case.state,
        "state_label": state_label(case), "state_category": case.state_category,
        "customer": case.customer.name if case.customer_id else None,
        "contact_phone": mask_phone(case.contact_phone),  # in full: POST …/contact
        "order_number": case.order.number if case.order_id else None,
        "assignee": case.assignee.username if case.assignee_id else None,
        "department": case.department.code if case.department_id else None,
        "priority": case.priority, "key_account": case.key_account, "due_at": case.due_at,
        "overdue": case.is_overdue, "created_at": case.created_at, "version": case.version,
        "resolution": case.resolution, "csat_score": case.csat_score,
    }


def _detail_out(case: Case, user) -> dict:
    lines = list(case.lines.all())
    return {
        **_case_out(case), "verified": case.verified_at is not None, "reason": case.reason,
        "symptom": case.symptom, "description": case.description,
        "lines": [{"line_no": cl.order_line.line_no, "sku": cl.order_line.sku,
                   "name": cl.order_line.name, "quantity": cl.quantity, "serial": cl.serial,
                   "condition": cl.condition or {}} for cl in lines],
        "evidence": case.evidence or [], "exchange_for": case.exchange_for or [],
        "decided_facts": decided_facts(case),
        "history": unit_history(case=case, case_lines=lines),
        "decision": case.decision, "agreed_option": case.agreed_option,
        "attachments": [{"id": a.pk, "name": a.original_name, "kind": a.kind,
                         "content_type": a.content_type, "size": a.size,
                         "url": _file_url(case, a)}
                        for a in case.attachments.all()],
        "transitions": [{"code": t.code, "label": label(t.label, t.code), "ok": ok, "why": why}
                        for t, ok, why in s.case_available_transitions(case=case, actor=user)],
    }


def _file_url(case: Case, att) -> str:
    from django.urls import reverse

    return reverse("cases:file", kwargs={"number": case.number, "pk": att.pk})


def _get(request: HttpRequest, number: str) -> Case:
    return case_get_for_user(user=request.user, number=number)


def _fresh(request: HttpRequest, number: str) -> dict:
    return _detail_out(_get(request, number), request.user)


# ----------------------------------------------------------------------------- routes
@router.get("", response={200: CasePageOut, **ERRORS}, summary="List or search cases")
def case_list(request: HttpRequest, filters: Query[QueueFilters]):
    """Overdue first, then by due time; `mine=true` is the caller's queue."""
    from django.core.paginator import Paginator

    f = filters.model_dump()
    per_page = max(1, min(int(f.pop("per_page")), 200))
    page_no, mine = f.pop("page"), f.pop("mine")
    if f.get("overdue") is not None:
        f["overdue"] = "1" if f["overdue"] else ""
    page = Paginator(cases_for_list(request.user, filters=f, mine=mine), per_page
                     ).get_page(page_no)
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "items": [_case_out(c) for c in page]}


@router.post("", response={200: CaseCreatedOut, 201: CaseCreatedOut, **ERRORS},
             summary="Open a case (intake)")
def case_create(request: HttpRequest, payload: CaseIn,
                idempotency_key: str | None = Header(
                    None, alias="Idempotency-Key", max_length=IDEMPOTENCY_KEY_MAX)):
    """Intake from any channel (S1.1). With `phone` the order is verified in the same step.
    An order outside your scope answers 404 `order_not_found`, as a missing one does. Every
    field is checked before anything is stored (422 naming the fields): lengths, known codes,
    phone and e-mail, each line's quantity against what is still claimable on the order.
    `Idempotency-Key`: a retry with the same body returns the first case (200); the same key
    with another body is 422 `idempotency_key_reused`."""
    order, order_data = _intake_order(request.user, payload.order_number)
    key = f"api:{request.user.pk}:{idempotency_key}" if idempotency_key else None
    case = s.case_open(
        kind=payload.kind, channel=payload.channel, actor=request.user, order=order,
        order_data=order_data,
        business_line=payload.business_line, lines=[ln.model_dump() for ln in payload.lines],
        verify_phone=payload.phone if order is not None and payload.phone else None,
        reason=payload.reason, symptom=payload.symptom, description=payload.description,
        priority=payload.priority, contact_name=payload.contact_name,
        contact_phone=payload.contact_phone, contact_email=payload.contact_email,
        idempotency_key=key, evaluate=payload.evaluate, evidence=payload.evidence,
        exchange_for=[x.model_dump() for x in payload.exchange_for])
    created = getattr(case, "created", True)
    # Built from the case in hand: GET /cases/{number} has the lines, files and actions.
    return Status(201 if created else 200, {**_case_out(case), "verified": bool(case.verified_at),
                                            "decision": case.decision})


def _intake_order(user, number: str | None) -> tuple[Order | None, OrderData | None]:
    """The order an intake names, among those the user may reach (orders_visible_to): missing
    and not yours are the same 404. With it, in the same statement, the order as plain data
    (policy.order_data): what the lines are checked against and the request is built from."""
    number = (number or "").strip()
    if not number:
        return None, None
    order = (orders_visible_to(user).select_related("customer").filter(number=number)
             .annotate(graph=order_graph()).first())  # one statement
    if order is None:
        raise NotFound(_("No order with this number."), code=CaseErrorCode.ORDER_NOT_FOUND,
                       fields={"order_number": _("not found")})
    return order, order_data_from(order.graph)


@router.get("/{number}", response={200: CaseDetailOut, **ERRORS}, summary="One case")
def case_get(request: HttpRequest, number: str):
    return _detail_out(_get(request, number), request.user)


@router.post("/{number}/transitions", response={200: CaseDetailOut, **ERRORS},
             summary="Make a workflow transition")
def case_transition(request: HttpRequest, number: str, payload: TransitionIn):
    """The same service as the case page's buttons (services.act.case_act). 409 when the
    state doesn't allow it or `expected_version` is stale (who/when in `message` and
    `extra`); 403 for a role that may not; 422 for a missing requirement."""
    case_act(case=_get(request, number), actor=request.user, action="transition",
             data=ActInput(transition=payload.transition, reason=payload.reason,
                           note=payload.note, option=payload.option, score=payload.score,
                           channel=payload.channel),
             expected_version=payload.expected_version)
    return _fresh(request, number)


@router.get("/{number}/events", response={200: list[EventOut], **ERRORS},
            summary="The case's timeline")
def case_events(request: HttpRequest, number: str):
    case = _get(request, number)
    return [{"kind": e.kind, "at": e.at, "actor": str(e.actor) if e.actor else e.actor_label,
             "from_state": e.from_state, "to_state": e.to_state, "data": e.data}
            for e in case_timeline(case)]


@router.post("/{number}/attachments", response={201: AttachmentOut, **ERRORS},
             summary="Attach a photo, video or PDF (multipart)")
def case_attach(request: HttpRequest, number: str, file: File[UploadedFile],
                expected_version: Form[int | None] = None):
    """The type is read from the bytes; too large or not allowed → 422, nothing stored;
    403 unless your role works on the case's state (or you supervise)."""
    att = case_act(case=_get(request, number), actor=request.user, action="attach",
                   data=ActInput(upload=file), expected_version=expected_version)
    return Status(201, {"id": att.pk, "name": att.original_name, "kind": att.kind,
                        "content_type": att.content_type, "size": att.size,
                        "url": _file_url(att.case, att)})


@router.post("/{number}/evaluate", response={200: CaseDetailOut, **ERRORS},
             summary="Ask the policy engine for the options")
def case_evaluate(request: HttpRequest, number: str, payload: VersionIn | None = None):
    """403 unless your role works on the case's state."""
    case_act(case=_get(request, number), actor=request.user, action="evaluate",
             expected_version=payload.expected_version if payload else None)
    return _fresh(request, number)


@router.post("/{number}/rate", response={200: CaseDetailOut, **ERRORS},
             summary="Record the rating the customer gave by phone (S1.7)")
def case_rate(request: HttpRequest, number: str, payload: RateIn):
    """The customer rates on the portal; staff record a rating given by phone with
    `channel: "phone"` (kept in the event, shown as such). Without it: 403
    `rating_by_customer`."""
    case_act(case=_get(request, number), actor=request.user, action="transition",
             data=ActInput(transition="rate", score=payload.score, note=payload.comment,
                           channel=payload.channel),
             expected_version=payload.expected_version)
    return _fresh(request, number)


@router.post("/{number}/assign", response={200: CaseDetailOut, **ERRORS},
             summary="Assign to a person, or round robin in the department")
def case_assign(request: HttpRequest, number: str, payload: AssignIn):
    """403 `assign_not_allowed` unless you work on the case's state, send cases into it, or
    supervise; dealer and factory staff never assign."""
    assignee = None
    if payload.assignee and not payload.round_robin:
        assignee = get_user_model().objects.filter(username=payload.assignee).first()
        if assignee is None:
            raise NotFound(_("No such person."), fields={"assignee": _("unknown")})
    case_act(case=_get(request, number), actor=request.user, action="assign",
             data=ActInput(assignee=assignee, round_robin=payload.round_robin),
             expected_version=payload.expected_version)
    return _fresh(request, number)


@router.post("/{number}/contact", response={200: ContactOut, **ERRORS},
             summary="The customer's full phone number and address (recorded)")
def case_contact(request: HttpRequest, number: str):
    """Everywhere else phone numbers and addresses are masked (`138****1234`). Roles that
    talk to customers get them in full here; each call is recorded on the case's timeline
    (`contact_revealed`). Other roles: 403 `contact_not_allowed`."""
    contact = case_contact_reveal(case=_get(request, number), actor=request.user)
    return {"name": contact.name, "phone": contact.phone, "email": contact.email,
            "address": contact.address}


@router.post("/{number}/facts", response={200: CaseDetailOut, **ERRORS},
             summary="Change the item condition, evidence or goods wanted in exchange")
def case_facts(request: HttpRequest, number: str, payload: FactsIn):
    """What the policy decides from (docs/case-facts.md): each line's condition (by
    `line_no`; the line's whole condition), the evidence held, the catalogue goods wanted in
    exchange (an exchange only). A verified case is evaluated again at once. 422 naming the
    field for an unknown check (`unknown_condition`), evidence kind (`unknown_evidence`) or
    SKU (`unknown_goods`), and nothing is stored; 403 unless your role works on the case."""
    case = _get(request, number)
    conditions = None
    if payload.lines is not None:
        by_no = {cl.order_line.line_no: cl.pk for cl in case.lines.all()}
        conditions = {by_no.get(ln.line_no, f"line_no {ln.line_no}"): ln.condition
                      for ln in payload.lines}
    case_act(case=case, actor=request.user, action="facts",
             data=ActInput(conditions=conditions, evidence=payload.evidence,
                           exchange_for=None if payload.exchange_for is None else
                           [x.model_dump() for x in payload.exchange_for]),
             expected_version=payload.expected_version)
    return _fresh(request, number)


@router.post("/{number}/override", response={200: CaseDetailOut, **ERRORS},
             summary="Override a fact the policy decided (in warranty, warranty card)")
def case_override(request: HttpRequest, number: str, payload: OverrideIn):
    """`in_warranty` (S8.2) and `warranty_card` (S10.4) are set from the policy decision when
    the case is evaluated. A person whose role acts on the case may change one, with a
    `reason`: recorded on the timeline with who and when. Without a reason: 422
    `override_reason_required`, nothing changes."""
    case_act(case=_get(request, number), actor=request.user, action="fact",
             data=ActInput(fact=payload.fact, value=payload.value, note=payload.reason),
             expected_version=payload.expected_version)
    return _fresh(request, number)
