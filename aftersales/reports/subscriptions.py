"""Scheduled reports (issue 12 item 4): a user subscribes to a report with its filters; the
worker e-mails it as Excel when due. Each run covers the period just past — yesterday for a
daily report, the last seven days for a weekly one, the previous calendar month for a monthly
one — so a subscription never goes stale. A failing run records its error and tries again at
the next time; it never stops the other subscriptions."""

from __future__ import annotations

import datetime as dt
import tempfile
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aftersales.core import export
from aftersales.core.errors import ValidationError
from aftersales.core.labels import pick_label
from aftersales.core.routers import replica_reads
from aftersales.reports.models import Frequency, ReportSubscription
from aftersales.reports.registry import report_get_for_user

# Filters kept with a subscription (dates are the run's own).
KEPT = ("group_by", "period", "business_line", "department", "kind", "channel", "status",
        "policy")


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def next_run(frequency: str, at: dt.time, *, after: dt.datetime) -> dt.datetime:
    """The first time strictly after ``after`` when this schedule runs (China time)."""
    local = after.astimezone(_zone())
    day = local.date()
    while True:
        candidate = dt.datetime.combine(day, at, tzinfo=_zone())
        due_day = (frequency == Frequency.DAILY
                   or (frequency == Frequency.WEEKLY and day.weekday() == 0)
                   or (frequency == Frequency.MONTHLY and day.day == 1))
        if due_day and candidate > local:
            return candidate
        day += dt.timedelta(days=1)


def period_for(frequency: str, run_at: dt.datetime) -> tuple[dt.date, dt.date]:
    """The period a run covers: the day, week or calendar month before the run."""
    today = run_at.astimezone(_zone()).date()
    if frequency == Frequency.DAILY:
        return today - dt.timedelta(days=1), today - dt.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return today - dt.timedelta(days=7), today - dt.timedelta(days=1)
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@transaction.atomic
def subscription_create(*, user, report: str, params: dict, frequency: str,
                        at: dt.time | str) -> ReportSubscription:
    """Subscribe ``user`` to a report they may see, with the page's filters."""
    definition = report_get_for_user(user=user, name=report)  # NotFound / PermissionDenied
    errors = {}
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose how often.")
    if isinstance(at, str):
        try:
            at = dt.time.fromisoformat(at)
        except ValueError:
            errors["at"] = _("Enter a time such as 08:30.")
    if not getattr(user, "email", ""):
        errors["email"] = _("Your account has no e-mail address to send the report to.")
    if errors:
        raise ValidationError(_("The subscription can't be saved."), fields=errors)
    kept = {k: str(v) for k, v in params.items() if k in KEPT and v}
    definition.run(user=user, params={**kept, "date_from": "2000-01-01",
                                      "date_to": "2000-01-01"})  # the filters are valid
    return ReportSubscription.objects.create(
        user=user, report=report, params=kept, frequency=frequency, at=at,
        next_run_at=next_run(frequency, at, after=timezone.now()))


def subscription_delete(*, user, pk: int) -> None:
    ReportSubscription.objects.filter(pk=pk, user=user).delete()


def _send(sub: ReportSubscription, run_at: dt.datetime) -> None:
    user = sub.user
    start, end = period_for(sub.frequency, run_at)
    with override(settings.LANGUAGE_CODE):
        report = report_get_for_user(user=user, name=sub.report)
        with replica_reads():
            _f, result = report.run(user=user, params={
                **sub.params, "date_from": start.isoformat(), "date_to": end.isoformat()})
        name = f"{report.label}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        with tempfile.TemporaryFile(suffix=".xlsx") as handle:
            export.xlsx_write(handle, [export.Sheet(pick_label(t.title), t.columns, t.rows)
                                       for t in result.all_tables])
            handle.seek(0)
            content = handle.read()
        mail = EmailMessage(
            subject=_("%(report)s %(start)s – %(end)s") % {
                "report": report.label, "start": start, "end": end},
            body=_("The report %(report)s for %(start)s – %(end)s is attached.")
            % {"report": report.label, "start": start, "end": end},
            to=[user.email])
        mail.attach(name, content, export.CONTENT_TYPE)
        mail.send()


def subscriptions_send(*, now: dt.datetime | None = None) -> int:
    """Send every subscription that is due (the worker's pass); the number sent."""
    now = now or timezone.now()
    sent = 0
    for sub in (ReportSubscription.objects.select_related("user")
                .filter(next_run_at__lte=now, user__is_active=True).order_by("next_run_at")):
        error = ""
        try:
            _send(sub, sub.next_run_at)
            sent += 1
        except Exception as exc:  # noqa: BLE001 - one bad subscription must not stop the rest
            error = str(getattr(exc, "message", exc))[:2000]
        ReportSubscription.objects.filter(pk=sub.pk).update(
            next_run_at=next_run(sub.frequency, sub.at, after=now),
            last_sent_at=now if not error else sub.last_sent_at, last_error=error)
    return sent
