import sys

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from aftersales.core import cache

# Handlers below import models and services when they run: an app config module is imported
# while the app registry fills, before any model may be.


def load_shipped_policies(sender, *, using="default", verbosity=1, **kwargs) -> None:
    """Setup, not domain logic: a migrated database gets the shipped policies/ (issue 3 item 1).

    Idempotent (a version only when a file changed). A broken policy file doesn't break migrate:
    it is reported, and `aftersales policy load` shows the same error.
    """
    if using != "default":
        return
    if "policy_policyversion" not in connections[using].introspection.table_names():
        return
    try:
        from aftersales.policy.services import default_policy_dir, policies_load_directory

        if not default_policy_dir().is_dir():
            return
        created = policies_load_directory()
    except Exception as exc:  # noqa: BLE001 - reported, see docstring
        sys.stderr.write(f"policy: shipped policies not loaded: {exc}\n")
        return
    if created and verbosity >= 1:
        names = ", ".join(f"{v.policy.name} v{v.number}" for v in created)
        sys.stdout.write(f"  Policies loaded: {names}\n")


class PolicyConfig(AppConfig):
    name = "aftersales.policy"
    label = "policy"
    verbose_name = _("After-sales policies")

    def ready(self) -> None:
        post_migrate.connect(load_shipped_policies, sender=self,
                             dispatch_uid="policy_load_shipped_policies")
        cache.watch("policy.Policy", "policy.PolicyVersion")  # versions and documents
