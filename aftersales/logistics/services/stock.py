"""Disposition per unit and the returned-goods ledger (issue 11 item 4); replacement shipments
(S4.3, S8.1)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.cases.models import Case
from aftersales.cases.services import case_note_record
from aftersales.cases.services.common import actor_label, lock_case, notify_customer, staff
from aftersales.catalog.models import Product
from aftersales.core.errors import Conflict, NotFound, ValidationError
from aftersales.core.money import AmountError, amount_parse
from aftersales.documents.numbers import next_number
from aftersales.logistics.errors import LogisticsErrorCode
from aftersales.logistics.models import (
    Disposition,
    MovementKind,
    ReceiptLine,
    ReturnAuthorization,
    Shipment,
    ShipmentLine,
    StockMovement,
)
from aftersales.logistics.services.common import (
    DISPOSE_ROLES,
    SHIP_ROLES,
    is_factory_user,
    require_staff_role,
)

DISPOSITION_TO = {
    Disposition.RESTOCK: "stock",
    Disposition.REWORK_STOCK: "rework",
    Disposition.REPAIR_RETURN: "customer",
    Disposition.SCRAP: "scrap",
    Disposition.RETURN_SUPPLIER: "supplier",
}


def disposed_quantity(receipt_line: ReceiptLine) -> int:
    return StockMovement.objects.filter(receipt_line=receipt_line,
                                        kind=MovementKind.DISPOSITION).aggregate(
        q=Sum("quantity"))["q"] or 0


@transaction.atomic
def disposition_record(*, receipt_line: ReceiptLine | int, actor, disposition: str,
                       quantity: int, note: str = "") -> StockMovement:
    """Decide where received units go: restock, rework into stock (返修入库), repair and return,
    scrap, return to the supplier. One ledger line per decision; never more than received."""
    pk = receipt_line.pk if isinstance(receipt_line, ReceiptLine) else receipt_line
    try:
        case_id = ReceiptLine.objects.values_list("receipt__case_id", flat=True).get(pk=pk)
    except ReceiptLine.DoesNotExist:
        raise NotFound(_("No such receipt line.")) from None
    case = lock_case(case_id)
    line = ReceiptLine.objects.select_related(
        "receipt__rma", "rma_line__case_line__order_line__product").get(pk=pk)
    rma = line.receipt.rma
    if not (is_factory_user(actor) and rma.factory_id == actor.factory_id):
        require_staff_role(case, actor, DISPOSE_ROLES)
    if disposition not in Disposition.values:
        raise ValidationError(_("Choose a disposition."), fields={"disposition": _("required")})
    try:
        qty = int(quantity)
    except (TypeError, ValueError):
        qty = 0
    left = line.quantity - disposed_quantity(line)
    if qty < 1 or qty > left:
        raise ValidationError(
            _("%(left)d unit(s) of this line are left to dispose of; %(qty)s is not possible.")
            % {"left": left, "qty": quantity}, code=LogisticsErrorCode.OVER_RECEIVED,
            fields={"quantity": _("1 to %(n)d") % {"n": left}})
    if len(note or "") > 200:
        raise ValidationError(_("At most 200 characters."), fields={"note": _("too long")})
    movement = StockMovement.objects.create(
        at=timezone.now(), kind=MovementKind.DISPOSITION, case=case, rma=rma, receipt_line=line,
        product=line.rma_line.case_line.order_line.product, quantity=qty,
        from_location=line.receipt.location, to_location=DISPOSITION_TO[disposition],
        disposition=disposition, note=(note or "").strip(), actor=staff(actor),
        actor_label=actor_label(actor)[:80])
    return movement


def _shipment_lines(case: Case, lines: list[dict] | None) -> list[tuple[Product, int]]:
    if lines is None:
        return [(cl.order_line.product, cl.quantity)
                for cl in case.lines.select_related("order_line__product")]
    out = []
    for i, line in enumerate(lines):
        product = Product.objects.filter(pk=line.get("product")).first() \
            if line.get("product") else None
        if product is None and line.get("sku"):
            product = Product.objects.filter(sku=line["sku"]).first()
        try:
            qty = int(line.get("quantity"))
        except (TypeError, ValueError):
            qty = 0
        if product is None:
            raise ValidationError(_("Line %(n)d: unknown product.") % {"n": i + 1},
                                  fields={f"lines[{i}].product": _("unknown")})
        if not 1 <= qty <= 100_000:
            raise ValidationError(_("Line %(n)d: quantity 1 or more.") % {"n": i + 1},
                                  fields={f"lines[{i}].quantity": _("1 or more")})
        out.append((product, qty))
    return out


@transaction.atomic
def shipment_create(*, case: Case | int, actor, courier: str, tracking_number: str,
                    freight_cost: object = "0", lines: list[dict] | None = None,
                    rma: ReturnAuthorization | None = None) -> Shipment:
    """The warehouse ships the replacement (S4.3 exchange, S8.1 advance replacement) with its
    courier, tracking number and freight cost (the case's cost). Sets
    ``replacement_shipped`` and tells the customer the tracking number."""
    case = lock_case(case)
    require_staff_role(case, actor, SHIP_ROLES)
    if case.is_closed:
        raise Conflict(pgettext("logistics", "The case is closed."))
    courier, tracking_number = (courier or "").strip(), (tracking_number or "").strip()
    errors = {}
    if not courier or len(courier) > 40:
        errors["courier"] = _("required, at most 40 characters")
    if not tracking_number or len(tracking_number) > 60:
        errors["tracking_number"] = _("required, at most 60 characters")
    if errors:
        raise ValidationError(_("Enter the courier and the tracking number."), fields=errors)
    try:
        cost = amount_parse(freight_cost if freight_cost not in (None, "") else "0")
    except AmountError as exc:
        raise ValidationError(exc.message, fields={"freight_cost": exc.message}) from None
    items = _shipment_lines(case, lines)
    if not items:
        raise ValidationError(_("Name what is shipped."), fields={"lines": _("required")})
    if rma is None:
        rma = ReturnAuthorization.objects.filter(case=case).order_by("-trip").first()
    at = timezone.now()
    shipment = Shipment.objects.create(
        number=next_number("shipment", "SHP", at=at), case=case, rma=rma, courier=courier,
        tracking_number=tracking_number, freight_cost=cost,
        address=(case.order.receiver_address if case.order_id else "")[:255], shipped_at=at,
        shipped_by=staff(actor))
    for product, qty in items:
        ShipmentLine.objects.create(shipment=shipment, product=product, quantity=qty)
        StockMovement.objects.create(
            at=at, kind=MovementKind.REPLACEMENT, case=case, rma=rma, shipment=shipment,
            product=product, quantity=qty, from_location="stock", to_location="customer",
            actor=staff(actor), actor_label=actor_label(actor)[:80])
    case_note_record(case=case, actor=actor, fact="replacement_shipped", record=shipment.number,
                     data={"courier": courier, "tracking_no": tracking_number,
                           "freight_cost": str(cost)})
    notify_customer(case, topic="replacement_shipped",
                    subject=_("Your replacement is on its way"),
                    body=_("We sent your replacement by %(courier)s, tracking number "
                           "%(tracking)s.") % {"courier": courier, "tracking": tracking_number},
                    dedupe_key=f"replacement_shipped:{shipment.number}",
                    params={"courier": courier, "tracking": tracking_number})
    return shipment
