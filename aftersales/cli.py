"""The `aftersales` console command: Django's management commands behind one name."""

import os
import sys

SUMMARY = """Aftersales (售后) — after-sales service and RMA system.

Everyday commands:
  aftersales demo load | demo logins          demo company (idempotent) and its logins
  aftersales import orders|products|customers FILE
                                              CSV/XLSX import, all-or-nothing
  aftersales policy evaluate FILE|-           policy decision as JSON (POLICY-API.md)
  aftersales policy load|list|show|diff|simulate
  aftersales calendar add DATE --working-days N | show YEAR | set-year YEAR --file F
  aftersales worker [--once]                  background worker: SLA sweep, escalations,
                                              fines, notifications
  aftersales apikey USER [NAME]               API key for machine clients
  aftersales migrate                          create or upgrade the database

"""


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    argv = sys.argv[:]
    argv[0] = "aftersales"
    if len(argv) == 1 or argv[1] in ("-h", "--help"):
        sys.stdout.write(SUMMARY)
        argv = [argv[0], "help"]
    try:
        execute_from_command_line(argv)
    except (OperationalError, ProgrammingError) as exc:
        # An unmigrated or unreachable database: say what to do instead of a traceback.
        sys.stderr.write(
            f"aftersales: database error: {exc}\n"
            "Is the database reachable and up to date? Run `aftersales migrate` "
            "(or `make run`) first; DATABASE_URL selects the database.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
