"""The filters a report accepts, read from a query string (page, export and API alike) and
checked: a reversed or far-too-long range, a date after today, a value that does not exist
each answer a 422 naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.cases.models import CaseChannel, CaseKind, FineStatus
from aftersales.core.choices import BusinessLine
from aftersales.core.errors import ValidationError
from aftersales.policy.models import Policy
from aftersales.reports.errors import ReportErrorCode

PERIODS = ("day", "week", "month")
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366  # one request reads at most three years
MAX_DAYS_BY_DAY = 366  # a day-by-day report at most a year


@dataclass(frozen=True)
class ReportFilters:
    date_from: dt.date
    date_to: dt.date  # inclusive
    period: str = "month"
    group_by: str = ""
    business_line: str = ""
    department: str = ""  # a department code
    department_id: int | None = None
    kind: str = ""
    channel: str = ""
    status: str = ""
    policy: str = ""

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links and the export)."""
        out = {k: (v.isoformat() if isinstance(v, dt.date) else str(v))
               for k, v in asdict(self).items() if v not in ("", None)}
        out.pop("department_id", None)
        return out


def today() -> dt.date:
    return timezone.localdate()


def _date(params: Mapping[str, str], name: str, errors: dict[str, str]) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Give a date as YYYY-MM-DD.")
        return None


def filters_parse(*, params: Mapping[str, str], accepts: tuple[str, ...],
                  group_by: tuple[str, ...]) -> ReportFilters:
    """The report's filters from ``params``; defaults: the last 30 days by month, the first
    grouping. Filters the report does not accept are ignored."""
    errors: dict[str, str] = {}
    date_to = _date(params, "date_to", errors) or today()
    date_from = _date(params, "date_from", errors) or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    period = (params.get("period") or "month").strip()
    if period not in PERIODS:
        errors["period"] = _("Choose day, week or month.")
    chosen = (params.get("group_by") or (group_by[0] if group_by else "")).strip()
    if group_by and chosen not in group_by:
        errors["group_by"] = _("This report cannot be grouped that way.")
    if not errors:
        if date_from > date_to:
            errors["date_to"] = _("The end date is before the start date.")
        elif date_from > today():
            errors["date_from"] = _("The start date is after today: there is nothing to show.")
        elif (date_to - date_from).days + 1 > MAX_DAYS:
            errors["date_from"] = _("Choose at most three years.")
        elif period == "day" and (date_to - date_from).days + 1 > MAX_DAYS_BY_DAY:
            errors["period"] = _("Day by day covers at most a year; choose weeks or months.")
    values: dict[str, str] = {}
    choices = {"business_line": BusinessLine.values, "kind": CaseKind.values,
               "channel": CaseChannel.values, "status": FineStatus.values}
    for name, allowed in choices.items():
        value = (params.get(name) or "").strip() if name in accepts else ""
        if value and value not in allowed:
            errors[name] = _("There is no such value.")
        values[name] = value
    department = (params.get("department") or "").strip() if "department" in accepts else ""
    department_id = None
    if department:
        department_id = (Department.objects.filter(code=department)
                         .values_list("pk", flat=True).first())
        if department_id is None:
            errors["department"] = _("There is no such department.")
    policy = (params.get("policy") or "").strip() if "policy" in accepts else ""
    if policy and not Policy.objects.filter(name=policy).exists():
        errors["policy"] = _("There is no such policy.")
    if errors:
        raise ValidationError(_("Some filters are not valid."),
                              code=ReportErrorCode.REPORT_FILTER_INVALID, fields=errors)
    return ReportFilters(date_from=date_from, date_to=date_to, period=period, group_by=chosen,
                         department=department, department_id=department_id, policy=policy,
                         **values)
