from django.contrib import admin

from aftersales.portal.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "active", "created_at", "last_used_at")
    list_filter = ("active",)
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "prefix")
