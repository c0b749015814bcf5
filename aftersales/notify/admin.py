from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.notify.models import Message
from aftersales.notify.services import messages_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts",
                    "next_attempt_at", "sent_at", "provider", "case"]
    list_filter = ["status", "channel", "provider", "topic"]
    search_fields = ["recipient", "subject", "case__number"]
    readonly_fields = ["channel", "recipient", "subject", "body", "params", "case", "topic",
                       "dedupe_key", "status", "attempts", "next_attempt_at", "last_error",
                       "provider", "provider_ref", "created_at", "sent_at"]
    list_select_related = ["case"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected failed messages"))
    def retry(self, request, queryset):
        n = messages_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, ngettext("%(n)d message queued again.",
                                            "%(n)d messages queued again.", n) % {"n": n},
                          messages.SUCCESS)
