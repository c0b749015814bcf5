from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.policy import documents
from aftersales.workflow.graph import validate_section


class WorkflowConfig(AppConfig):
    name = "aftersales.workflow"
    label = "workflow"
    verbose_name = _("Workflows and SLAs")

    def ready(self) -> None:
        # Setup, not domain logic: the policy loader validates the `workflow` section with ours.
        documents.register_section_validator("workflow", validate_section)
