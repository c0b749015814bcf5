"""The monthly management pack (issue 12 item 6): one PDF for a month with the figures
management steers by — volume and backlog per line, closure rate and on-time rate per
department, the defect Pareto per supplier, fines and satisfaction per department — each as a
bar chart drawn in the PDF and its table. Only the reports the reader may see are included."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aftersales.core.errors import NotFound, PermissionDenied, ValidationError
from aftersales.core.routers import replica_reads
from aftersales.documents.printing import render_pdf
from aftersales.reports.display import display_table
from aftersales.reports.registry import report_get_for_user
from aftersales.reports.results import ReportResult

# (report, its grouping in the pack)
SECTIONS = (("case_volume", "business_line"), ("closure_rate", "department"),
            ("on_time", "department"), ("defect_pareto", "supplier"),
            ("fines", "department"), ("satisfaction", "department"))
BARS = 12  # categories drawn per chart


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """"2026-11" → (1 Nov, 30 Nov); ValidationError naming the field otherwise."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        raise ValidationError("YYYY-MM", fields={"month": "YYYY-MM"}) from None
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _bars(result: ReportResult) -> list[dict]:
    """The chart's first series, totalled per category over the periods, as bar lengths."""
    chart = result.chart
    if not chart.series:
        return []
    first = chart.series[0]
    values = [v for v in first.get("data") or []]
    pairs = [(label, v) for label, v in zip(chart.x, values, strict=False) if v is not None]
    if len(chart.x) <= 1 and len(chart.series) > 1:  # one period: a bar per series
        pairs = [(s["name"], (s.get("data") or [None])[0]) for s in chart.series]
        pairs = [(label, v) for label, v in pairs if v is not None]
    pairs = pairs[:BARS]
    top = max((float(v) for _l, v in pairs), default=0) or 1
    percent = chart.y_percent
    return [{"label": label, "width": round(float(v) / top * 100, 1),
             "text": f"{float(v) * 100:.1f}%" if percent else f"{v:,}"} for label, v in pairs]


def pack_sections(*, user, month: str) -> tuple[dt.date, dt.date, list[dict]]:
    start, end = month_bounds(month)
    sections = []
    for name, group_by in SECTIONS:
        try:
            report = report_get_for_user(user=user, name=name)
        except (NotFound, PermissionDenied):
            continue
        params = {"date_from": start.isoformat(), "date_to": end.isoformat(),
                  "group_by": group_by, "period": "month"}
        with replica_reads():
            _f, result = report.run(user=user, params={
                k: v for k, v in params.items() if k != "period" or "period" in report.filters})
        sections.append({"title": report.label, "text": report.text, "bars": _bars(result),
                         "tables": [display_table(t) for t in result.all_tables]})
    return start, end, sections


def pack_pdf(*, user, month: str, company: str = "") -> bytes:
    start, end, sections = pack_sections(user=user, month=month)
    return render_pdf("reports/pack.html", {
        "company": {"name": company}, "form_title": f"月度管理报告 {start:%Y年%m月}",
        "number": f"{start:%Y-%m}", "printed_at": timezone.now(), "start": start, "end": end,
        "sections": sections, "reader": str(user)})
