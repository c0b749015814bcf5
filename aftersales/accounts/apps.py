from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from aftersales.core import cache

# Handlers below import models and services when they run: an app config module is imported
# while the app registry fills, before any model may be.


def _sync_roles(sender, **kwargs):
    # Run once per migrate, after the last app, when every model's permissions exist.
    if sender.name != settings.INSTALLED_APPS[-1]:
        return
    from aftersales.accounts.services import roles_sync

    # flush (TransactionTestCase, live_server) sends post_migrate without "apps".
    if "apps" in kwargs:
        roles_sync(apps=kwargs["apps"])
    else:
        roles_sync()


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    label = "accounts"
    verbose_name = _("Users and departments")

    def ready(self) -> None:
        # Setup, not domain logic: departments and role groups exist after every migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts_roles_sync")
        cache.watch("accounts.Department")  # departments by code
