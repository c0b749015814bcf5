from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "aftersales.logistics"
    label = "logistics"
    verbose_name = _("Returns and receipts")

    def ready(self) -> None:
        # Setup, not domain logic: the policy loader validates our `returns:` section; the
        # worker (cases app, below) runs our pass; the pages above cases show our panels.
        from aftersales.cases.management.commands import worker
        from aftersales.core import exports
        from aftersales.logistics import panels, returns_policy
        from aftersales.logistics.services import rmas_not_shipped_sweep
        from aftersales.logistics.views_lists import (
            receipt_list_export_source,
            rma_list_export_source,
        )
        from aftersales.policy import documents

        documents.register_section_validator("returns", returns_policy.validate_section)
        worker.MAINTENANCE_PASSES["returns_not_shipped"] = rmas_not_shipped_sweep
        panels.register()
        # A list too large for one download is written by the worker (core.exports).
        exports.register("rmas", rma_list_export_source)
        exports.register("receipts", receipt_list_export_source)
