from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aftersales.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The worker lives in the cases app, below this one: it runs the summary refresh
        # through its registry of passes rather than importing upward.
        from aftersales.cases.management.commands import worker
        from aftersales.reports.services import summaries_refresh

        worker.MAINTENANCE_PASSES["report_summaries"] = summaries_refresh
