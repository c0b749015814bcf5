from django.contrib import admin

from aftersales.calendars.models import BusinessHours, CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Years are entered on /calendar/<year>/edit (atomic, validated); the admin only lists."""

    list_display = ["year", "region", "source", "entered_by", "entered_at"]
    list_filter = ["region", "source"]
    readonly_fields = ["region", "year", "source", "entered_by", "entered_at"]

    def has_add_permission(self, request):
        return False


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ["__str__", "department", "start", "end", "lunch_start", "lunch_end"]
