"""Import runs and the changes they made (issue 2 item 5).

One ImportRun per file imported (or checked with --dry-run), kept even when the file was
rejected, so an administrator can see who tried what and why it failed. One ImportChange per
existing record a run updated, with a before/after summary (created records are only counted).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ORDERS = "orders", _("Orders")
    PRODUCTS = "products", _("Products")
    CUSTOMERS = "customers", _("Customers")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Rejected")
    CHECKED = "checked", _("Checked (dry run)")


class ImportRun(models.Model):
    file_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"),
                              null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="import_runs")
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.RUNNING)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"


class ImportChange(models.Model):
    """An existing record a run changed: the key and a summary of the content before and after."""

    run = models.ForeignKey(ImportRun, verbose_name=_("import run"), on_delete=models.CASCADE,
                            related_name="changes")
    entity = models.CharField(_("entity"), max_length=20, choices=ImportKind.choices)
    key = models.CharField(_("key"), max_length=80, db_index=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        verbose_name = _("imported change")
        verbose_name_plural = _("imported changes")
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.entity} {self.key}"
