"""The RMA and receipt lists (/returns/, /returns/receipts/) and their Excel exports.

Both lists sort by their headers, page 20/50/100 rows and narrow to a date range on the
record's main date (an RMA's issue date, a receipt's date) through core.listing; the export
link carries the same query string and the export source reads it the same way, so the file
follows the page's search, status, order and range (issue 12 item 3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.core import exports
from aftersales.core.export import Sheet, TextColumn
from aftersales.core.list_export import list_export
from aftersales.core.listing import Listing, ListSpec, choice_order, listing_context
from aftersales.logistics import selectors as sel
from aftersales.logistics.models import RmaStatus


def rma_spec() -> ListSpec:
    return ListSpec(
        sorts={"number": ("number", "pk"),
               "status": (choice_order("status", RmaStatus.choices), "pk"),
               "ship_back_by": ("ship_back_by", "pk"),
               "issued": ("created_at", "pk")},
        default="-issued", date_field="created_at", date_label=_("Issued on"),
        keep=("q", "status"), desc_first={"issued"})


def receipt_spec() -> ListSpec:
    return ListSpec(
        sorts={"number": ("number", "pk"), "received": ("received_at", "pk"),
               "complete": ("complete", "pk")},
        default="-received", date_field="received_at", date_label=_("Received on"),
        keep=("q",), desc_first={"received"})


def _rma_filters(params) -> dict:
    return {"q": str(params.get("q", "")), "status": str(params.get("status", ""))}


def _receipt_filters(params) -> dict:
    return {"q": str(params.get("q", ""))}


def _rmas(user, params):
    return Listing(rma_spec(), params).apply(sel.rma_search(user=user, **_rma_filters(params)))


def _receipts(user, params):
    return Listing(receipt_spec(), params).apply(
        sel.receipt_search(user=user, **_receipt_filters(params)))


@login_required
def rma_list(request: HttpRequest) -> TemplateResponse:
    filters = _rma_filters(request.GET)
    listing = Listing(rma_spec(), request.GET)
    page = listing.paginate(sel.rma_search(user=request.user, **filters),
                            request.GET.get("page"))
    columns = [("number", _("RMA")), (None, _("Case")), ("status", _("Status")),
               (None, _("Destination")), (None, _("Parcel")),
               ("ship_back_by", pgettext("logistics", "Ship back by")), ("issued", _("Issued at"))]
    return TemplateResponse(request, "logistics/rma_list.html", {
        **listing_context(listing, page, columns), **filters, "statuses": RmaStatus.choices})


@login_required
def receipt_list(request: HttpRequest) -> TemplateResponse:
    filters = _receipt_filters(request.GET)
    listing = Listing(receipt_spec(), request.GET)
    page = listing.paginate(sel.receipt_search(user=request.user, **filters),
                            request.GET.get("page"))
    columns = [("number", _("Receipt")), (None, _("RMA")), (None, _("Case")),
               ("received", _("Received")), ("complete", _("Complete"))]
    return TemplateResponse(request, "logistics/receipt_list.html", {
        **listing_context(listing, page, columns), **filters})


# ----------------------------------------------------------------------------- Excel exports
def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _yes(value: bool) -> str:
    return _("yes") if value else ""


def _rma_columns() -> list[TextColumn]:
    return [TextColumn("number", _("RMA")), TextColumn("case", _("Case")),
            TextColumn("trip", _("Return trip"), "int"), TextColumn("status", _("Status")),
            TextColumn("destination", _("Destination")), TextColumn("receiver", _("Receiver")),
            TextColumn("paid_by", _("Freight paid by")),
            TextColumn("freight_cost", _("Freight cost"), "money"),
            TextColumn("courier", _("Courier")), TextColumn("tracking", _("Tracking number")),
            TextColumn("quantity", _("Quantity authorized"), "int"),
            TextColumn("issued_at", _("Issued at"), "datetime"),
            TextColumn("ship_back_by", pgettext("logistics", "Ship back by"), "datetime"),
            TextColumn("shipped_at", _("Shipped at"), "datetime"),
            TextColumn("received_at", _("Received at"), "datetime"),
            TextColumn("advance", _("Advance replacement"))]


def _rma_rows(qs):
    qs = qs.annotate(authorized=Sum("lines__quantity"))
    for r in qs.iterator(chunk_size=1000):
        yield {"number": r.number, "case": r.case.number, "trip": r.trip,
               "status": r.get_status_display(), "destination": r.get_destination_display(),
               "receiver": r.address_name, "paid_by": r.get_shipping_paid_by_display(),
               "freight_cost": r.freight_cost, "courier": r.courier,
               "tracking": r.tracking_number, "quantity": r.authorized,
               "issued_at": r.created_at, "ship_back_by": r.ship_back_by,
               "shipped_at": r.shipped_at, "received_at": r.received_at,
               "advance": _yes(r.advance_replacement)}


def rma_list_export_source(user, params: dict) -> exports.ExportSource:
    """The RMA list with these query parameters (its search, status, order and date range;
    every RMA the user may see) as an export: for the download and the background export."""
    name = pgettext("logistics", "Return authorizations")
    return exports.ExportSource(filename=f"{name}-{_stamp()}.xlsx",
                                sheets=[Sheet(name, _rma_columns(),
                                              _rma_rows(_rmas(user, params)))])


def _receipt_columns() -> list[TextColumn]:
    return [TextColumn("number", _("Receipt")), TextColumn("rma", _("RMA")),
            TextColumn("case", _("Case")), TextColumn("place", _("Received at (place)")),
            TextColumn("received_at", _("Received at"), "datetime"),
            TextColumn("received_by", _("Received by")),
            TextColumn("quantity", _("Quantity received"), "int"),
            TextColumn("complete", _("Complete")), TextColumn("note", _("Note"))]


def _receipt_rows(qs):
    qs = qs.annotate(received=Sum("lines__quantity"))
    for r in qs.iterator(chunk_size=1000):
        yield {"number": r.number, "rma": r.rma.number, "case": r.case.number,
               "place": r.get_location_display(), "received_at": r.received_at,
               "received_by": r.received_by_label, "quantity": r.received,
               "complete": _("yes") if r.complete else _("partly"), "note": r.note}


def receipt_list_export_source(user, params: dict) -> exports.ExportSource:
    """The receipt list with these query parameters as an export (see above)."""
    name = pgettext("logistics", "Receipts")
    return exports.ExportSource(filename=f"{name}-{_stamp()}.xlsx",
                                sheets=[Sheet(name, _receipt_columns(),
                                              _receipt_rows(_receipts(user, params)))])


@login_required
def rma_list_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, kind="rmas", qs=_rmas(request.user, request.GET),
                   source=rma_list_export_source, page=rma_list)


@login_required
def receipt_list_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, kind="receipts", qs=_receipts(request.user, request.GET),
                   source=receipt_list_export_source, page=receipt_list)
