"""Queries for orders: which orders a user may reach.

``orders_visible_to`` is the one object scope for orders: every staff lookup, search and intake
that starts from an order number goes through it, so a dealer never reaches another dealer's or
the online shop's orders (X4), and an outsourced factory only the orders that hold its products
(S2.6).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from aftersales.sales.models import Order, OrderLine


def orders_visible_to(user) -> QuerySet[Order]:
    """Every order this user may reach; an anonymous or role-less user reaches none."""
    qs = Order.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    if getattr(user, "dealer_id", None):
        return qs.filter(dealer_id=user.dealer_id)
    if getattr(user, "factory_id", None):
        made_here = OrderLine.objects.filter(order=OuterRef("pk"),
                                             product__factory_id=user.factory_id)
        return qs.filter(Exists(made_here))
    if not user.role_codes:
        return qs.none()
    return qs


def phone_digits(phone: str) -> str:
    """The digits of a phone number, without China's +86 prefix."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    return digits[-11:] if digits.startswith("86") and len(digits) == 13 else digits


def phone_matches(order: Order, phone: str) -> bool:
    """S1.2 identity: the phone given is the buyer's or the receiver's on the order."""
    given = phone_digits(phone)
    if len(given) < 6:
        return False
    known = {phone_digits(order.receiver_phone), phone_digits(order.customer.phone)}
    return given in known - {""}
