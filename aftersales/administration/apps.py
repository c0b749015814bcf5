from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The settings pages (/settings/): users, departments, roles, business lines, API keys,
    notification channels and the policies' everyday numbers (docs/settings.md)."""

    name = "aftersales.administration"
    label = "administration"
    verbose_name = _("System settings")

    def ready(self) -> None:
        # A reference data list too large for one download is written by the worker.
        from aftersales.administration.data_kinds import KINDS
        from aftersales.administration.views.data import export_source
        from aftersales.core import exports

        for kind in KINDS:
            exports.register(f"data_{kind}", export_source(kind))
