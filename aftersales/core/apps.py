from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _cache_table(sender, using="default", **kwargs):
    # The database cache (settings.CACHES) needs its table; createcachetable is idempotent.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Setup, not domain logic: `aftersales migrate` leaves a working cache behind.
        post_migrate.connect(_cache_table, sender=self, dispatch_uid="core_cache_table")
