"""The `aftersales` console command: Django's management commands behind one name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    argv[0] = "aftersales"
    if len(argv) == 1 or argv[1] in ("-h", "--help"):
        argv = [argv[0], "help"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
