"""Working-day calendar data (REGULATIONS-CN.md §6; POLICY-API.md "Working days").

The calendar cannot be computed: each year's arrangement comes from a State Council notice
(HOL-7). A year is either seeded from the `chinesecalendar` package or entered by hand
(source "manual"). Every day of a covered year has one CalendarDay row, so "is this year
covered?" is simply "is there a CalendarYear row?".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
    MANUAL = "manual", _("entered by hand")


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("working day")
    WEEKEND = "weekend", _("weekend")
    HOLIDAY = "holiday", _("statutory holiday")
    ADJUSTED_WORKDAY = "adjusted_workday", _("adjusted working day")


class CalendarYear(models.Model):
    region = models.CharField(_("region"), max_length=8, default="CN")
    year = models.PositiveIntegerField(_("year"))
    source = models.CharField(
        _("source"), max_length=20, choices=CalendarSource.choices, default=CalendarSource.MANUAL
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["region", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="calendars_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class CalendarDay(models.Model):
    region = models.CharField(_("region"), max_length=8, default="CN")
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    holiday_name = models.CharField(_("holiday name"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["region", "date"]
        constraints = [
            models.UniqueConstraint(fields=["region", "date"], name="calendars_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.date} {self.kind}"


class BusinessHours(models.Model):
    """Office hours for SLA clocks in business hours; department NULL = the company default."""

    department = models.OneToOneField(
        "accounts.Department", verbose_name=_("department"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="business_hours",
    )
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    lunch_start = models.TimeField(_("lunch break start"), null=True, blank=True)
    lunch_end = models.TimeField(_("lunch break end"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        constraints = [
            # At most one company default.
            # (NULLs are distinct in a unique index, hence the COALESCE expression.)
            models.UniqueConstraint(
                Coalesce("department", Value(0)), name="calendars_businesshours_one_default",
            ),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="calendars_businesshours_start_lt_end"
            ),
        ]

    def __str__(self) -> str:
        who = self.department.code if self.department_id else "default"
        return f"{who} {self.start:%H:%M}-{self.end:%H:%M}"
