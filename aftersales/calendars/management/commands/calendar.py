"""`aftersales calendar add|show|set-year|seed` (POLICY-API.md "Working days").

    aftersales calendar add 2026-01-05 --working-days 3      -> 2026-01-08
    aftersales calendar add 2026-02-13T17:00 --business-hours 3 [--department CODE]
    aftersales calendar show 2026
    aftersales calendar set-year 2027 --file schedule.yaml
    aftersales calendar seed [--replace] [YEAR ...]

Errors (e.g. a year without data) print the message on stderr, then the JSON error
{"code", "message", "fields", ...}, and exit with status 2.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Working-day calendar: date arithmetic, show a year, enter a year, seed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("add", help="FROM + N working days / natural days / business hours")
        p.add_argument("start", metavar="FROM", help="YYYY-MM-DD, or an ISO datetime for hours")
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--working-days", type=int)
        g.add_argument("--days", type=int)
        g.add_argument("--business-hours", type=str, metavar="H")
        p.add_argument("--department", help="department code whose business hours apply")
        p.add_argument("--region", default="CN")
        p = sub.add_parser("show", help="a year's holidays and adjusted working days")
        p.add_argument("year", type=int)
        p.add_argument("--json", action="store_true")
        p.add_argument("--region", default="CN")
        p = sub.add_parser("set-year", help="enter a year's State Council schedule")
        p.add_argument("year", type=int)
        p.add_argument("--file", required=True, help="schedule.yaml or .json")
        p.add_argument("--region", default="CN")
        p = sub.add_parser("seed", help="(re-)seed years from the chinesecalendar package")
        p.add_argument("years", nargs="*", type=int)
        p.add_argument("--replace", action="store_true",
                       help="overwrite existing years (also hand-entered ones)")

    def handle(self, *args, action, **opts):
        from aftersales.core.errors import ApplicationError

        try:
            getattr(self, "_" + action.replace("-", "_"))(**opts)
        except ApplicationError as exc:
            self.stderr.write(str(exc.message))
            self.stderr.write(json.dumps(exc.as_dict(), ensure_ascii=False))
            sys.exit(2)

    def _add(self, *, start, working_days, days, business_hours, department, region, **_):
        from datetime import date, datetime
        from decimal import Decimal, InvalidOperation

        from aftersales.calendars.calendar import SHANGHAI, get_calendar

        cal = get_calendar(region)
        if business_hours is not None:
            from aftersales.calendars.selectors import business_hours_department_check

            business_hours_department_check(department)
            try:
                at = datetime.fromisoformat(start)
                hours = Decimal(business_hours)
            except (ValueError, InvalidOperation) as exc:
                raise CommandError(str(exc), returncode=2) from None
            if at.tzinfo is None:
                at = at.replace(tzinfo=SHANGHAI)
            self.stdout.write(cal.add_business_hours(at, hours, department).isoformat())
            return
        try:
            d = date.fromisoformat(start)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if working_days is not None:
            self.stdout.write(cal.add_working_days(d, working_days).isoformat())
        else:
            self.stdout.write(cal.add_days(d, days).isoformat())

    def _show(self, *, year, json: bool = False, region, **_):
        import json as _json

        from aftersales.calendars.calendar import CalendarYearMissing
        from aftersales.calendars.selectors import calendar_year_schedule

        sched = calendar_year_schedule(year=year, region=region)
        if sched is None:
            raise CalendarYearMissing(year, field="year")
        if json:
            self.stdout.write(_json.dumps({
                "year": year,
                "holidays": [{"name": n, "start": s.isoformat(), "end": e.isoformat()}
                             for s, e, n in sched.holidays],
                "adjusted_workdays": [d.isoformat() for d in sched.adjusted_workdays],
            }, ensure_ascii=False, indent=2))
            return
        for s, e, n in sched.holidays:
            self.stdout.write(f"{s.isoformat()} – {e.isoformat()}  {n}  ({(e - s).days + 1})")
        for d in sched.adjusted_workdays:
            self.stdout.write(f"{d.isoformat()} {d:%a} 调休上班")

    def _set_year(self, *, year, file, region, **_):
        from django.utils.translation import gettext as _t

        from aftersales.calendars.schedule_io import load_schedule_file
        from aftersales.calendars.services import calendar_year_save
        from aftersales.core.errors import ValidationError

        data = load_schedule_file(file)
        if data["year"] is not None and int(data["year"]) != year:
            raise ValidationError(
                _t("The file is for %(file_year)s, not %(year)s.")
                % {"file_year": data["year"], "year": year},
                fields={"year": str(data["year"])},
            )
        calendar_year_save(
            year=year, holidays=data["holidays"], adjusted_workdays=data["adjusted_workdays"],
            actor=None, region=region, note=data["note"],
        )
        self.stdout.write(f"{region} {year}: saved")

    def _seed(self, *, years, replace, **_):
        from aftersales.calendars.services import calendar_seed

        written = calendar_seed(years=years or None, replace=replace)
        self.stdout.write(
            "seeded: " + (", ".join(map(str, written)) if written else "nothing (already there)")
        )
