from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChargesConfig(AppConfig):
    name = "aftersales.charges"
    label = "charges"
    verbose_name = _("Charges")

    def ready(self) -> None:
        # Setup, not domain logic: the policy's `charges:` section, the page slots, the worker.
        from aftersales.cases.management.commands import worker
        from aftersales.charges import panels as charge_panels
        from aftersales.charges.policy import SECTION, validate_section
        from aftersales.charges.services import (
            advance_replacement_charges_raise,
            compensations_sweep,
        )
        from aftersales.core import panels
        from aftersales.policy import documents

        documents.register_section_validator(SECTION, validate_section)
        panels.register("case", key="charges", template="charges/_case_panel.html",
                        context=charge_panels.case_panel, order=40)
        panels.register("portal_case", key="charges", template="charges/_portal_panel.html",
                        context=charge_panels.portal_panel, order=40)
        panels.register("home", key="charges", template="charges/_home_panel.html",
                        context=charge_panels.home_panel, order=40)
        worker.MAINTENANCE_PASSES["advance_replacement_charges"] = \
            advance_replacement_charges_raise
        worker.MAINTENANCE_PASSES["late_compensations"] = compensations_sweep
