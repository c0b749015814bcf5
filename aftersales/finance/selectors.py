"""Reading refunds: lists with their filters, the one refund a user may see, the home figures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.cases.selectors import cases_visible_to
from aftersales.core.errors import NotFound
from aftersales.core.money import ZERO
from aftersales.finance.errors import FinanceErrorCode
from aftersales.finance.models import (
    OPEN_STATUSES,
    PaymentStatus,
    PointsEntry,
    Refund,
    RefundLine,
    RefundStatus,
)

# Who reads refunds: the money roles, and customer service who submits them (S7.2).
READ_ROLES = (Role.FINANCE, Role.CASHIER, Role.CS_SUPERVISOR, Role.CUSTOMER_SERVICE,
              Role.SALES_SPECIALIST, Role.SALES_SUPERVISOR, Role.SALES_VP, Role.MANAGEMENT,
              Role.ADMIN)


def may_read_refunds(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user.has_role(*READ_ROLES)) and not (
        getattr(user, "dealer_id", None) or getattr(user, "factory_id", None))


def refunds_visible_to(user) -> QuerySet[Refund]:
    if not may_read_refunds(user):
        return Refund.objects.none()
    return Refund.objects.filter(case__in=cases_visible_to(user))


def breach_q(at=None) -> Q:
    """Not paid within the breach period after receipt (B7-31): still open past it, or paid
    after it."""
    at = at or timezone.now()
    return Q(breach_at__isnull=False) & (
        (Q(status__in=OPEN_STATUSES) & Q(breach_at__lt=at))
        | Q(status=RefundStatus.PAID, paid_at__gt=F("breach_at")))


def refund_list(*, user, status: str = "", method: str = "", breach: bool = False,
                q: str = "") -> QuerySet[Refund]:
    qs = (refunds_visible_to(user)
          .select_related("case", "customer", "requested_by", "approved_by")
          .prefetch_related("lines"))
    if status:
        qs = qs.filter(status=status)
    if method:
        qs = qs.filter(Exists(RefundLine.objects.filter(refund=OuterRef("pk"), method=method)))
    if breach:
        qs = qs.filter(breach_q())
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(case__number__icontains=q)
                       | Q(order__number__icontains=q) | Q(customer__name__icontains=q))
    return qs.order_by("-requested_at", "-pk")


def refund_get_for_user(*, user, number: str) -> Refund:
    refund = (refunds_visible_to(user)
              .select_related("case", "order", "customer", "requested_by", "approved_by",
                              "refused_by")
              .filter(number=str(number or "").strip().upper()).first())
    if refund is None:
        raise NotFound(_("No such refund."), code=FinanceErrorCode.REFUND_NOT_FOUND)
    return refund


def refund_lines(refund: Refund) -> list[RefundLine]:
    return list(refund.lines.prefetch_related("payments__recorded_by").order_by("pk"))


def refunds_of_case(case) -> list[Refund]:
    return list(Refund.objects.filter(case=case).select_related(
        "requested_by", "approved_by").prefetch_related("lines").order_by("pk"))


def finance_figures(user) -> dict:
    """The home page's queue figures: to approve, to pay, breaches, totals."""
    qs = refunds_visible_to(user)
    now = timezone.now()

    def total(rows) -> Decimal:
        return rows.aggregate(s=Sum("amount"))["s"] or ZERO

    pending = qs.filter(status=RefundStatus.PENDING)
    approved = qs.filter(status=RefundStatus.APPROVED)
    month = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    paid_month = qs.filter(status=RefundStatus.PAID, paid_at__gte=month)
    return {
        "to_approve": list(pending.select_related("case").prefetch_related("lines")
                           .order_by("due_at", "pk")[:10]),
        "to_approve_count": pending.count(), "to_approve_total": total(pending),
        "to_pay": list(approved.select_related("case").prefetch_related("lines")
                       .order_by("due_at", "pk")[:10]),
        "to_pay_count": approved.count(), "to_pay_total": total(approved),
        "breaches": qs.filter(breach_q(now)).count(),
        "paid_month_count": paid_month.count(), "paid_month_total": total(paid_month),
        "pending_payments": qs.filter(payments__status=PaymentStatus.PENDING).distinct().count(),
    }


def points_ledger(customer) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(customer=customer).select_related("refund", "case")


def method_totals(qs: QuerySet[Refund]) -> list[dict]:
    return list(RefundLine.objects.filter(refund__in=qs).values("method")
                .annotate(total=Sum("amount"), n=Count("pk")).order_by("method"))
