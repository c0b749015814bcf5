"""Admin for categories, material classes, products (with components) and the parts price list."""

from django.contrib import admin

from aftersales.catalog.models import Category, Component, MaterialClass, PartPrice, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "parent", "three_guarantees")
    list_filter = ("three_guarantees", "parent")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)


@admin.register(MaterialClass)
class MaterialClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    autocomplete_fields = ("supplier",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "category", "model", "list_price", "points", "is_consumable",
                    "is_custom_made", "is_key_product", "supplier", "active")
    list_filter = ("category", "active", "is_consumable", "is_custom_made", "is_perishable",
                   "is_key_product", "not_exchangeable", "is_promo_bundle")
    search_fields = ("sku", "name", "model")
    list_select_related = ("category", "supplier", "factory")
    autocomplete_fields = ("category", "supplier", "factory")
    readonly_fields = ("created_at", "updated_at")
    inlines = [ComponentInline]


@admin.register(PartPrice)
class PartPriceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "price", "category", "valid_from", "valid_to")
    list_filter = ("category", "unit")
    search_fields = ("code", "name")
    list_select_related = ("category",)
    date_hierarchy = "valid_from"
