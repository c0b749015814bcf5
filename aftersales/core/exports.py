"""Background exports of large lists (issue 12 item 3).

A list up to ``export.MAX_ROWS`` rows downloads at once. A larger one becomes an ExportJob: the
worker writes it (``tasks.export_run``), counting its rows as it goes so the page can show a
progress bar, and the user downloads the finished file from the job's page. A failure marks
the job failed with the reason; a half-written file is never offered.

Apps register what they can export in their AppConfig.ready():

    exports.register("cases", rows_for)   # rows_for(user, params) -> ExportSource

``ExportSource`` gives the file name and the sheets (columns and a row iterator). The user is
the one who asked: an exporter applies that user's scope.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aftersales.core import export
from aftersales.core.errors import CoreErrorCode, NotFound, ValidationError
from aftersales.core.models import ExportJob, ExportStatus

# The largest list a background export writes, and how long its file is kept.
BACKGROUND_MAX_ROWS = 1_000_000
EXPORT_KEEP_DAYS = 7
PROGRESS_EVERY = 5000  # rows between progress updates


@dataclass
class ExportSource:
    filename: str
    sheets: list[export.Sheet]


Exporter = Callable[[object, dict], ExportSource]
_EXPORTERS: dict[str, Exporter] = {}


def register(kind: str, exporter: Exporter) -> None:
    _EXPORTERS[kind] = exporter


def export_request(*, user, kind: str, params: dict, total: int, language: str) -> ExportJob:
    """Queue a background export of list ``kind`` with these filters for this user."""
    if kind not in _EXPORTERS:
        raise NotFound(_("There is no such list."))
    if total > BACKGROUND_MAX_ROWS:
        raise ValidationError(
            _("This list has more than %(n)d rows: narrow the filters.")
            % {"n": BACKGROUND_MAX_ROWS}, code=CoreErrorCode.EXPORT_TOO_LARGE)
    job = ExportJob.objects.create(user=user, kind=kind, params=params, total=total,
                                   language=language)
    transaction.on_commit(lambda: export_run.enqueue(job.pk))
    return job


def export_get_for_user(*, user, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, user=user).first()
    if job is None:
        raise NotFound(_("There is no such export."))
    return job


class _Counter:
    """Counts the rows written over all sheets; every PROGRESS_EVERY rows the job's row
    count is updated for the progress bar."""

    def __init__(self, job: ExportJob) -> None:
        self.job, self.n = job, 0

    def rows(self, rows: Iterator) -> Iterator:
        for row in rows:
            self.n += 1
            if self.n % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job.pk).update(written=self.n)
            yield row


def export_job_run(job_id: int) -> ExportJob:
    """Write one queued export (the worker's task). The file is finished in a temporary file
    and stored only when complete."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    try:
        counter = _Counter(job)
        with override(job.language):
            source = _EXPORTERS[job.kind](job.user, job.params)
            sheets = [export.Sheet(s.title, s.columns, counter.rows(iter(s.rows)))
                      for s in source.sheets]
            with tempfile.TemporaryFile(suffix=".xlsx") as handle:
                export.xlsx_write(handle, sheets, max_rows=BACKGROUND_MAX_ROWS)
                handle.seek(0)
                job.file.save(source.filename, File(handle), save=False)
        job.filename = source.filename
        job.status = ExportStatus.DONE
        job.written = job.total = counter.n
    except Exception as exc:  # noqa: BLE001 - any failure is the job's, said on its page
        job.status = ExportStatus.FAILED
        job.error = str(getattr(exc, "message", exc))[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file", "filename", "written", "total", "error",
                            "finished_at"])
    return job


@task
def export_run(job_id: int) -> int:
    """The worker's task: write a queued export."""
    return export_job_run(job_id).pk


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files and rows of exports older than EXPORT_KEEP_DAYS."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)
