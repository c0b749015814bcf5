from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from aftersales.core import cache

# Handlers below import models and services when they run: an app config module is imported
# while the app registry fills, before any model may be.


def _reseed_after_flush(sender, *, using="default", **kwargs) -> None:
    """Setup, not domain logic: a flushed database (test teardown, `flush`) gets its calendar back.

    The data migration seeds a fresh database; a flush empties the tables but only re-sends
    post_migrate, so the package years and default business hours are restored here when missing.
    """
    if "calendars_calendaryear" not in connections[using].introspection.table_names():
        return
    from aftersales.calendars.models import CalendarYear

    if CalendarYear.objects.using(using).exists():
        return
    from aftersales.calendars.services import calendar_seed

    calendar_seed()


class CalendarsConfig(AppConfig):
    name = "aftersales.calendars"
    label = "calendars"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        post_migrate.connect(_reseed_after_flush, sender=self, dispatch_uid="calendars_reseed")
        cache.watch("calendars.CalendarYear", "calendars.CalendarDay",
                    "calendars.BusinessHours")  # the working-day calendar
