"""Staff pages of the charges app and the portal's answers to a quote. Views are thin: parse,
call the service, redirect back with the outcome (or the refusal's message)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from aftersales.cases.access import portal_token
from aftersales.cases.selectors import case_get_for_portal, case_get_for_user
from aftersales.charges import selectors as sel
from aftersales.charges import services as s
from aftersales.charges.models import AcceptChannel, ChargeStatus, Party, QuoteStatus
from aftersales.core import export
from aftersales.core.errors import ApplicationError, NotFound, ValidationError
from aftersales.core.labels import pick_label
from aftersales.core.listing import Listing, ListSpec, listing_context
from aftersales.documents.printing import pdf_response, qr_data_uri, render_pdf


def _found(fn, **kw):
    """A selector's NotFound (missing or not yours) as the 404 page."""
    try:
        return fn(**kw)
    except NotFound:
        raise Http404 from None


def _refused(request: HttpRequest, exc: ApplicationError) -> None:
    text = str(exc.message)
    if exc.fields:
        text += " (" + "; ".join(str(v) for v in exc.fields.values()) + ")"
    messages.error(request, text)


def _back(request: HttpRequest, case_number: str) -> HttpResponse:
    return redirect(reverse("cases:detail", kwargs={"number": case_number}) + "#charges")


# ----------------------------------------------------------------------------- case actions
@login_required
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """The case panel's forms: issue a quote, collect the difference, raise a charge, charge a
    local repair to the factory, propose the late compensation."""
    case = _found(case_get_for_user, user=request.user, number=number)
    p = request.POST
    try:
        if action == "quote":
            codes, qtys = p.getlist("part"), p.getlist("quantity")
            lines = [{"code": c, "quantity": q or "1"} for c, q in zip(codes, qtys, strict=False)
                     if c]
            quote = s.quote_issue(case=case, lines=lines, labour_hours=p.get("labour_hours"),
                                  note=p.get("note", ""), actor=request.user)
            messages.success(request, _("Quote %(n)s issued: %(total)s yuan.") % {
                "n": quote.number, "total": quote.total})
        elif action == "collect":
            receipt = s.difference_collect(case=case, actor=request.user,
                                           method=p.get("method", ""),
                                           amount=p.get("amount", "0"),
                                           points=p.get("points") or 0,
                                           reference=p.get("reference", ""))
            messages.success(request, _("Collected; receipt %(n)s.") % {"n": receipt.number})
        elif action == "charge":
            charge = s.charge_raise(case=case, party=p.get("party", ""),
                                    reason=p.get("reason", ""), amount=p.get("amount", ""),
                                    party_name=p.get("party_name", ""), note=p.get("note", ""),
                                    actor=request.user)
            messages.success(request, _("Charge %(n)s raised.") % {"n": charge.number})
        elif action == "compensation":
            comp = s.compensation_propose(case=case, actor=request.user)
            messages.success(request, _("Compensation %(n)s proposed.") % {"n": comp.number})
        else:
            raise Http404
    except ApplicationError as exc:
        _refused(request, exc)
    return _back(request, case.number)


@login_required
@require_POST
def charge_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    charge = _found(sel.charge_get_for_user, user=request.user, number=number)
    p = request.POST
    try:
        if action == "collect":
            receipt = s.charge_collect(charge=charge, actor=request.user,
                                       method=p.get("method", ""),
                                       reference=p.get("reference", ""))
            messages.success(request, _("Collected; receipt %(n)s.") % {"n": receipt.number})
        elif action == "waive":
            s.charge_waive(charge=charge, actor=request.user, reason=p.get("reason", ""))
            messages.success(request, _("Charge %(n)s waived.") % {"n": charge.number})
        else:
            raise Http404
    except ApplicationError as exc:
        _refused(request, exc)
    nxt = p.get("next", "")
    if nxt == "list":
        return redirect("charges:collection_list")
    return _back(request, charge.case.number)


@login_required
@require_POST
def compensation_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    comp = _found(sel.compensation_get_for_user, user=request.user, number=number)
    p = request.POST
    try:
        if action in ("approve", "refuse"):
            s.compensation_decide(compensation=comp, actor=request.user,
                                  approve=action == "approve", note=p.get("note", ""))
        elif action == "pay":
            s.compensation_pay(compensation=comp, actor=request.user, method=p.get("method", ""),
                               reference=p.get("reference", ""))
        else:
            raise Http404
        messages.success(request, _("Compensation %(n)s updated.") % {"n": comp.number})
    except ApplicationError as exc:
        _refused(request, exc)
    return _back(request, comp.case.number)


# ----------------------------------------------------------------------------- quotes
@login_required
def quote_detail(request: HttpRequest, number: str) -> TemplateResponse:
    quote = _found(sel.quote_get_for_user, user=request.user, number=number)
    case = quote.case
    waiting = quote.status == QuoteStatus.ISSUED and not sel.quote_is_expired(quote)
    return TemplateResponse(request, "charges/quote.html", {
        "quote": quote, "case": case, "lines": list(quote.lines.all()),
        "expired": sel.quote_is_expired(quote), "waiting": waiting,
        "can_answer": waiting and not case.is_closed and sel.may(request.user, sel.ANSWER_ROLES,
                                                                  case),
        "can_withdraw": waiting and sel.may(request.user, sel.QUOTE_ROLES, case),
        "answer_channels": [(c.value, c.label) for c in AcceptChannel
                            if c not in (AcceptChannel.PORTAL, AcceptChannel.API)]})


@login_required
@require_POST
def quote_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    quote = _found(sel.quote_get_for_user, user=request.user, number=number)
    p = request.POST
    try:
        if action == "accept":
            s.quote_accept(quote=quote, actor=request.user,
                           channel=p.get("channel", AcceptChannel.PHONE))
            messages.success(request, _("Quote %(n)s accepted.") % {"n": quote.number})
        elif action == "refuse":
            s.quote_refuse(quote=quote, actor=request.user,
                           channel=p.get("channel", AcceptChannel.PHONE),
                           reason=p.get("reason", ""))
            messages.success(request, _("The refusal is recorded."))
        elif action == "withdraw":
            s.quote_withdraw(quote=quote, actor=request.user, reason=p.get("reason", ""))
            messages.success(request, _("Quote %(n)s withdrawn.") % {"n": quote.number})
        else:
            raise Http404
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("charges:quote_detail", number=quote.number)


def _signature(label: str, user, at) -> dict:
    return {"label": label, "name": (user.get_full_name() or user.username) if user else "",
            "at": at}


@login_required
def quote_pdf(request: HttpRequest, number: str) -> HttpResponse:
    quote = _found(sel.quote_get_for_user, user=request.user, number=number)
    case = quote.case
    accepted = quote.status == QuoteStatus.ACCEPTED
    pdf = render_pdf("charges/pdf/quote.html", {
        "company": sel.company_for(case), "form_title": "维修报价单", "number": quote.number,
        "qr": qr_data_uri(quote.number), "printed_at": timezone.now(), "quote": quote,
        "case": case, "lines": list(quote.lines.all()),
        "signatures": [_signature("报价人", quote.issued_by, quote.issued_at),
                       {"label": "客户确认", "name": (quote.get_answer_channel_display()
                                                  if accepted else ""),
                        "at": quote.answered_at if accepted else None}]})
    return pdf_response(pdf, filename=f"{quote.number}.pdf")


@login_required
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The exchange receipt (换货单/收款收据) or a charge's receipt."""
    receipt = _found(sel.receipt_get_for_user, user=request.user, number=number)
    case = receipt.case
    exchange = receipt.purpose == "exchange_difference"
    pdf = render_pdf("charges/pdf/receipt.html", {
        "company": sel.company_for(case),
        "form_title": "换货单 / 收款收据" if exchange else "收款收据",
        "number": receipt.number, "qr": qr_data_uri(receipt.number),
        "printed_at": timezone.now(), "receipt": receipt, "case": case, "exchange": exchange,
        "d": receipt.details,
        "signatures": [_signature("收款人（出纳）", receipt.cashier, receipt.received_at),
                       {"label": "客户签字", "name": "", "at": None}]})
    return pdf_response(pdf, filename=f"{receipt.number}.pdf")


# ----------------------------------------------------------------------------- the list
def _filters(request: HttpRequest) -> dict[str, str]:
    g = request.GET
    kind = g.get("kind", "")
    party = g.get("party", "")
    status = g.get("status", "open")
    return {"q": g.get("q", "")[:60], "kind": kind if kind in ("difference", "charge") else "",
            "party": party if party in Party.values else "",
            "status": status if status in ChargeStatus.values or status == "" else "open"}


def collection_spec() -> ListSpec:
    """The list's headers, page size and date range (core.listing): oldest first, as the
    cashier works; the status filter's "all" is empty and its default is "open", so it is
    kept in the links even when empty."""
    return ListSpec(
        sorts={"number": ("number",), "amount": ("amount", "number"),
               "since": ("since", "number"), "status": ("status", "since", "number")},
        default="since", date_field="since", date_label=_("Owed since"),
        keep=("q", "kind", "party", "status"), keep_blank=("status",),
        desc_first={"amount"})


def _collections(request: HttpRequest) -> list:
    """The rows of the list (a plain list: differences and charges together), narrowed to the
    date range and sorted as asked."""
    rows = sel.collection_rows(user=request.user, **_filters(request))
    return Listing(collection_spec(), request.GET).apply(rows)


@login_required
def collection_list(request: HttpRequest) -> TemplateResponse:
    """Payments due from customers and others: exchange differences and open charges."""
    if not sel.may(request.user, sel.MONEY_VIEW_ROLES - {"dealer"}):
        raise DjangoPermissionDenied
    f = _filters(request)
    listing = Listing(collection_spec(), request.GET)
    page = listing.paginate(sel.collection_rows(user=request.user, **f),
                            request.GET.get("page"))
    columns = [("number", pgettext("charges", "Number")), (None, _("Case")), (None, _("For")),
               (None, _("Party")), ("amount", _("Amount"), "num"), (None, _("Points"), "num"),
               ("since", _("Since")), ("status", _("Status"))]
    return TemplateResponse(request, "charges/collection_list.html", {
        **listing_context(listing, page, columns), "rows": page.object_list, "f": f,
        "parties": Party.choices, "statuses": ChargeStatus.choices,
        "can_collect": sel.may(request.user, sel.CASHIER_ROLES)})


@login_required
def collection_export(request: HttpRequest) -> HttpResponse:
    """The list as .xlsx with the page's filters, order and date range."""
    if not sel.may(request.user, sel.MONEY_VIEW_ROLES - {"dealer"}):
        raise DjangoPermissionDenied
    rows = _collections(request)
    cols = [export.TextColumn("number", pgettext("charges", "Number")),
            export.TextColumn("case", _("Case")),
            export.TextColumn("what", _("For")), export.TextColumn("party", _("Party")),
            export.TextColumn("amount", _("Amount"), "money"),
            export.TextColumn("points", _("Points"), "int"),
            export.TextColumn("since", _("Since"), "datetime"),
            export.TextColumn("status", _("Status"))]
    data = ({"number": r.number, "case": r.case.number, "what": str(r.reason),
             "party": r.party, "amount": r.amount, "points": r.points, "since": r.since,
             "status": str(dict(ChargeStatus.choices).get(r.status, r.status))} for r in rows)
    name = pick_label({"zh": "应收款", "en": "Payments due"})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    try:
        return export.xlsx_response(filename=f"{name}-{stamp}.xlsx",
                                    sheets=[export.Sheet(title=name, columns=cols, rows=data)],
                                    max_rows=export.MAX_ROWS)
    except ValidationError as exc:
        messages.error(request, str(exc.message))
        return redirect("charges:collection_list")


# ----------------------------------------------------------------------------- the portal
@require_POST
def portal_quote_answer(request: HttpRequest, number: str, quote: str, action: str
                        ) -> HttpResponse:
    """The customer accepts or refuses the quote from the portal link (token ``t``)."""
    case = _found(case_get_for_portal, number=number, token=request.POST.get("t", ""))
    q = case.quotes.filter(number=str(quote or "").upper()).first()
    if q is None:
        raise Http404(_("No such quote."))
    try:
        if action == "accept":
            s.quote_accept(quote=q, actor=None, channel=AcceptChannel.PORTAL)
            messages.success(request, _("Thank you: you accepted quote %(n)s. We start the "
                                        "repair now.") % {"n": q.number})
        elif action == "refuse":
            s.quote_refuse(quote=q, actor=None, channel=AcceptChannel.PORTAL,
                           reason=request.POST.get("reason", ""))
            messages.success(request, _("Your answer is recorded: you refused the quote."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("portal:case", kwargs={"number": case.number})
                    + f"?t={portal_token(case)}")
