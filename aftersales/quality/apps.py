from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "aftersales.quality"
    label = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        # Setup, not domain logic: the policy's `quality` section (defect codes) is validated
        # here, and the quality panels fill the case page and the home page (core.panels).
        from aftersales.core import panels
        from aftersales.policy import documents
        from aftersales.quality import panels as quality_panels
        from aftersales.quality.section import validate_section

        documents.register_section_validator("quality", validate_section)
        panels.register("case", key="quality", order=30, template="quality/_case_panel.html",
                        context=quality_panels.case_panel_context)
        panels.register("home", key="quality", order=30, template="quality/_home_panel.html",
                        context=quality_panels.home_panel_context)
