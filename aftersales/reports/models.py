"""Summary tables the reports read (issue 12 item 5), kept by the worker
(``services.summaries_refresh``) so that no report page scans all cases.

- ``CaseDaySummary``: per day × business line × department × assignee × kind × channel × state,
  how many cases were opened that day and how many were closed that day, with the closed
  cases' cycle-time histogram, satisfaction (S1.7, S8.3) and how many of them closed within
  their end-to-end time (S9.2) or after it. A case is counted under its
  *current* business line, department, assignee, kind, channel and state: the day is the day
  it was opened (``opened``) or closed (``closed``), in China time.
- ``CaseFact``: what each case last contributed to the summary, so that a change to a case
  moves exactly its own counts (subtract the old contribution, add the new one).
- ``SummaryCursor``: how far in the case timeline the refresh has read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Cycle-time histogram (hours from opening to closing): the upper bound of each bucket; the
# last bucket is open-ended. Medians and p90s are interpolated inside a bucket, so they are
# read to this resolution.
CYCLE_BUCKET_HOURS: tuple[int, ...] = (4, 8, 24, 48, 72, 120, 168, 240, 360, 480, 720)
CYCLE_BUCKETS = len(CYCLE_BUCKET_HOURS) + 1


def empty_histogram() -> list[int]:
    return [0] * CYCLE_BUCKETS


class CaseDaySummary(models.Model):
    day = models.DateField(_("day"))
    business_line = models.CharField(_("business line"), max_length=20)
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)
    assignee = models.ForeignKey("accounts.User", verbose_name=_("assignee"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+",
                                 db_index=False)
    kind = models.CharField(_("kind"), max_length=20)
    channel = models.CharField(_("channel"), max_length=20)
    state = models.CharField(_("state"), max_length=60)
    state_category = models.CharField(_("state category"), max_length=20)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    cycle_hist = models.JSONField(_("cycle-time histogram"), default=empty_histogram)
    csat_count = models.PositiveIntegerField(_("ratings"), default=0)
    csat_sum = models.PositiveIntegerField(_("sum of ratings"), default=0)
    # Of the cases closed that day: within the end-to-end time (S9.2) or after it.
    on_time = models.PositiveIntegerField(_("closed on time"), default=0)
    late = models.PositiveIntegerField(_("closed late"), default=0)

    class Meta:
        verbose_name = _("case summary per day")
        verbose_name_plural = _("case summaries per day")
        indexes = [models.Index(fields=["day", "business_line"], name="casedaysummary_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.business_line} {self.kind} {self.state}"


class CaseFact(models.Model):
    """The last contribution of one case to CaseDaySummary (ids, not foreign keys: a fact
    outlives a deleted row until the next rebuild)."""

    case_id = models.BigIntegerField(_("case"), primary_key=True)
    opened_day = models.DateField(_("opened on"))
    closed_day = models.DateField(_("closed on"), null=True, blank=True)
    business_line = models.CharField(_("business line"), max_length=20)
    department_id = models.BigIntegerField(_("department"), null=True, blank=True)
    assignee_id = models.BigIntegerField(_("assignee"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    channel = models.CharField(_("channel"), max_length=20)
    state = models.CharField(_("state"), max_length=60)
    state_category = models.CharField(_("state category"), max_length=20)
    cycle_bucket = models.PositiveSmallIntegerField(_("cycle-time bucket"), null=True,
                                                    blank=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    on_time = models.BooleanField(_("closed on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")

    def __str__(self) -> str:
        return str(self.case_id)


class DefectFact(models.Model):
    """One returned or claimed line of a case, flattened for the defect Pareto (S8.3, S11.10):
    what came back, how many, why, and who made it. Rewritten for a case whenever the refresh
    reads an event of it; ids, not foreign keys, like CaseFact."""

    case_id = models.BigIntegerField(_("case"), db_index=True)
    day = models.DateField(_("opened on"))
    business_line = models.CharField(_("business line"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20)
    product_id = models.BigIntegerField(_("product"), null=True, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    lot_id = models.BigIntegerField(_("lot"), null=True, blank=True)
    supplier_id = models.BigIntegerField(_("supplier"), null=True, blank=True)
    factory_id = models.BigIntegerField(_("outsourced factory"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    defect = models.CharField(_("defect category"), max_length=60, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("defect fact")
        verbose_name_plural = _("defect facts")
        indexes = [models.Index(fields=["day", "business_line"], name="defectfact_day")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.product_id} {self.quantity}"


class SummaryCursor(models.Model):
    name = models.CharField(_("name"), max_length=40, primary_key=True)
    last_event_id = models.BigIntegerField(_("last event read"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary cursor")
        verbose_name_plural = _("summary cursors")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("every day")
    WEEKLY = "weekly", _("every Monday")
    MONTHLY = "monthly", _("on the 1st of each month")


class ReportSubscription(models.Model):
    """A report sent to a user by e-mail as Excel on a schedule (issue 12 item 4): the
    report's name, its filters (without dates: each run covers the period just past — the
    day, the week or the month), how often and at what time (China time). The PMC's 16:00
    material sync and the 17:20 travel-plan snapshot (S11.4, S11.2) are such schedules."""

    user = models.ForeignKey("accounts.User", verbose_name=_("subscriber"),
                             on_delete=models.CASCADE, related_name="report_subscriptions")
    report = models.CharField(_("report"), max_length=40)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    at = models.TimeField(_("at"))
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.frequency} {self.at:%H:%M}"
