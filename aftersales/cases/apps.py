from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _

# Handlers below import models and services when they run: an app config module is imported
# while the app registry fills, before any model may be.


def _uncommitted_files_remove(sender, **kwargs):
    # Plumbing, not domain logic: files written by a request whose transaction rolled back.
    from aftersales.cases.services.attachments import attachment_files_uncommitted_remove

    attachment_files_uncommitted_remove()


class CasesConfig(AppConfig):
    name = "aftersales.cases"
    label = "cases"
    verbose_name = _("After-sales cases")

    def ready(self) -> None:
        request_finished.connect(_uncommitted_files_remove,
                                 dispatch_uid="cases_uncommitted_files_remove")
        # A case list too large for one download is written by the worker (core.exports).
        from aftersales.cases.views.lists import case_list_export_source
        from aftersales.core import exports

        exports.register("cases", case_list_export_source)
        from aftersales.cases.management.commands import worker

        worker.MAINTENANCE_PASSES["exports_expired"] = exports.exports_expire
