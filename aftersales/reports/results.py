"""What a report answers: typed columns, rows, a chart and further tables — one shape for the
page, the Excel file and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from aftersales.core.labels import pick_label

# date: an Excel date · text · int: a count · money: yuan with fen · percent: a share 0..1 ·
# number: a decimal figure (hours)
ColumnType = Literal["date", "datetime", "text", "int", "money", "percent", "number"]


@dataclass(frozen=True)
class Column:
    key: str
    label: dict[str, str]  # {"zh": …, "en": …}
    type: ColumnType = "text"

    @property
    def title(self) -> str:
        return pick_label(self.label, self.key)


@dataclass
class Table:
    title: dict[str, str]
    columns: list[Column]
    rows: list[dict[str, Any]]


@dataclass
class Chart:
    """What report.js draws with ECharts: categories on x, one series each."""

    kind: Literal["bar", "line"]
    x: list[str]
    series: list[dict[str, Any]]  # {"name", "data", optional "type", "stack", "axis"}
    y_percent: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "x": self.x, "series": self.series,
                "y_percent": self.y_percent}


@dataclass
class ReportResult:
    main: Table
    chart: Chart
    tables: list[Table] = field(default_factory=list)

    @property
    def all_tables(self) -> list[Table]:
        return [self.main, *self.tables]


def json_value(value: Any, type_: ColumnType) -> Any:
    """A cell for JSON: dates ISO, money a string with two decimals, numbers numbers."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if type_ == "money":
        return f"{Decimal(value):.2f}"
    if isinstance(value, Decimal):
        return float(value)
    return value


def table_json(table: Table) -> dict[str, Any]:
    return {"title": pick_label(table.title),
            "columns": [{"key": c.key, "label": c.title, "type": c.type}
                        for c in table.columns],
            "rows": [{c.key: json_value(row.get(c.key), c.type) for c in table.columns}
                     for row in table.rows]}
