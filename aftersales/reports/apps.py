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
        from aftersales.core import panels
        from aftersales.reports.dashboards import home_dashboard
        from aftersales.reports.services import summaries_refresh
        from aftersales.reports.subscriptions import subscriptions_send

        worker.MAINTENANCE_PASSES["report_summaries"] = summaries_refresh
        worker.MAINTENANCE_PASSES["report_subscriptions"] = subscriptions_send
        # Each role's figures at the top of the home page (issue 12 item 2).
        panels.register("home", key="dashboard", order=0,
                        template="reports/_home_dashboard.html", context=home_dashboard)
