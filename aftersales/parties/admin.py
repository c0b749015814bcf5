"""Admin for customers, dealers, suppliers and outsourced factories (issue 2 item 5)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aftersales.core.pii import mask_phone
from aftersales.parties.models import Customer, Dealer, OutsourcedFactory, Supplier


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "company", "kind", "phone_masked", "province", "city",
                    "key_account", "dealer", "points_balance")
    list_filter = ("kind", "key_account", "province")
    search_fields = ("code", "name", "company", "phone", "email", "member_no")
    list_select_related = ("dealer",)
    autocomplete_fields = ("dealer",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("phone"), ordering="phone")
    def phone_masked(self, obj: Customer) -> str:
        """Lists show the customer's phone masked (PIPL); the customer's page shows it."""
        return mask_phone(obj.phone)


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "province", "contact", "phone", "active")
    list_filter = ("region", "active", "province")
    search_fields = ("code", "name", "contact", "phone")
    readonly_fields = ("created_at", "updated_at")


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "contact", "phone", "email", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "contact", "phone")
    readonly_fields = ("created_at", "updated_at")


@admin.register(OutsourcedFactory)
class OutsourcedFactoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "responsible_person", "phone", "email", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "responsible_person", "phone")
    readonly_fields = ("created_at", "updated_at")
