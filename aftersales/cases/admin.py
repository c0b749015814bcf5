"""Read-only admin views of cases, the timeline, the fine ledger and escalations; changes go
through the services (STYLE.md: no .save() on workflow models outside services)."""

from django.contrib import admin

from aftersales.cases.models import Case, CaseEvent, Escalation, Fine


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "kind", "actor", "actor_label", "from_state", "to_state", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ["number", "kind", "business_line", "state", "priority", "customer",
                    "assignee", "due_at", "breached_at", "created_at"]
    list_filter = ["business_line", "kind", "state_category", "priority", "channel"]
    search_fields = ["number", "order__number", "contact_phone", "customer__phone"]
    list_select_related = ["customer", "assignee"]
    inlines = [EventInline]


@admin.register(Fine)
class FineAdmin(ReadOnly):
    list_display = ["booked_at", "case", "rule", "kind", "day", "amount", "person", "department",
                    "status", "waived_by"]
    list_filter = ["status", "kind", "rule", "department"]
    search_fields = ["case__number", "person__username"]
    list_select_related = ["case", "person", "department", "waived_by"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnly):
    list_display = ["at", "case", "kind", "state", "due_at", "escalated_to", "department",
                    "resolved_at"]
    list_filter = ["kind", "department", "resolved_at"]
    list_select_related = ["case", "escalated_to", "department"]
