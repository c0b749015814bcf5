"""`aftersales demo load [--if-empty] [--seed N]` and `aftersales demo logins` (issue 2 item 6)."""

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.demo.company import DEFAULT_SEED


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = gettext_lazy("The demo company: load it (idempotent) or print the demo logins.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{load,logins}")
        sub.required = True
        load = sub.add_parser("load", help=_(
            "Load the demo company (running it again changes nothing)."))
        load.add_argument("--if-empty", action="store_true",
                          help=_("Do nothing when the demo company is already there."))
        load.add_argument("--seed", type=int, default=DEFAULT_SEED,
                          help=_("Seed of the deterministic random data (default %(default)s)."))
        sub.add_parser("logins", help=_("Print the demo users: role, username, password, home."))

    def handle(self, *args, **options):
        if options["action"] == "load":
            return self._load(options)
        if options["action"] == "logins":
            return self._logins()
        raise CommandError(_("Unknown action: %s") % options["action"])

    def _load(self, options):
        from aftersales.demo.services import demo_load

        result = demo_load(seed=options["seed"], if_empty=options["if_empty"])
        if result["skipped"]:
            self.stdout.write(_("Demo company already loaded; nothing to do."))
            return
        self.stdout.write(self.style.SUCCESS(
            _("Demo company %(company)s: %(orders)d new orders in %(seconds)s s.") % {
                "company": result["company"], "orders": result["created_orders"],
                "seconds": result["seconds"]}))
        cases = result.get("cases")
        if isinstance(cases, str):
            self.stderr.write(_("Demo cases not loaded: %s") % cases)
        elif cases is not None:
            sweep = cases["sweep"]
            self.stdout.write(_("Demo cases: %(cases)d new; SLA sweep: %(breached)d breaches, "
                                "%(escalated)d escalations, %(fines)d fines.") % {
                "cases": cases["created"], "breached": sweep["breached"],
                "escalated": sweep["escalated"], "fines": sweep["fines"]})
        if isinstance(result["policies"], str):
            self.stderr.write(_("Policies not loaded: %s") % result["policies"])
        elif result["policies"] is not None:
            self.stdout.write(_("Policies: %d new versions loaded.") % len(result["policies"]))

    def _logins(self):
        from aftersales.demo.company import COMPANY_NAME
        from aftersales.demo.services import demo_logins

        header = (_("Role"), _("Username"), _("Password"), _("Home page"))
        rows = [(f"{r['role_name']} ({r['role']})", r["username"], r["password"], r["home"])
                for r in demo_logins()]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(4)]
        self.stdout.write(_("Demo logins — %s") % COMPANY_NAME)
        for row in [header, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths,
                                                                          strict=True)).rstrip())
