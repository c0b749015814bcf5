"""The figures on each role's home page (issue 12 item 2): the agent's own, the supervisor's
team (workload, overdue, on-time, CSAT), quality's top defects, management's overview across
the business lines. Each figure links to the list or report behind it; the team's workload is
a bar chart whose bars open the list of that person's open cases.

Counts of open work come from the cases' indexes (open cases are few); everything over a
period comes from the summary tables (models.CaseDaySummary, DefectFact).
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import SUPERVISOR_ROLES, Role
from aftersales.cases.models import Case, FineStatus, StateCategory
from aftersales.cases.selectors import fines_ledger
from aftersales.core.choices import BusinessLine
from aftersales.reports.filters import today
from aftersales.reports.models import CaseDaySummary, DefectFact

RUNNING = (StateCategory.OPEN, StateCategory.WAITING_CUSTOMER, StateCategory.PAUSED,
           StateCategory.RESOLVED)
QUALITY_ROLES = frozenset({Role.QUALITY, Role.QUALITY_FOLLOWER, Role.QUALITY_SUPERVISOR})
TOP_DEFECTS = 5


def _cases_url(**params) -> str:
    return reverse("cases:list") + "?" + urlencode(params)


def _report_url(name: str, **params) -> str:
    return reverse("reports:report", args=[name]) + ("?" + urlencode(params) if params else "")


def _month(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day


def _overdue() -> Q:
    return Q(due_at__lt=timezone.now(), sla_paused_at__isnull=True,
             state_category=StateCategory.OPEN)


def _month_counts(start: dt.date, end: dt.date, **where) -> dict[str, int]:
    row = (CaseDaySummary.objects.filter(day__gte=start, day__lte=end, **where)
           .aggregate(opened=Sum("opened"), closed=Sum("closed"), on_time=Sum("on_time"),
                      late=Sum("late"), csat_count=Sum("csat_count"),
                      csat_sum=Sum("csat_sum")))
    return {k: v or 0 for k, v in row.items()}


def _rates(c: dict[str, int]) -> dict[str, float | None]:
    timed = c["on_time"] + c["late"]
    return {"on_time_rate": c["on_time"] / timed if timed else None,
            "csat": round(c["csat_sum"] / c["csat_count"], 2) if c["csat_count"] else None}


def _mine(user, start: dt.date, end: dt.date) -> dict:
    mine = Case.objects.filter(assignee_id=user.pk, state_category__in=RUNNING)
    counts = mine.aggregate(open=Count("pk"), overdue=Count("pk", filter=_overdue()))
    month = _month_counts(start, end, assignee_id=user.pk)
    return {"open": counts["open"], "overdue": counts["overdue"], "closed": month["closed"],
            **_rates(month),
            "open_url": _cases_url(assignee="me", open="1"),
            "overdue_url": _cases_url(assignee="me", overdue="1")}


def _team(user, start: dt.date, end: dt.date) -> dict | None:
    """The supervisor's department (management: every department): open and overdue cases
    per person, the month's on-time rate and CSAT."""
    everyone = user.has_role(Role.MANAGEMENT, Role.ADMIN)  # a superuser counts as admin
    department_id = None if everyone else user.department_id
    if department_id is None and not everyone:
        return None
    running = Case.objects.filter(state_category__in=RUNNING)
    where = {} if department_id is None else {"department_id": department_id}
    load = list(running.filter(**where).values("assignee_id")
                .annotate(open=Count("pk"), overdue=Count("pk", filter=_overdue()))
                .order_by("-open", "assignee_id"))
    people = {u.pk: str(u) for u in get_user_model().objects.filter(
        pk__in=[r["assignee_id"] for r in load if r["assignee_id"]])}
    scope = {"department": str(department_id)} if department_id else {}
    bars = []
    for row in load:
        pk = row["assignee_id"]
        bars.append({
            "name": people.get(pk, str(pk)) if pk else _("Unassigned"),
            "open": row["open"], "overdue": row["overdue"],
            "url": _cases_url(assignee=str(pk) if pk else "none", open="1", **scope)})
    month = _month_counts(start, end, **where)
    chart = {"x": [b["name"] for b in bars], "links": [b["url"] for b in bars],
             "series": [{"name": _("Open"), "data": [b["open"] for b in bars]},
                        {"name": _("Overdue"), "data": [b["overdue"] for b in bars]}]}
    return {"bars": bars, "chart_json": json.dumps(chart, ensure_ascii=False),
            "open": sum(b["open"] for b in bars), "overdue": sum(b["overdue"] for b in bars),
            "closed": month["closed"], **_rates(month),
            "everyone": department_id is None,
            "fines": _fines(start, end, department_id),
            "fines_url": _report_url("fines", date_from=start.isoformat(),
                                     date_to=end.isoformat(), group_by="person", **scope),
            "overdue_url": _cases_url(overdue="1", **scope),
            "on_time_url": _report_url("on_time", date_from=start.isoformat(),
                                       date_to=end.isoformat(), group_by="person",
                                       **scope),
            "csat_url": _report_url("satisfaction", date_from=start.isoformat(),
                                    date_to=end.isoformat(), group_by="person", **scope)}


def _fines(start: dt.date, end: dt.date, department_id) -> object:
    """Fines booked (not waived) this month in the department, or everywhere (S3.4)."""
    ledger = fines_ledger(department=department_id, status=FineStatus.BOOKED)
    return (ledger.filter(booked_at__date__gte=start, booked_at__date__lte=end)
            .aggregate(total=Sum("amount"))["total"] or 0)


def _defects(start: dt.date, end: dt.date) -> list[dict]:
    rows = (DefectFact.objects.filter(day__gte=start, day__lte=end).exclude(defect="")
            .values("defect").annotate(quantity=Sum("quantity"))
            .order_by("-quantity", "defect")[:TOP_DEFECTS])
    return [{"defect": r["defect"], "quantity": r["quantity"]} for r in rows]


def _lines(start: dt.date, end: dt.date) -> list[dict]:
    by_line = {r["business_line"]: r for r in CaseDaySummary.objects
               .filter(day__gte=start, day__lte=end).values("business_line")
               .annotate(opened=Sum("opened"), closed=Sum("closed"), on_time=Sum("on_time"),
                         late=Sum("late")).order_by()}
    backlog = dict(Case.objects.filter(state_category__in=RUNNING).values("business_line")
                   .annotate(n=Count("pk")).order_by().values_list("business_line", "n"))
    out = []
    for code, label in BusinessLine.choices:
        r = by_line.get(code) or {"opened": 0, "closed": 0, "on_time": 0, "late": 0}
        if not (r["opened"] or r["closed"] or backlog.get(code)):
            continue
        timed = (r["on_time"] or 0) + (r["late"] or 0)
        out.append({"label": label, "opened": r["opened"] or 0, "closed": r["closed"] or 0,
                    "backlog": backlog.get(code, 0),
                    "on_time_rate": (r["on_time"] or 0) / timed if timed else None,
                    "url": _cases_url(business_line=code, open="1")})
    return out


def home_dashboard(*, request, user, role) -> dict | None:
    """The home page's figures for this user, or None for a user without case work (a
    dealer's or factory's user sees the queue alone)."""
    if getattr(user, "dealer_id", None) or getattr(user, "factory_id", None):
        return None
    start, end = _month(today())
    roles = set(user.role_codes)
    context: dict = {"month_start": start, "month_end": end, "mine": _mine(user, start, end)}
    if roles & SUPERVISOR_ROLES or Role.ADMIN in roles or user.is_superuser:
        context["team"] = _team(user, start, end)
    if roles & QUALITY_ROLES:
        context["defects"] = _defects(start, end)
        context["pareto_url"] = _report_url("defect_pareto", date_from=start.isoformat(),
                                            date_to=end.isoformat(), group_by="defect")
    if roles & {Role.MANAGEMENT, Role.SALES_VP, Role.ADMIN} or user.is_superuser:
        context["lines"] = _lines(start, end)
        context["volume_url"] = _report_url("case_volume")
    return context
