"""`aftersales demo load [--if-empty] [--seed N]` and `aftersales demo logins` (issue 2 item 6)."""

import unicodedata

from django.core.management.base import BaseCommand, CommandError

from aftersales.core.demo.company import DEFAULT_SEED


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "The demo company: load it (idempotent) or print the demo logins."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{load,logins}")
        sub.required = True
        load = sub.add_parser("load", help="Load the demo company (running it again changes "
                                           "nothing).")
        load.add_argument("--if-empty", action="store_true",
                          help="Do nothing when the demo company is already there.")
        load.add_argument("--seed", type=int, default=DEFAULT_SEED,
                          help="Seed of the deterministic random data (default %(default)s).")
        sub.add_parser("logins", help="Print the demo users: role, username, password, home.")

    def handle(self, *args, **options):
        if options["action"] == "load":
            return self._load(options)
        if options["action"] == "logins":
            return self._logins()
        raise CommandError(f"unknown action {options['action']!r}")

    def _load(self, options):
        from aftersales.core.demo.services import demo_load

        result = demo_load(seed=options["seed"], if_empty=options["if_empty"])
        if result["skipped"]:
            self.stdout.write("Demo company already loaded; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Demo company {result['company']}: {result['created_orders']} new orders "
            f"in {result['seconds']} s."))
        if isinstance(result["policies"], str):
            self.stderr.write(f"Policies not loaded: {result['policies']}")
        elif result["policies"] is not None:
            self.stdout.write(f"Policies: {len(result['policies'])} new versions loaded.")

    def _logins(self):
        from aftersales.core.demo.company import COMPANY_NAME
        from aftersales.core.demo.services import demo_logins

        header = ("角色 role", "用户名 username", "密码 password", "首页 home")
        rows = [(f"{r['role_name']} ({r['role']})", r["username"], r["password"], r["home"])
                for r in demo_logins()]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(4)]
        self.stdout.write(f"Demo logins — {COMPANY_NAME}")
        for row in [header, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths,
                                                                          strict=True)).rstrip())
