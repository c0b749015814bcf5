"""The `aftersales` console command: Django's management commands behind one name.

Two everyday commands take a light path: `aftersales policy evaluate FILE` and `aftersales
calendar add …` are answered by their own management command class, but with only the apps
their models need (LIGHT_COMMANDS), without looking up every app's commands and without the
system checks (which import every URL configuration, the API and its schemas). Everything else,
and any use of --settings, --pythonpath or --help, goes through Django's full command line.
"""

import gc
import importlib
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

SETTINGS_MODULE = "aftersales.settings"

# The apps whose models the light commands read or write, with the apps those models point at
# (the user model's department, dealer and factory; permissions and content types).
_BASE_APPS = (
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.parties",
    "aftersales.calendars",
)
LIGHT_COMMANDS = {
    ("policy", "evaluate"): ("aftersales.policy.management.commands.policy",
                             (*_BASE_APPS, "aftersales.policy")),
    ("calendar", "add"): ("aftersales.calendars.management.commands.calendar", _BASE_APPS),
}
# Options that change how Django itself is set up: with them, the full path.
_FULL_PATH_OPTIONS = ("-h", "--help", "--settings", "--pythonpath", "--version")


def light_command(argv: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """(command module, apps) when argv (without the program name) can take the light path."""
    if len(argv) < 2 or (argv[0], argv[1]) not in LIGHT_COMMANDS:
        return None
    if any(a.split("=", 1)[0] in _FULL_PATH_OPTIONS for a in argv):
        return None
    return LIGHT_COMMANDS[(argv[0], argv[1])]


def setup_light(apps: tuple[str, ...]) -> None:
    """Configure Django from the project's settings module with only `apps` installed."""
    import django
    from django.conf import global_settings, settings

    module = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE") or SETTINGS_MODULE)
    options = {name: getattr(module, name) for name in dir(module) if name.isupper()}
    options["INSTALLED_APPS"] = list(apps)
    settings.configure(global_settings, **options)
    django.setup()


def run_light(argv: list[str], module: str, apps: tuple[str, ...]) -> None:
    """Run the command class of `module` the way `manage.py` would, after setup_light()."""
    # Start-up allocates thousands of objects that live as long as the process: collecting
    # garbage in the middle of it is wasted work for a command that ends a moment later.
    gc.disable()
    try:
        setup_light(apps)
        command = importlib.import_module(module).Command()
    finally:
        gc.enable()
    command.requires_system_checks = []
    command.run_from_argv(argv)


def main() -> None:
    from django.db.utils import OperationalError, ProgrammingError

    argv = sys.argv[:]
    argv[0] = "aftersales"
    light = light_command(argv[1:])
    if len(argv) == 1 or argv[1] in ("-h", "--help"):
        sys.stdout.write(SUMMARY)
        argv = [argv[0], "help"]
    try:
        if light is not None:
            run_light(argv, *light)
        else:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
            from django.core.management import execute_from_command_line

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
