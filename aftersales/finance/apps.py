from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "aftersales.finance"
    label = "finance"
    verbose_name = _("Refunds")

    def ready(self) -> None:
        # Setup, not domain logic: the policy's `refunds` section and the page slots.
        from aftersales.core import panels
        from aftersales.finance import views
        from aftersales.finance.rules import validate_section
        from aftersales.policy import documents

        documents.register_section_validator("refunds", validate_section)
        panels.register("case", key="finance", order=40, template="finance/_case_panel.html",
                        context=views.case_panel_context)
        panels.register("portal_case", key="finance", order=40,
                        template="finance/_portal_panel.html",
                        context=views.portal_panel_context)
        panels.register("home", key="finance", order=40, template="finance/_home_panel.html",
                        context=views.home_panel_context)
