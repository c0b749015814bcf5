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
