from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CacheStamp(models.Model):
    """The one row whose token every in-process cache is valid for (aftersales.core.cache)."""

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("cache stamp")
        verbose_name_plural = _("cache stamps")

    def __str__(self) -> str:
        return self.token


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ExportJob(models.Model):
    """A list too large for one download, written by the worker (issue 12 item 3): who asked,
    for which list with which filters, how far it got, and the finished file. Only the user who
    asked may download it; the file is kept a week (core.exports.EXPORT_KEEP_DAYS)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                             on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("list"), max_length=40)  # a registered exporter's name
    params = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField(_("rows expected"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="exportjob_user")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, int(self.written * 100 / self.total)) if self.total else 0
