"""Import of orders, products and customers from CSV or .xlsx (issue 2 item 5).

`import_file` is the one entry point (command line and admin page). A file is imported
all-or-nothing: every row is validated, all bad rows are reported (up to MAX_ERRORS), and if
there is any error nothing is written. Re-importing the same file changes nothing.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.imports.models import ImportKind, ImportRun, ImportStatus
from aftersales.imports.reading import FileRejected, RowError, RowSource
from aftersales.imports.services.base import MAX_ERRORS, Importer
from aftersales.imports.services.orders import OrderImporter
from aftersales.imports.services.reference import CustomerImporter, ProductImporter

log = logging.getLogger(__name__)

__all__ = ["ImportResult", "MAX_ERRORS", "RowError", "import_file"]

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.ORDERS: OrderImporter,
    ImportKind.PRODUCTS: ProductImporter,
    ImportKind.CUSTOMERS: CustomerImporter,
}


class _Rollback(Exception):
    pass


@dataclass
class ImportResult:
    run: ImportRun
    errors: list[RowError] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def import_file(*, kind: str, source: str | Any | IO[bytes], file_name: str,
                actor: Any = None, encoding: str | None = None, dry_run: bool = False,
                create_categories: bool = False,
                progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import one file of `kind`, all-or-nothing; the ImportRun is kept whatever the outcome.

    The run row is written outside the data transaction so that a rejected file still leaves
    its trace; the data (and the ImportChange rows) are one transaction, rolled back on any
    error or on a dry run.
    """
    run = ImportRun.objects.create(file_name=file_name[:255], kind=kind, dry_run=dry_run,
                                   actor=actor if getattr(actor, "pk", None) else None)
    importer = IMPORTERS[kind](run=run, file_name=file_name,
                               options={"create_categories": create_categories},
                               progress=progress)
    try:
        reader = RowSource(source, file_name=file_name, encoding=encoding)
    except FileRejected as exc:
        return _finish(run, importer, exc.errors)
    run.encoding = reader.encoding or ("xlsx" if reader.is_xlsx else "")
    errors: list[RowError] = []
    try:
        with transaction.atomic():
            importer.map_header(reader.header)
            if not importer.errors:
                for row_no, cells in reader.rows():
                    importer.feed(row_no, cells)
                    if importer.full:
                        break
                importer.finish()
            if importer.errors or dry_run:
                raise _Rollback
    except FileRejected as exc:
        errors = exc.errors
    except DatabaseError as exc:  # e.g. the same file imported twice at once (unique number)
        errors = [RowError(file_name, 0, "-", _(
            "the database refused the data, nothing was imported: %(error)s")
            % {"error": str(exc).strip().splitlines()[0] if str(exc).strip() else exc})]
    except _Rollback:
        pass
    except Exception as exc:  # a bug, not the file: the run still ends as failed, never running
        log.exception("import run %s stopped", run.pk)
        errors = [RowError(file_name, 0, "-", _(
            "the import stopped on an unexpected error, nothing was imported: %(error)s")
            % {"error": type(exc).__name__})]
    finally:
        reader.close()
    return _finish(run, importer, importer.errors + errors)


def _finish(run: ImportRun, importer: Importer, errors: list[RowError]) -> ImportResult:
    run.finished_at = timezone.now()
    run.rows = importer.rows
    if errors:
        run.status = ImportStatus.FAILED
        run.created = run.updated = run.unchanged = 0
    else:
        run.status = ImportStatus.CHECKED if run.dry_run else ImportStatus.SUCCEEDED
        run.created, run.updated, run.unchanged = (importer.created, importer.updated,
                                                   importer.unchanged)
    run.errors = [e.as_dict() for e in errors]
    run.save()
    return ImportResult(run=run, errors=errors, truncated=importer.truncated)
