"""Return authorizations (RMA, 退货授权; S2.6, S5.2-S5.4, S8.1): issue with the routed address,
the customer's parcel (courier, tracking number, freight), returns not shipped in time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from aftersales.calendars.calendar import SHANGHAI, get_calendar
from aftersales.cases.models import Case, StateCategory
from aftersales.cases.services import case_close, case_note_record
from aftersales.cases.services.common import (
    actor_label,
    case_workflow,
    lock_case,
    notify_customer,
    save_case,
    staff,
)
from aftersales.cases.services.permissions import require_scope
from aftersales.cases.services.transition import case_available_transitions
from aftersales.core.errors import ApplicationError, Conflict, ValidationError
from aftersales.core.money import AmountError, amount_parse
from aftersales.documents.numbers import next_number
from aftersales.logistics import returns_policy
from aftersales.logistics.errors import LogisticsErrorCode
from aftersales.logistics.models import (
    Destination,
    PaidBy,
    ReturnAuthorization,
    RmaLine,
    RmaStatus,
)
from aftersales.logistics.services.common import (
    ISSUE_ROLES,
    SHIP_BACK_ROLES,
    require_staff_role,
    returns_settings,
)

GOODS_BACK = ("return", "exchange", "repair", "paid_repair")
TEXT_MAX = 60


def case_resolution(case: Case) -> str:
    return ((case.agreed_option or {}).get("resolution") or case.resolution or case.kind or "")


def needs_goods_back(case: Case) -> bool:
    return case_resolution(case) in GOODS_BACK


def _one_factory(lines) -> object | None:
    """The outsourced factory when every item is that one factory's product (S2.6 整批)."""
    factories = {cl.order_line.product.factory_id for cl, _q in lines}
    if len(factories) == 1 and None not in factories:
        return lines[0][0].order_line.product.factory
    return None


def route(case: Case, lines, settings: dict, *, destination: str | None = None
          ) -> tuple[str, object | None, dict, str]:
    """(destination, factory, address, why) by the policy's routing rules (S2.6), or the
    destination staff chose."""
    factory = _one_factory(lines)
    customer_kind = case.customer.kind if case.customer_id else ""
    chosen, why = destination, _("chosen by staff")
    if chosen is None:
        for i, rule in enumerate(settings.get("routing") or []):
            when = rule.get("when") or {}
            if "one_factory" in when and bool(factory) != when["one_factory"]:
                continue
            if "customer_kinds" in when and customer_kind not in when["customer_kinds"]:
                continue
            if "business_lines" in when and case.business_line not in when["business_lines"]:
                continue
            if "case_kinds" in when and case.kind not in when["case_kinds"]:
                continue
            chosen = rule["to"]
            why = _("routing rule %(n)d: %(to)s") % {"n": i + 1, "to": rule["to"]}
            break
    if chosen == Destination.FACTORY:
        factory = factory or case.factory
        if factory is None or not factory.address:
            raise ValidationError(_("The goods are not one outsourced factory's product, or the "
                                    "factory has no address: choose another destination."),
                                  code=LogisticsErrorCode.NO_RETURN_ADDRESS,
                                  fields={"destination": _("no factory address")})
        return chosen, factory, {"name": factory.name, "address": factory.address,
                                 "contact": factory.responsible_person,
                                 "phone": factory.phone}, why
    address = (settings.get("addresses") or {}).get(chosen or "")
    if not address:
        raise ValidationError(_("The policy names no return address for %(to)s.")
                              % {"to": chosen or "-"},
                              code=LogisticsErrorCode.NO_RETURN_ADDRESS,
                              fields={"destination": _("no address")})
    return chosen, None, address, why


def _deadline(case: Case, settings: dict, at: datetime, period_key: str) -> datetime:
    text = ((case.agreed_option or {}).get("deadlines") or {}).get("ship_back_by")
    if text and period_key == "ship_back":
        try:
            due = datetime.fromisoformat(text)
        except ValueError:
            due = None
        if due is not None and due > at:
            return due
    return returns_policy.period_end(at, settings[period_key], get_calendar())


def _lines(case: Case, lines: list[dict] | None) -> list[tuple[object, int]]:
    """(case line, quantity) to authorize: the given ones, else every case line with what is
    not on an earlier RMA yet."""
    case_lines = {cl.pk: cl for cl in case.lines.select_related(
        "order_line__product__factory")}
    taken = dict(RmaLine.objects.filter(case_line__case=case)
                 .exclude(rma__status=RmaStatus.CLOSED)
                 .values("case_line").annotate(q=Sum("quantity")).values_list("case_line", "q"))
    out: list[tuple[object, int]] = []
    if lines is None:
        for pk, cl in case_lines.items():
            left = cl.quantity - (taken.get(pk) or 0)
            if left > 0:
                out.append((cl, left))
    else:
        for i, line in enumerate(lines):
            cl = case_lines.get(line.get("case_line"))
            try:
                qty = int(line.get("quantity"))
            except (TypeError, ValueError):
                qty = -1
            if cl is None:
                raise ValidationError(_("Line %(n)d is not a line of this case.") % {"n": i + 1},
                                      fields={f"lines[{i}].case_line": _("unknown")})
            left = cl.quantity - (taken.get(cl.pk) or 0)
            if qty < 1 or qty > left:
                raise ValidationError(
                    _("%(name)s: authorize 1 to %(n)d.") % {"name": cl.order_line.name,
                                                            "n": left},
                    code=LogisticsErrorCode.OVER_AUTHORIZED,
                    fields={f"lines[{i}].quantity": _("1 to %(n)d") % {"n": left}})
            out.append((cl, qty))
    if not out:
        raise ValidationError(_("Nothing is left to authorize on this case."),
                              code=LogisticsErrorCode.OVER_AUTHORIZED,
                              fields={"lines": _("nothing left")})
    return out


def _instructions(settings: dict, given: str) -> str:
    if given.strip():
        return given.strip()
    texts = settings.get("instructions") or {}
    lang = (get_language() or "zh")[:2]
    return texts.get(lang) or texts.get("zh") or texts.get("en") or ""


@transaction.atomic
def rma_issue(*, case: Case | int, actor, lines: list[dict] | None = None,
              destination: str | None = None, instructions: str = "",
              advance_replacement: bool = False) -> ReturnAuthorization:
    """Issue the return authorization for a case whose agreed option needs goods back.

    The address comes from the policy's routing (S2.6) unless staff choose the destination;
    the freight payer from the agreed option; the ship-back deadline from the option's
    ``ship_back_by`` or the policy's ``ship_back`` period; with ``advance_replacement`` (S8.1)
    the defective unit is due back within ``advance_return``. Sets ``rma_issued`` (and
    ``whole_batch`` when routed to the factory) and tells the customer the number, the address
    and the instructions.
    """
    case = lock_case(case)
    require_staff_role(case, actor, ISSUE_ROLES)
    if case.is_closed:
        raise Conflict(pgettext("logistics", "The case is closed."),
                       code=LogisticsErrorCode.NO_GOODS_BACK)
    if not needs_goods_back(case):
        raise Conflict(_("No goods come back for this case: its agreed solution is not a "
                         "return, exchange or repair."), code=LogisticsErrorCode.NO_GOODS_BACK)
    if ReturnAuthorization.objects.filter(case=case, status__in=(
            RmaStatus.ISSUED, RmaStatus.SHIPPED, RmaStatus.PARTLY_RECEIVED)).exists():
        raise Conflict(_("This case has an open return authorization already."),
                       code=LogisticsErrorCode.RMA_EXISTS)
    if destination is not None and destination not in Destination.values:
        raise ValidationError(_("Unknown destination."), fields={"destination": _("unknown")})
    chosen = _lines(case, lines)
    settings = returns_settings(case)
    dest, factory, address, why = route(case, chosen, settings, destination=destination)
    at = timezone.now()
    payer = (case.agreed_option or {}).get("shipping_paid_by") or settings["_default_payer"] \
        or PaidBy.CUSTOMER
    defective_due = returns_policy.period_end(at, settings["advance_return"], get_calendar()) \
        if advance_replacement else None
    trip = (ReturnAuthorization.objects.filter(case=case).count() or 0) + 1
    rma = ReturnAuthorization.objects.create(
        number=next_number("rma", "RMA", at=at), case=case, trip=trip,
        destination=dest, factory=factory, address_name=address.get("name", "")[:120],
        address=address.get("address", "")[:255],
        address_contact=(address.get("contact") or "")[:60],
        address_phone=(address.get("phone") or "")[:30],
        instructions=_instructions(settings, instructions), route_reason=str(why)[:200],
        shipping_paid_by=payer if payer in PaidBy.values else PaidBy.CUSTOMER,
        ship_back_by=defective_due or _deadline(case, settings, at, "ship_back"),
        advance_replacement=bool(advance_replacement), defective_due_by=defective_due,
        issued_by=staff(actor), created_at=at)
    RmaLine.objects.bulk_create([RmaLine(rma=rma, case_line=cl, quantity=q) for cl, q in chosen])
    if factory is not None and case.factory_id is None:
        case.factory = factory  # the responsible factory's users see the case (S2.6)
        save_case(case, ["factory"], actor)
    if dest == Destination.FACTORY:
        case = case_note_record(case=case, actor=actor, fact="whole_batch", record=rma.number,
                                advance=False, data={"factory": factory.name})
    due = timezone.localtime(rma.ship_back_by, SHANGHAI).strftime("%Y-%m-%d")
    case_note_record(case=case, actor=actor, fact="rma_issued", record=rma.number, data={
        "destination": dest, "address": rma.address, "ship_back_by": due,
        "quantity": sum(q for _cl, q in chosen)})
    _tell_issued(case, rma, due)
    return rma


def _tell_issued(case: Case, rma: ReturnAuthorization, due: str) -> None:
    payer = _("We pay the freight.") if rma.shipping_paid_by == PaidBy.COMPANY else \
        _("You pay the freight.")
    parts = [
        _("Your return number is %(rma)s.") % {"rma": rma.number},
        _("Please send the goods to: %(name)s, %(address)s %(contact)s %(phone)s")
        % {"name": rma.address_name, "address": rma.address, "contact": rma.address_contact,
           "phone": rma.address_phone},
        _("Write %(rma)s on the parcel or put the printed label inside.") % {"rma": rma.number},
        payer,
    ]
    if rma.advance_replacement:
        parts.append(_("We send the replacement first; please send the defective unit back by "
                       "%(due)s.") % {"due": due})
    else:
        parts.append(_("Please send them by %(due)s and enter the tracking number on your case "
                       "page.") % {"due": due})
    if rma.instructions:
        parts.append(rma.instructions)
    notify_customer(case, topic="rma_issued", subject=_("Return instructions %(rma)s")
                    % {"rma": rma.number}, body="\n".join(p.strip() for p in parts),
                    dedupe_key=f"rma_issued:{rma.number}",
                    params={"rma": rma.number, "address": return_address_text(rma), "due": due})


def return_address_text(rma: ReturnAuthorization) -> str:
    """Where the goods go, on one line: "华禾退货仓 广东省惠州市… 张三 0752-1234567"."""
    return " ".join(p.strip() for p in (rma.address_name, rma.address, rma.address_contact,
                                        rma.address_phone) if p and p.strip())


def _clean(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Enter the %(what)s.") % {"what": label},
                              fields={field: _("required")})
    if len(value) > TEXT_MAX:
        raise ValidationError(_("%(what)s: at most %(n)d characters.")
                              % {"what": label, "n": TEXT_MAX}, fields={field: _("too long")})
    return value


@transaction.atomic
def rma_ship(*, rma: ReturnAuthorization | int, actor, courier: str, tracking_number: str,
             freight_cost: object = None) -> ReturnAuthorization:
    """The customer's parcel (S5.4): courier and tracking number, entered by the customer
    (actor None, on the portal or through the API) or by staff for them; the freight cost is
    kept when the company pays it (the case's cost). Sets ``tracking_number``; the customer's
    ship-back step follows."""
    pk = rma.pk if isinstance(rma, ReturnAuthorization) else rma
    case = lock_case(ReturnAuthorization.objects.values_list("case_id", flat=True).get(pk=pk))
    rma = ReturnAuthorization.objects.select_for_update().get(pk=pk)
    if actor is not None:
        require_staff_role(case, actor, SHIP_BACK_ROLES)
    require_scope(case, actor)
    if rma.status not in (RmaStatus.ISSUED, RmaStatus.SHIPPED):
        raise Conflict(_("This return is received or closed: the tracking number can't be "
                         "changed."), code=LogisticsErrorCode.RMA_NOT_OPEN)
    courier = _clean(courier, "courier", str(_("courier")))
    tracking_number = _clean(tracking_number, "tracking_number", str(_("tracking number")))
    cost = None
    if freight_cost not in (None, ""):
        try:
            cost = amount_parse(freight_cost)
        except AmountError as exc:
            raise ValidationError(exc.message, fields={"freight_cost": exc.message}) from None
        if rma.shipping_paid_by != PaidBy.COMPANY and cost:
            raise ValidationError(_("The customer pays this freight: no cost is kept for the "
                                    "company."), fields={"freight_cost": _("customer pays")})
    at = timezone.now()
    rma.courier, rma.tracking_number = courier, tracking_number
    rma.freight_cost = cost if cost is not None else rma.freight_cost
    rma.shipped_at, rma.shipped_by = at, staff(actor)
    rma.shipped_by_label = actor_label(actor)[:80]
    rma.status = RmaStatus.SHIPPED
    rma.save(update_fields=["courier", "tracking_number", "freight_cost", "shipped_at",
                            "shipped_by", "shipped_by_label", "status"])
    if not case.is_closed:
        case_note_record(case=case, actor=actor, fact="tracking_number", record=rma.number,
                         data={"courier": courier, "tracking_no": tracking_number,
                               **({"freight_cost": str(cost)} if cost is not None else {})})
    return rma


# ------------------------------------------------------------------ not shipped in time
def _closing_transition(case: Case) -> str | None:
    """A step the customer may take from here that closes the case (withdraw)."""
    workflow = case_workflow(case)
    for t, ok, _why in case_available_transitions(case=case, actor=None):
        if ok and workflow.state(t.target).category == StateCategory.CLOSED:
            return t.code
    return None


@transaction.atomic
def rma_expire(*, rma: ReturnAuthorization | int, at: datetime | None = None) -> str:
    """A return not shipped by its deadline (S9.2): close the case as the policy says
    (``returns.on_not_shipped: close``) or remind the customer once (``remind``), with a
    notice. Returns what was done: closed · reminded · skipped."""
    pk = rma.pk if isinstance(rma, ReturnAuthorization) else rma
    case = lock_case(ReturnAuthorization.objects.values_list("case_id", flat=True).get(pk=pk))
    rma = ReturnAuthorization.objects.select_for_update().get(pk=pk)
    at = at or timezone.now()
    if rma.status != RmaStatus.ISSUED or rma.advance_replacement or rma.ship_back_by is None \
            or rma.ship_back_by >= at:
        return "skipped"
    if case.is_closed:  # withdrawn or closed otherwise: nothing is expected any more
        rma.status, rma.closed_at = RmaStatus.CLOSED, at
        rma.save(update_fields=["status", "closed_at"])
        return "skipped"
    due = timezone.localtime(rma.ship_back_by, SHANGHAI).strftime("%Y-%m-%d")
    mode = returns_settings(case)["on_not_shipped"]
    code = _closing_transition(case) if mode == "close" else None
    if code is None:
        if rma.reminded_at is not None:
            return "skipped"
        rma.reminded_at = at
        rma.save(update_fields=["reminded_at"])
        notify_customer(case, topic="rma_reminder",
                        subject=_("Your return %(rma)s has not been sent") % {"rma": rma.number},
                        body=_("The goods were due to be sent by %(due)s. Please send them to "
                               "%(address)s and enter the tracking number, or tell us if you "
                               "no longer want to return them.")
                        % {"due": due, "address": rma.address},
                        dedupe_key=f"rma_reminder:{rma.number}",
                        params={"rma": rma.number, "due": due,
                                "address": return_address_text(rma)})
        return "reminded"
    reason = _("Return %(rma)s was not sent by %(due)s.") % {"rma": rma.number, "due": due}
    rma.status, rma.closed_at = RmaStatus.CLOSED, at
    rma.save(update_fields=["status", "closed_at"])
    notify_customer(case, topic="rma_not_shipped",
                    subject=_("Return %(rma)s closed") % {"rma": rma.number},
                    body=_("We did not receive the tracking number of your return by %(due)s, "
                           "so the return is closed. Contact us if you still want to return "
                           "the goods.") % {"due": due},
                    dedupe_key=f"rma_not_shipped:{rma.number}",
                    params={"rma": rma.number, "due": due})
    case_close(case=case, actor=None, transition=code, reason=str(reason))
    return "closed"


def rmas_not_shipped_sweep(*, at: datetime | None = None, limit: int = 200) -> int:
    """Worker pass: every open RMA past its ship-back deadline, one transaction each."""
    at = at or timezone.now()
    due = list(ReturnAuthorization.objects.filter(
        status=RmaStatus.ISSUED, advance_replacement=False, ship_back_by__lt=at)
        .filter(reminded_at__isnull=True)  # reminded once: staff follow it up
        .values_list("pk", flat=True)[:limit])
    done = 0
    for pk in due:
        try:
            if rma_expire(rma=pk, at=at) != "skipped":
                done += 1
        except ApplicationError:  # the case moved meanwhile; the next pass looks again
            continue
    return done


def freight_total(rmas) -> Decimal:
    return sum((r.freight_cost or Decimal(0) for r in rmas), Decimal(0))

