"""Catalogue reads: the goods a customer may ask for in exchange (S4.2), with price and points."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.catalog.models import Product


def exchange_goods() -> QuerySet[Product]:
    """Active products that may be asked for in exchange (not flagged not exchangeable, not a
    promotional bundle, S4.2), by SKU, with their category."""
    return (Product.objects.select_related("category")
            .filter(active=True, not_exchangeable=False, is_promo_bundle=False)
            .order_by("sku"))


def exchange_goods_by_sku(skus) -> dict[str, Product]:
    """The exchangeable products among these SKUs, by SKU (one query)."""
    return {p.sku: p for p in exchange_goods().filter(sku__in=list(skus))}
