"""`aftersales policy evaluate|load|list|show|diff|simulate` (POLICY-API.md, issue 3 items 1, 7).

`evaluate FILE|-` prints the decision JSON on stdout and exits 0 for any decision (allowed or
not). Invalid input exits 2; the error JSON {"code", "message", "fields"} goes to STDOUT (it is
the answer, the same body REST returns with 422) and a one-line summary to stderr. Everything
heavy is imported inside handle() so that the command starts quickly.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from aftersales.core.errors import CoreErrorCode


class Command(BaseCommand):
    help = "Policies: evaluate a request, load, list, show, diff and simulate versions."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        ev = sub.add_parser(
            "evaluate", help="Evaluate a POLICY-API request (JSON file or -).",
            description="Prints the decision JSON on stdout, exit 0 for any decision. Invalid "
                        "input: exit 2, the error JSON {code, message, fields} on stdout and a "
                        "one-line summary on stderr.")
        ev.add_argument("file", help="request JSON file, or - for standard input")
        ld = sub.add_parser("load", help="Load policy files (default: the shipped policies/).")
        ld.add_argument("directory", nargs="?", default=None)
        sub.add_parser("list", help="List policies and their versions.")
        sh = sub.add_parser("show", help="Print a version's YAML (default: newest).")
        sh.add_argument("name")
        sh.add_argument("--version", type=int, default=None, dest="number")
        sh.add_argument("--merged", action="store_true",
                        help="print the merged document (with parents) as JSON")
        df = sub.add_parser("diff", help="Unified diff between two versions of a policy.")
        df.add_argument("name")
        df.add_argument("a", type=int)
        df.add_argument("b", type=int)
        sm = sub.add_parser("simulate", help="Replay logged requests under a draft (item 7).")
        sm.add_argument("--policy", required=True)
        sm.add_argument("--draft", required=True, help="draft YAML file")
        sm.add_argument("--since", default=None, help="only requests logged since YYYY-MM-DD")
        sm.add_argument("--json", action="store_true", dest="as_json",
                        help="print the result as JSON")

    def handle(self, *args, action, **options):
        from aftersales.core.errors import ApplicationError

        try:
            getattr(self, "do_" + action)(**options)
        except ApplicationError as exc:
            self.stdout.write(self._json(exc.as_dict()))
            raise CommandError(str(exc.message), returncode=2) from exc

    @staticmethod
    def _json(data) -> str:
        return json.dumps(data, ensure_ascii=False, indent=2)

    def do_evaluate(self, *, file, **_):
        from django.utils.translation import gettext as _

        from aftersales.core.errors import ValidationError
        from aftersales.policy.models import EvaluationChannel
        from aftersales.policy.services import policy_evaluate

        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as fh:
                    text = fh.read()
        except OSError as exc:
            raise ValidationError(_("Cannot read the request file."), code=CoreErrorCode.INVALID,
                                  fields={"file": exc.strerror or str(exc)}) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("The request is not valid JSON."), code=CoreErrorCode.INVALID,
                fields={"body": f"line {exc.lineno} column {exc.colno}: {exc.msg}"},
            ) from exc
        decision = policy_evaluate(data=data, actor=None, channel=EvaluationChannel.CLI)
        self.stdout.write(self._json(decision))

    def do_load(self, *, directory, **_):
        from aftersales.policy.services import default_policy_dir, policies_load_directory

        created = policies_load_directory(path=directory or default_policy_dir())
        for v in created:
            self.stdout.write(f"{v.policy.name} v{v.number} {v.label} "
                              f"(effective {v.effective_from})")
        self.stdout.write(f"{len(created)} new version(s).")

    def do_list(self, **_):
        from aftersales.policy.selectors import policy_list

        for policy in policy_list():
            parent = f" extends {policy.parent.name}" if policy.parent else ""
            self.stdout.write(f"{policy.name}{parent} — {policy.title}")
            for v in policy.versions.all():
                self.stdout.write(f"  v{v.number}  {v.label:<20} effective {v.effective_from}"
                                  f"  {v.created_at:%Y-%m-%d %H:%M}  {v.comment}")

    def do_show(self, *, name, number, merged, **_):
        from aftersales.policy.selectors import policy_version_get
        from aftersales.policy.services import policy_resolve

        version = policy_version_get(name=name, number=number)
        if merged:
            _v, doc = policy_resolve(name=name, version=version.number)
            self.stdout.write(self._json(doc))
            return
        self.stdout.write(f"# {name} v{version.number} {version.label} "
                          f"effective {version.effective_from}")
        self.stdout.write(version.source_text)

    def do_diff(self, *, name, a, b, **_):
        from aftersales.policy.selectors import policy_versions_diff

        self.stdout.write(policy_versions_diff(name=name, a=a, b=b) or "(no difference)")

    def do_simulate(self, *, policy, draft, since, as_json=False, **_):
        from datetime import date

        from django.utils.translation import gettext as _

        from aftersales.core.errors import ValidationError
        from aftersales.policy.services import policy_simulate

        try:
            with open(draft, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise ValidationError(_("Cannot read the draft file."), code=CoreErrorCode.INVALID,
                                  fields={"draft": exc.strerror or str(exc)}) from exc
        try:
            since_date = date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise ValidationError(_("Not a date (YYYY-MM-DD)."), code=CoreErrorCode.INVALID,
                                  fields={"since": _("not a date (YYYY-MM-DD)")}) from exc
        result = policy_simulate(name=policy, draft_text=text, since=since_date).as_dict()
        if as_json:
            self.stdout.write(self._json(result))
            return
        self.stdout.write(f"Policy {result['policy']}: {result['replayed']} request(s) replayed, "
                          f"{result['changed']} decision(s) change, {result['failed']} failed.")
        self.stdout.write(f"Refund difference: {result['refund_difference']} yuan; "
                          f"customer pays difference: {result['customer_pays_difference']} yuan.")
        if result["by_rule"]:
            self.stdout.write(f"{'rule':<28} {'changed':>8} {'refund diff':>14}")
            for row in result["by_rule"]:
                self.stdout.write(f"{row['rule']:<28} {row['changed']:>8} "
                                  f"{row['refund_difference']:>14}")
