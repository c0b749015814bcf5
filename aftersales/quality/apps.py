from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class QualityConfig(AppConfig):
    name = "aftersales.quality"
    label = "quality"
    verbose_name = pgettext_lazy("quality", "Quality")

    def ready(self) -> None:
        # Setup, not domain logic: the policy's `quality` section (defect codes) is validated
        # here, and the quality panels fill the case page and the home page (core.panels).
        from aftersales.core import exports, panels
        from aftersales.policy import documents
        from aftersales.quality import panels as quality_panels
        from aftersales.quality import views_lists
        from aftersales.quality.section import validate_section

        documents.register_section_validator("quality", validate_section)
        panels.register("case", key="quality", order=30, template="quality/_case_panel.html",
                        context=quality_panels.case_panel_context)
        panels.register("home", key="quality", order=30, template="quality/_home_panel.html",
                        context=quality_panels.home_panel_context)
        # A list too large for one download is written by the worker (core.exports).
        exports.register("inspections", views_lists.inspection_list_export_source)
        exports.register("quality_reports", views_lists.report_list_export_source)
        exports.register("supplier_claims", views_lists.supplier_claim_list_export_source)
        exports.register("corrective_actions", views_lists.action_list_export_source)
