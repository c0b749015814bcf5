"""Admin for orders (lines, payments, shipments inline), serials, lots, invoices, warranty cards."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aftersales.core.pii import mask_phone
from aftersales.sales.models import (
    Invoice,
    Lot,
    Order,
    OrderLine,
    Payment,
    SerialNumber,
    Shipment,
    WarrantyCard,
)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("line_no", "product", "sku", "name", "quantity", "unit_price", "points", "gift",
              "declared_gift_price", "bundle", "no_return_confirmed")
    raw_id_fields = ("product", "bundle")


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "placed_at", "customer", "business_line", "channel", "dealer",
                    "total", "receiver_phone_masked", "source")
    list_filter = ("business_line", "channel", "source")
    search_fields = ("number", "customer__code", "customer__name", "customer__phone",
                     "receiver_phone", "receiver_name", "lines__sku",
                     "shipments__tracking_no")
    list_select_related = ("customer", "dealer")
    raw_id_fields = ("customer",)
    autocomplete_fields = ("dealer",)
    date_hierarchy = "placed_at"
    readonly_fields = ("content_hash", "created_at", "updated_at")
    inlines = [OrderLineInline, PaymentInline, ShipmentInline]
    show_full_result_count = False

    @admin.display(description=_("receiver phone"), ordering="receiver_phone")
    def receiver_phone_masked(self, obj: Order) -> str:
        """Lists show the receiver's phone masked (PIPL); the order's page shows it."""
        return mask_phone(obj.receiver_phone)


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ("lot_no", "product", "production_date", "quantity", "factory")
    list_filter = ("factory",)
    search_fields = ("lot_no", "product__sku", "product__name")
    list_select_related = ("product", "factory")
    raw_id_fields = ("product",)


@admin.register(SerialNumber)
class SerialNumberAdmin(admin.ModelAdmin):
    list_display = ("serial", "product", "lot", "order_number", "production_date")
    search_fields = ("serial", "product__sku", "order_line__order__number")
    list_select_related = ("product", "lot", "order_line__order")
    raw_id_fields = ("product", "lot", "order_line")

    @admin.display(description=_("order"), ordering="order_line__order__number")
    def order_number(self, obj: SerialNumber) -> str:
        return obj.order_line.order.number if obj.order_line_id else ""


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "issued_on", "amount", "title")
    search_fields = ("number", "order__number", "title")
    list_select_related = ("order",)
    raw_id_fields = ("order",)
    date_hierarchy = "issued_on"


@admin.register(WarrantyCard)
class WarrantyCardAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "serial", "dealer", "sold_on", "returned_on")
    list_filter = ("dealer",)
    search_fields = ("number", "order__number", "serial__serial")
    list_select_related = ("order", "serial", "dealer")
    raw_id_fields = ("order", "serial")
    date_hierarchy = "sold_on"
