"""The number sequences of the numbered forms (issue 11 item 8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """The last number given for one form kind in one year (RMA-2026-000001, …).

    Bumped with one UPDATE inside the caller's transaction: the row lock serializes concurrent
    writers, and a rolled-back business action gives its number back.
    """

    kind = models.CharField(_("form kind"), max_length=40)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [models.UniqueConstraint(fields=["kind", "year"],
                                               name="documents_sequence_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
