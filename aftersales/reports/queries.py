"""The queries behind each report of the registry (X5, issue 12 item 1). Each takes the checked
filters and the user, and answers a ReportResult; case figures come from the summary source
(selectors.source_for), never from a scan of all cases."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from aftersales.accounts.display import department_label
from aftersales.accounts.models import Department
from aftersales.cases.models import (
    CaseChannel,
    CaseKind,
    Escalation,
    EscalationKind,
    Fine,
    FineStatus,
)
from aftersales.cases.selectors import cases_visible_to, state_choices
from aftersales.core.choices import BusinessLine
from aftersales.policy.models import EvaluationLog
from aftersales.reports.filters import ReportFilters
from aftersales.reports.models import CYCLE_BUCKET_HOURS
from aftersales.reports.results import Chart, Column, ReportResult, Table
from aftersales.reports.selectors import period_start, periods_between, source_for

# The group a case report can be broken down by → the summary's dimension.
CASE_GROUPS = {"business_line": "business_line", "department": "department_id",
               "person": "assignee_id", "kind": "kind", "channel": "channel", "state": "state"}
GROUP_LABELS = {
    "business_line": {"zh": "业务线", "en": "Business line"},
    "department": {"zh": "部门", "en": "Department"},
    "person": {"zh": "人员", "en": "Person"},
    "kind": {"zh": "类型", "en": "Kind"},
    "channel": {"zh": "渠道", "en": "Channel"},
    "state": {"zh": "状态", "en": "State"},
    "month": {"zh": "月份", "en": "Month"},
}
PERIOD = Column("period", {"zh": "期间", "en": "Period"}, "date")
COMMENTS_SHOWN = 50


def _group_column(f: ReportFilters) -> Column:
    return Column("group", GROUP_LABELS[f.group_by], "text")


def _labeller(group_by: str, f: ReportFilters, values: set) -> dict[Any, str]:
    """Display labels for the values of one grouping (one query for departments or users)."""
    ids = {v for v in values if v is not None}
    if group_by == "business_line":
        return {v: str(BusinessLine(v).label) if v in BusinessLine.values else v for v in ids}
    if group_by == "kind":
        return {v: str(CaseKind(v).label) if v in CaseKind.values else v for v in ids}
    if group_by == "channel":
        return {v: str(CaseChannel(v).label) if v in CaseChannel.values else v for v in ids}
    if group_by == "state":
        known = dict(state_choices(f.business_line or None))
        return {v: known.get(v, v) for v in ids}
    if group_by == "department":
        labels = {d.pk: department_label(d) for d in Department.objects.filter(pk__in=ids)}
        return {**labels, None: _("No department")}
    if group_by == "person":
        users = get_user_model().objects.filter(pk__in=ids)
        return {**{u.pk: str(u) for u in users}, None: _("Unassigned")}
    return {v: str(v) for v in ids}


def _label(labels: dict[Any, str], value: Any) -> str:
    return labels.get(value, "—" if value is None else str(value))


def _period_label(day: dt.date, period: str) -> str:
    if period == "month":
        return f"{day:%Y-%m}"
    return day.isoformat()


def percentile_hours(hist: list[int], q: float) -> float | None:
    """The q-quantile of a cycle-time histogram, interpolated inside its bucket (hours)."""
    total = sum(hist)
    if not total:
        return None
    bounds = (0, *CYCLE_BUCKET_HOURS)
    target = q * total
    seen = 0
    for i, n in enumerate(hist):
        if n and seen + n >= target:
            low = bounds[i]
            if i + 1 >= len(bounds):  # the open-ended last bucket: its lower bound
                return float(low)
            return round(low + (bounds[i + 1] - low) * (target - seen) / n, 1)
        seen += n
    return float(bounds[-1])


# ------------------------------------------------------------------ case volume and backlog
def case_volume(f: ReportFilters, user) -> ReportResult:
    """Opened and closed per period and group, and the backlog (opened − closed so far) at
    each period's end."""
    dim = CASE_GROUPS[f.group_by]
    source = source_for(user)
    counts = source.by_period(f, (dim,))
    backlog = {key[0]: row["opened"] - row["closed"] for key, row in
               source.before(f, (dim,)).items()}
    periods = periods_between(f)
    groups = {key[1] for key in counts} | set(backlog)
    labels = _labeller(f.group_by, f, groups)
    ordered = sorted(groups, key=lambda g: _label(labels, g))
    rows = []
    running = dict(backlog)
    for p in periods:
        for g in ordered:
            c = counts.get((p, g), {"opened": 0, "closed": 0})
            running[g] = running.get(g, 0) + c["opened"] - c["closed"]
            if c["opened"] or c["closed"] or running[g]:
                rows.append({"period": p, "group": _label(labels, g), "group_value": g,
                             "opened": c["opened"], "closed": c["closed"],
                             "backlog": running[g]})
    x = [_period_label(p, f.period) for p in periods]
    series = [{"name": _label(labels, g), "type": "bar", "stack": "opened",
               "data": [counts.get((p, g), {}).get("opened", 0) for p in periods]}
              for g in ordered]
    totals = []
    running_total = sum(backlog.values())
    for p in periods:
        running_total += sum(counts.get((p, g), {}).get("opened", 0)
                             - counts.get((p, g), {}).get("closed", 0) for g in ordered)
        totals.append(running_total)
    series.append({"name": _("Backlog"), "type": "line", "data": totals})
    columns = [PERIOD, _group_column(f),
               Column("opened", {"zh": "新增", "en": "Opened"}, "int"),
               Column("closed", {"zh": "结案", "en": "Closed"}, "int"),
               Column("backlog", {"zh": "期末积压", "en": "Backlog at period end"}, "int")]
    return ReportResult(Table({"zh": "售后单量与积压", "en": "Case volume and backlog"},
                              columns, rows), Chart("bar", x, series))


# ------------------------------------------------------------------ closure rate (S8.3)
def closure_rate(f: ReportFilters, user) -> ReportResult:
    """结案率 = cases closed in the period / cases opened in the period (GLOSSARY), per group;
    the cycle time (opened → closed) of the cases closed in the period, median and p90."""
    dim = CASE_GROUPS[f.group_by]
    source = source_for(user)
    counts = source.by_period(f, (dim,))
    hists = source.histogram(f, (dim,))
    periods = periods_between(f)
    groups = {key[1] for key in counts}
    labels = _labeller(f.group_by, f, groups)
    ordered = sorted(groups, key=lambda g: _label(labels, g))
    rows = []
    for p in periods:
        for g in ordered:
            c = counts.get((p, g))
            if not c or not (c["opened"] or c["closed"]):
                continue
            hist = hists.get((p, g), [])
            rows.append({"period": p, "group": _label(labels, g), "group_value": g,
                         "opened": c["opened"], "closed": c["closed"],
                         "rate": (c["closed"] / c["opened"]) if c["opened"] else None,
                         "median_hours": percentile_hours(hist, 0.5) if hist else None,
                         "p90_hours": percentile_hours(hist, 0.9) if hist else None})
    x = [_period_label(p, f.period) for p in periods]
    series = []
    for g in ordered:
        data = []
        for p in periods:
            c = counts.get((p, g))
            data.append(round(c["closed"] / c["opened"], 4) if c and c["opened"] else None)
        series.append({"name": _label(labels, g), "type": "line", "data": data})
    columns = [PERIOD, _group_column(f),
               Column("opened", {"zh": "新增", "en": "Opened"}, "int"),
               Column("closed", {"zh": "结案", "en": "Closed"}, "int"),
               Column("rate", {"zh": "结案率", "en": "Closure rate"}, "percent"),
               Column("median_hours", {"zh": "处理时长中位数（小时）",
                                       "en": "Cycle time median (hours)"}, "number"),
               Column("p90_hours", {"zh": "处理时长 P90（小时）",
                                    "en": "Cycle time p90 (hours)"}, "number")]
    return ReportResult(Table({"zh": "结案率与处理时长", "en": "Closure rate and cycle time"},
                              columns, rows), Chart("line", x, series, y_percent=True))


# ------------------------------------------------------------------ on time (S9.2, S3.4)
def on_time(f: ReportFilters, user) -> ReportResult:
    """Of the cases closed in the period, how many closed within their end-to-end time (S9.2:
    15 working days on the shops' lines) and how many after it, per group; and the steps
    whose time ran out (each breach escalated once per state entry, S3.4, X2)."""
    dim = CASE_GROUPS[f.group_by]
    counts = source_for(user).by_period(f, (dim,))
    periods = periods_between(f)
    groups = {key[1] for key, c in counts.items() if c["on_time"] or c["late"]}
    labels = _labeller(f.group_by, f, groups)
    ordered = sorted(groups, key=lambda g: _label(labels, g))

    def rate(c: dict[str, int] | None) -> float | None:
        timed = (c["on_time"] + c["late"]) if c else 0
        return round(c["on_time"] / timed, 4) if c and timed else None

    rows = [{"period": p, "group": _label(labels, g), "group_value": g,
             "closed": c["closed"], "on_time": c["on_time"], "late": c["late"],
             "rate": rate(c)}
            for p in periods for g in ordered
            if (c := counts.get((p, g))) and (c["on_time"] or c["late"])]
    x = [_period_label(p, f.period) for p in periods]
    series = [{"name": _label(labels, g), "type": "line",
               "data": [rate(counts.get((p, g))) for p in periods]} for g in ordered]
    columns = [PERIOD, _group_column(f),
               Column("closed", {"zh": "结案", "en": "Closed"}, "int"),
               Column("on_time", {"zh": "按时结案", "en": "Closed on time"}, "int"),
               Column("late", {"zh": "超时结案", "en": "Closed late"}, "int"),
               Column("rate", {"zh": "按时率", "en": "On-time rate"}, "percent")]
    return ReportResult(
        Table({"zh": "按时结案率", "en": "On-time closure"}, columns, rows),
        Chart("line", x, series, y_percent=True), [_breaches(f, user)])


def _breaches(f: ReportFilters, user) -> Table:
    """Breaches per step (state) in the period: how many, how many end to end."""
    start, end = _bounds(f)
    qs = Escalation.objects.filter(at__gte=start, at__lt=end,
                                   case__in=cases_visible_to(user))
    for name in ("business_line", "kind", "channel"):
        if getattr(f, name):
            qs = qs.filter(**{f"case__{name}": getattr(f, name)})
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    states = dict(state_choices(f.business_line or None))
    rows = []
    for row in (qs.values("kind", "state").annotate(n=Count("pk"),
                                                    open=Count("pk", filter=Q(
                                                        resolved_at__isnull=True)))
                .order_by("-n", "state")):
        step = (str(EscalationKind.END_TO_END.label) if row["kind"] == EscalationKind.END_TO_END
                else states.get(row["state"], row["state"]))
        rows.append({"step": step, "breaches": row["n"], "open": row["open"]})
    return Table({"zh": "超时的环节", "en": "Steps that ran late"}, [
        Column("step", {"zh": "环节", "en": "Step"}),
        Column("breaches", {"zh": "超时次数", "en": "Breaches"}, "int"),
        Column("open", {"zh": "尚未处理", "en": "Still open"}, "int"),
    ], rows)


# ------------------------------------------------------------------ satisfaction (S1.7)
def satisfaction(f: ReportFilters, user) -> ReportResult:
    """CSAT of the cases closed in the period: ratings and the average per group, and the
    latest comments."""
    dim = CASE_GROUPS[f.group_by]
    counts = source_for(user).by_period(f, (dim,))
    periods = periods_between(f)
    groups = {key[1] for key, c in counts.items() if c["csat_count"]}
    labels = _labeller(f.group_by, f, groups)
    ordered = sorted(groups, key=lambda g: _label(labels, g))
    rows = []
    for p in periods:
        for g in ordered:
            c = counts.get((p, g))
            if c and c["csat_count"]:
                rows.append({"period": p, "group": _label(labels, g), "group_value": g,
                             "closed": c["closed"], "ratings": c["csat_count"],
                             "average": round(c["csat_sum"] / c["csat_count"], 2)})
    x = [_period_label(p, f.period) for p in periods]
    series = [{"name": _label(labels, g), "type": "bar",
               "data": [round(counts[(p, g)]["csat_sum"] / counts[(p, g)]["csat_count"], 2)
                        if counts.get((p, g), {}).get("csat_count") else None
                        for p in periods]} for g in ordered]
    columns = [PERIOD, _group_column(f),
               Column("closed", {"zh": "结案", "en": "Closed"}, "int"),
               Column("ratings", {"zh": "评价数", "en": "Ratings"}, "int"),
               Column("average", {"zh": "平均满意度（1-5）", "en": "Average (1-5)"}, "number")]
    return ReportResult(
        Table({"zh": "满意度", "en": "Satisfaction (CSAT)"}, columns, rows),
        Chart("bar", x, series), [_comments(f, user)])


def _comments(f: ReportFilters, user) -> Table:
    start, end = _bounds(f)
    qs = (cases_visible_to(user)
          .filter(closed_at__gte=start, closed_at__lt=end, csat_score__isnull=False)
          .exclude(csat_comment="").select_related("assignee", "department")
          .only("number", "kind", "csat_score", "csat_comment", "rated_at", "assignee",
                "department").order_by("-closed_at", "-pk"))
    for name in ("business_line", "kind", "channel"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    rows = [{"number": c.number, "kind": c.get_kind_display(), "score": c.csat_score,
             "comment": c.csat_comment, "rated_at": c.rated_at,
             "person": str(c.assignee) if c.assignee_id else "",
             "department": department_label(c.department)} for c in qs[:COMMENTS_SHOWN]]
    return Table({"zh": "最新评价意见", "en": "Latest comments"}, [
        Column("number", {"zh": "售后单号", "en": "Case"}),
        Column("kind", {"zh": "类型", "en": "Kind"}),
        Column("score", {"zh": "评分", "en": "Score"}, "int"),
        Column("comment", {"zh": "评价意见", "en": "Comment"}),
        Column("person", {"zh": "处理人", "en": "Assignee"}),
        Column("department", {"zh": "部门", "en": "Department"}),
        Column("rated_at", {"zh": "评价时间", "en": "Rated at"}, "datetime"),
    ], rows)


def _bounds(f: ReportFilters) -> tuple[dt.datetime, dt.datetime]:
    """The range as aware datetimes in China time: [first day 00:00, day after last 00:00)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(f.date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


# ------------------------------------------------------------------ fines (S3.4)
def fines(f: ReportFilters, user) -> ReportResult:
    """Fines booked in the range per person, department or month: booked and waived, counts
    and amounts (the ledger keeps waived fines with their approver)."""
    start, end = _bounds(f)
    qs = Fine.objects.filter(booked_at__gte=start, booked_at__lt=end)
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.status:
        qs = qs.filter(status=f.status)
    booked, waived = Q(status=FineStatus.BOOKED), Q(status=FineStatus.WAIVED)
    measures = {"booked_count": Count("pk", filter=booked),
                "booked_amount": Sum("amount", filter=booked),
                "waived_count": Count("pk", filter=waived),
                "waived_amount": Sum("amount", filter=waived)}
    if f.group_by == "month":
        grouped: dict[Any, dict] = defaultdict(lambda: dict.fromkeys(measures, 0))
        for fine in qs.values("booked_at", "status", "amount").iterator():
            month = period_start(fine["booked_at"].astimezone(start.tzinfo).date(), "month")
            which = "booked" if fine["status"] == FineStatus.BOOKED else "waived"
            grouped[month][f"{which}_count"] += 1
            grouped[month][f"{which}_amount"] += fine["amount"]
        labels = {m: f"{m:%Y-%m}" for m in grouped}
    else:
        field = {"person": "person_id", "department": "department_id"}[f.group_by]
        grouped = {row[field]: row for row in
                   qs.values(field).annotate(**measures).order_by()}
        labels = _labeller(f.group_by, f, set(grouped))
    ordered = sorted(grouped, key=lambda g: (g is None, str(g) if f.group_by == "month"
                                             else _label(labels, g)))
    rows = []
    for g in ordered:
        m = grouped[g]
        booked_amount = m["booked_amount"] or Decimal("0")
        rows.append({"group": _label(labels, g), "group_value": g,
                     "booked_count": m["booked_count"], "booked_amount": booked_amount,
                     "waived_count": m["waived_count"],
                     "waived_amount": m["waived_amount"] or Decimal("0")})
    columns = [_group_column(f),
               Column("booked_count", {"zh": "罚款笔数", "en": "Fines booked"}, "int"),
               Column("booked_amount", {"zh": "罚款金额", "en": "Amount booked"}, "money"),
               Column("waived_count", {"zh": "免罚笔数", "en": "Fines waived"}, "int"),
               Column("waived_amount", {"zh": "免罚金额", "en": "Amount waived"}, "money")]
    x = [r["group"] for r in rows]
    series = [{"name": _("Amount booked"), "type": "bar", "stack": "fines",
               "data": [float(r["booked_amount"]) for r in rows]},
              {"name": _("Amount waived"), "type": "bar", "stack": "fines",
               "data": [float(r["waived_amount"]) for r in rows]}]
    return ReportResult(Table({"zh": "罚款统计", "en": "Fines"}, columns, rows),
                        Chart("bar", x, series))


# ------------------------------------------------------------------ policy outcomes
def policy_outcomes(f: ReportFilters, user) -> ReportResult:
    """How often each rule passed or failed, per policy version, over the evaluations in the
    range; and per version how many evaluations offered an option (allowed) or none."""
    start, end = _bounds(f)
    qs = (EvaluationLog.objects.filter(at__gte=start, at__lt=end)
          .select_related("version").only("allowed", "decision", "policy_name",
                                           "version__number", "version__label"))
    if f.policy:
        qs = qs.filter(policy_name=f.policy)
    rules: dict[tuple, dict[str, int]] = defaultdict(lambda: {"passed": 0, "failed": 0})
    versions: dict[tuple, dict[str, int]] = defaultdict(lambda: {"allowed": 0, "refused": 0})
    for log in qs.iterator(chunk_size=2000):
        version = (log.policy_name, log.version.number, log.version.label)
        versions[version]["allowed" if log.allowed else "refused"] += 1
        for reason in (log.decision or {}).get("reasons") or []:
            rule = str(reason.get("rule") or "")
            if rule:
                rules[(*version, rule)]["passed" if reason.get("passed") else "failed"] += 1
    rows = [{"policy": key[0], "version": f"v{key[1]} {key[2]}", "rule": key[3],
             "applied": c["passed"] + c["failed"], "passed": c["passed"], "failed": c["failed"],
             "failed_share": c["failed"] / (c["passed"] + c["failed"])}
            for key, c in sorted(rules.items())]
    version_rows = [{"policy": key[0], "version": f"v{key[1]} {key[2]}",
                     "evaluations": c["allowed"] + c["refused"], "allowed": c["allowed"],
                     "refused": c["refused"]} for key, c in sorted(versions.items())]
    policy_col = Column("policy", {"zh": "政策", "en": "Policy"})
    version_col = Column("version", {"zh": "版本", "en": "Version"})
    columns = [policy_col, version_col, Column("rule", {"zh": "规则", "en": "Rule"}),
               Column("applied", {"zh": "判定次数", "en": "Applied"}, "int"),
               Column("passed", {"zh": "通过", "en": "Passed"}, "int"),
               Column("failed", {"zh": "未通过", "en": "Failed"}, "int"),
               Column("failed_share", {"zh": "未通过占比", "en": "Failed share"}, "percent")]
    x = [f"{r['policy']} {r['version'].split()[0]} {r['rule']}" for r in rows]
    series = [{"name": _("Passed"), "type": "bar", "stack": "rule",
               "data": [r["passed"] for r in rows]},
              {"name": _("Failed"), "type": "bar", "stack": "rule",
               "data": [r["failed"] for r in rows]}]
    return ReportResult(
        Table({"zh": "规则判定结果", "en": "Rule outcomes"}, columns, rows),
        Chart("bar", x, series),
        [Table({"zh": "各版本判定结果", "en": "Outcomes per policy version"}, [
            policy_col, version_col,
            Column("evaluations", {"zh": "判定次数", "en": "Evaluations"}, "int"),
            Column("allowed", {"zh": "可受理", "en": "Allowed"}, "int"),
            Column("refused", {"zh": "不予受理", "en": "Refused"}, "int")], version_rows)])
