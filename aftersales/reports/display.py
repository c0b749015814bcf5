"""A report table as the pages and the printed pack show it: labels in the reader's language,
cells formatted the Chinese way (UX.md "Numbers and dates")."""

from __future__ import annotations

from aftersales.core.labels import pick_label
from aftersales.core.templatetags.ux import format_money, format_when
from aftersales.reports.results import Table

NUMERIC = {"int", "money", "percent", "number"}


def _cell(value, type_: str) -> str:
    if value is None or value == "":
        return "—"
    if type_ == "money":
        return format_money(value)
    if type_ == "percent":
        return f"{value * 100:.1f}%"
    if type_ == "number":
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if type_ == "int":
        return f"{value:,}"
    if type_ in ("date", "datetime"):
        return format_when(value)
    return str(value)


def display_table(table: Table) -> dict:
    """A table as the page shows it: labels in the user's language, cells formatted the
    Chinese way (UX.md "Numbers and dates")."""
    return {"title": pick_label(table.title),
            "columns": [{"label": c.title, "numeric": c.type in NUMERIC}
                        for c in table.columns],
            "rows": [[{"text": _cell(row.get(c.key), c.type), "numeric": c.type in NUMERIC}
                      for c in table.columns] for row in table.rows]}
