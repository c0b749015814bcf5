"""Reads of the logistics app: RMAs and receipts a user may see, the scan look-up, queues, and
the figures other apps read (freight costs for charges, the receipt date for finance, overdue
advance replacements)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from aftersales.calendars.calendar import SHANGHAI
from aftersales.cases.models import Case
from aftersales.cases.selectors import cases_visible_to
from aftersales.logistics.models import (
    Discrepancy,
    Receipt,
    ReturnAuthorization,
    ReturnForm,
    RmaStatus,
    Shipment,
    StockMovement,
)

OPEN = (RmaStatus.ISSUED, RmaStatus.SHIPPED, RmaStatus.PARTLY_RECEIVED)
SEARCH_MAX = 80


def rmas_visible_to(user) -> QuerySet[ReturnAuthorization]:
    """RMAs of the cases the user sees; an outsourced factory's user: those addressed to their
    factory (S2.6)."""
    qs = ReturnAuthorization.objects.select_related("case", "factory")
    if getattr(user, "factory_id", None) and not getattr(user, "is_superuser", False):
        return qs.filter(factory_id=user.factory_id)
    return qs.filter(case__in=cases_visible_to(user))


def receipts_visible_to(user) -> QuerySet[Receipt]:
    return Receipt.objects.select_related("rma", "case").filter(rma__in=rmas_visible_to(user))


def rma_find(*, user, query: str) -> ReturnAuthorization | None:
    """One input for the scanner or the keyboard: the RMA number, the case number or the
    tracking number; the newest open RMA first."""
    q = (query or "").strip()[:SEARCH_MAX]
    if not q:
        return None
    qs = rmas_visible_to(user)
    upper = q.upper()
    for condition in (Q(number=upper), Q(case__number=upper), Q(tracking_number=q)):
        hit = qs.filter(condition).order_by("-created_at", "-id")
        found = hit.filter(status__in=OPEN).first() or hit.first()
        if found is not None:
            return found
    return None


def rma_get_for_user(*, user, number: str) -> ReturnAuthorization | None:
    return rmas_visible_to(user).filter(number=str(number or "").strip().upper()[:40]).first()


def rma_search(*, user, q: str = "", status: str = "") -> QuerySet[ReturnAuthorization]:
    qs = rmas_visible_to(user)
    q = (q or "").strip()[:SEARCH_MAX]
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(case__number__icontains=q)
                       | Q(tracking_number__icontains=q) | Q(address_name__icontains=q))
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in RmaStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def receipt_search(*, user, q: str = "") -> QuerySet[Receipt]:
    qs = receipts_visible_to(user)
    q = (q or "").strip()[:SEARCH_MAX]
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(rma__number__icontains=q)
                       | Q(case__number__icontains=q) | Q(rma__tracking_number__icontains=q))
    return qs.order_by("-received_at", "-id")


def _today_end(now: datetime) -> datetime:
    local = timezone.localtime(now, SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def warehouse_queue(*, user, now: datetime | None = None) -> dict:
    """The warehouse home (issue 11 item 10): RMAs expected today, overdue, and shipped
    (parcels on their way: receipts to record), with counts."""
    now = now or timezone.now()
    open_ = rmas_visible_to(user).filter(status__in=OPEN)
    end = _today_end(now)
    start = end - timedelta(days=1)
    today = open_.filter(ship_back_by__gte=start, ship_back_by__lt=end)
    overdue = open_.filter(ship_back_by__lt=start, status=RmaStatus.ISSUED)
    to_receive = open_.filter(status__in=(RmaStatus.SHIPPED, RmaStatus.PARTLY_RECEIVED))
    return {
        "today": list(today.order_by("ship_back_by")[:10]), "today_count": today.count(),
        "overdue": list(overdue.order_by("ship_back_by")[:10]),
        "overdue_count": overdue.count(),
        "to_receive": list(to_receive.order_by("shipped_at")[:10]),
        "to_receive_count": to_receive.count(),
    }


def discrepancies_open(*, user) -> QuerySet[Discrepancy]:
    """Open discrepancies of the cases the user sees (the specialist's home, S2.7)."""
    return (Discrepancy.objects.select_related("case", "rma", "receipt")
            .filter(settled_at__isnull=True, case__in=cases_visible_to(user))
            .order_by("opened_at", "id"))


def case_logistics(case: Case) -> dict:
    """Everything of the case's returns for its panel."""
    rmas = list(ReturnAuthorization.objects.filter(case=case)
                .prefetch_related("lines__case_line__order_line", "receipts__lines__photos",
                                  "receipts__lines__rma_line__case_line__order_line")
                .order_by("trip"))
    return {
        "rmas": rmas,
        "discrepancies": list(Discrepancy.objects.filter(case=case).select_related(
            "receipt", "settled_by").order_by("-opened_at")),
        "forms": list(ReturnForm.objects.filter(case=case).prefetch_related(
            "lines", "signatures").select_related("archived")),
        "shipments": list(Shipment.objects.filter(case=case).prefetch_related(
            "lines__product")),
        "movements": list(StockMovement.objects.filter(case=case).select_related(
            "product")[:50]),
    }


# ------------------------------------------------------------ what other apps read
def case_freight_costs(case: Case) -> dict[str, Decimal]:
    """Freight the company paid on the case (the case's cost; issue 11 item 7): inbound (the
    customer's return parcel when the company pays) and outbound (replacements)."""
    inbound = ReturnAuthorization.objects.filter(case=case).aggregate(
        s=Sum("freight_cost"))["s"] or Decimal("0.00")
    outbound = Shipment.objects.filter(case=case).aggregate(
        s=Sum("freight_cost"))["s"] or Decimal("0.00")
    return {"inbound": inbound, "outbound": outbound}


def case_received_at(case: Case) -> datetime | None:
    """When the goods of the case's return were all received (the refund clock, B7-13, S9.5):
    the last RMA that is complete; else the first receipt."""
    done = ReturnAuthorization.objects.filter(case=case, status=RmaStatus.RECEIVED,
                                              received_at__isnull=False)
    last = done.order_by("-received_at").values_list("received_at", flat=True).first()
    if last is not None:
        return last
    return Receipt.objects.filter(case=case).order_by("received_at").values_list(
        "received_at", flat=True).first()


def advance_replacements_overdue(*, now: datetime | None = None
                                 ) -> QuerySet[ReturnAuthorization]:
    """Advance replacements (S8.1) whose defective unit is not back by its due date: the
    charges app charges them."""
    now = now or timezone.now()
    return (ReturnAuthorization.objects.select_related("case")
            .filter(advance_replacement=True, defective_due_by__lt=now)
            .exclude(status__in=(RmaStatus.RECEIVED, RmaStatus.CLOSED))
            .order_by("defective_due_by", "id"))


def ledger(*, user, q: str = "", since=None, until=None) -> QuerySet[StockMovement]:
    qs = (StockMovement.objects.select_related("product", "rma", "case", "actor")
          .filter(case__in=cases_visible_to(user)))
    q = (q or "").strip()[:SEARCH_MAX]
    if q:
        qs = qs.filter(Q(rma__number__icontains=q) | Q(case__number__icontains=q)
                       | Q(product__sku__icontains=q) | Q(product__name__icontains=q))
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-at", "-id")
