from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "aftersales.workflow"
    label = "workflow"
    verbose_name = _("Workflows and SLAs")

    def ready(self) -> None:
        # Setup, not domain logic: the policy loader validates the `workflow` section with ours.
        try:
            from aftersales.policy import documents
        except ImportError:  # the policy loader isn't there yet
            return
        if hasattr(documents, "register_section_validator"):
            from aftersales.workflow.definitions import validate_section

            documents.register_section_validator("workflow", validate_section)
