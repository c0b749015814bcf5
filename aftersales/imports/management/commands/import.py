"""`aftersales import orders|products|customers FILE [--encoding ENC] [--dry-run]` (issue 2 item 5).

Prints the summary, or every bad row as file:row:column: reason and exits 2. The file is
imported all-or-nothing.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from aftersales.imports.models import ImportKind
from aftersales.imports.services import import_file

PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = _("Import orders, products or customers from a CSV or .xlsx file (all-or-nothing).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[k.value for k in ImportKind])
        parser.add_argument("file", type=Path)
        parser.add_argument("--encoding", help=_("encoding of a CSV file (default: detect "
                                                 "UTF-8 or GBK/GB18030)"))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("check the file and report, write nothing"))
        parser.add_argument("--create-categories", action="store_true",
                            help=_("products: create unknown category codes"))
        parser.add_argument("--quiet-progress", action="store_true",
                            help=_("no progress lines on stderr"))

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("no such file: %(path)s") % {"path": path}, returncode=2)
        next_report = [PROGRESS_EVERY]

        def progress(rows: int) -> None:
            if rows >= next_report[0]:
                sys.stderr.write(_("%(file)s: %(rows)d rows…") % {"file": path.name,
                                                                   "rows": rows} + "\n")
                next_report[0] = rows + PROGRESS_EVERY

        result = import_file(kind=options["kind"], source=path, file_name=path.name,
                             encoding=options["encoding"], dry_run=options["dry_run"],
                             create_categories=options["create_categories"],
                             progress=None if options["quiet_progress"] else progress)
        run = result.run
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.truncated:
                self.stderr.write(_("… more errors not shown; nothing was imported."))
            else:
                self.stderr.write(_("%(count)d error(s); nothing was imported.")
                                  % {"count": len(result.errors)})
            sys.exit(2)
        summary = _("%(kind)s %(file)s: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged (%(rows)d rows)") % {
            "kind": run.kind, "file": path.name, "created": run.created,
            "updated": run.updated, "unchanged": run.unchanged, "rows": run.rows}
        if run.dry_run:
            summary += " — " + _("dry run, nothing written")
        self.stdout.write(summary)
