from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The settings pages (/settings/): users, departments, roles, business lines, API keys,
    notification channels and the policies' everyday numbers (docs/settings.md)."""

    name = "aftersales.administration"
    label = "administration"
    verbose_name = _("System settings")
