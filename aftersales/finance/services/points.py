"""The members' points ledger (积分流水, B7-15): every earn, spend, restore and adjustment with its
reason; the balance is the sum of the deltas, never a number typed by hand."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationError
from aftersales.finance.models import PointsEntry, PointsKind
from aftersales.parties.models import Customer


def points_balance(customer: Customer | int) -> int:
    pk = customer.pk if isinstance(customer, Customer) else customer
    return int(PointsEntry.objects.filter(customer_id=pk).aggregate(s=Sum("delta"))["s"] or 0)


@transaction.atomic
def points_record(*, customer: Customer, delta: int, kind: str, reason: str, actor=None,
                  case=None, refund=None, payment=None) -> PointsEntry:
    """Add one movement to the member's ledger; a spend or adjustment can't take the balance
    below zero. The member's row is locked so concurrent movements add up."""
    if kind not in PointsKind.values:
        raise ValidationError(_("Unknown kind of points movement."), fields={"kind": _("unknown")})
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise ValidationError(_("The points must be a whole number other than zero."),
                              fields={"delta": _("whole number, not zero")})
    if kind in (PointsKind.EARN, PointsKind.RESTORE) and delta < 0:
        raise ValidationError(_("Earned or restored points are added, not taken."),
                              fields={"delta": _("must be positive")})
    if kind == PointsKind.SPEND and delta > 0:
        raise ValidationError(_("Spent points are taken, not added."),
                              fields={"delta": _("must be negative")})
    if not (reason or "").strip():
        raise ValidationError(_("Say why the points change."), fields={"reason": _("required")})
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    balance = points_balance(customer) + delta
    if balance < 0:
        raise ValidationError(_("The member has only %(n)d points.")
                              % {"n": balance - delta}, fields={"delta": _("above the balance")})
    return PointsEntry.objects.create(
        customer=customer, delta=delta, kind=kind, reason=reason.strip()[:200], case=case,
        refund=refund, payment=payment, balance_after=balance,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now())
