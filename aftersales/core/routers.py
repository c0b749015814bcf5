"""Reports on a read replica (issue 12 item 5; ARCHITECTURE.md "Growing past one machine").

When DATABASE_REPLICA_URL is set, the settings add a "replica" database and this router. Reads
go to the replica only inside ``replica_reads()`` — a report page, its Excel export, its API
call — so that a business action, which must read what it just wrote, never reads a replica
that lags behind. Writes always go to the primary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads go to the replica when there is one."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReportReadsRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if _reading_reports.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None  # the default database

    def db_for_write(self, model, **hints) -> str | None:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return db == "default"  # the replica follows the primary's schema
