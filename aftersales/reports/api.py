"""REST: /api/v1/reports (issue 12 item 1) — the reports this user may see, and each report's
figures with the same filters as its page; errors in the one shape (core.api.ErrorOut)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from aftersales.core.api import ErrorOut
from aftersales.core.routers import replica_reads
from aftersales.reports.registry import report_get_for_user, reports_for_user
from aftersales.reports.results import table_json

router = Router(tags=["reports"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReportListItem(Schema):
    name: str
    title: str
    description: str
    filters: list[str]
    group_by: list[str]


class FiltersIn(Schema):
    """Every filter any report takes; a report ignores those it does not accept."""

    date_from: str | None = None  # YYYY-MM-DD, default: 29 days before date_to
    date_to: str | None = None  # YYYY-MM-DD (inclusive), default: today
    period: str | None = None  # day | week | month
    group_by: str | None = None
    business_line: str | None = None
    department: str | None = None  # department code
    kind: str | None = None
    channel: str | None = None
    status: str | None = None  # fines: booked | waived
    policy: str | None = None  # policy outcomes: the policy's name


class TableOut(Schema):
    title: str
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]


class ReportOut(Schema):
    name: str
    title: str
    filters: dict[str, str]
    table: TableOut
    chart: dict[str, Any]
    tables: list[TableOut]


@router.get("", response={200: list[ReportListItem], **ERRORS})
def report_list(request: HttpRequest):
    return [{"name": r.name, "title": r.label, "description": r.text,
             "filters": list(r.filters), "group_by": list(r.group_by)}
            for r in reports_for_user(request.user)]


@router.get("/{name}", response={200: ReportOut, **ERRORS})
def report_detail(request: HttpRequest, name: str, filters: Query[FiltersIn]):
    report = report_get_for_user(user=request.user, name=name)
    params = {k: v for k, v in filters.dict().items() if v is not None}
    with replica_reads():
        f, result = report.run(user=request.user, params=params)
    main, *others = [table_json(t) for t in result.all_tables]
    return {"name": report.name, "title": report.label, "filters": f.as_params(),
            "table": main, "chart": result.chart.as_dict(), "tables": others}
