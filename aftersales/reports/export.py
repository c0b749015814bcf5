"""The reports' Excel download: the workbook is written by aftersales.core.export (typed
cells, neutralised formulas, the row cap, no partial file); this module holds the reports'
row limit per download."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import FileResponse

from aftersales.core import export as core_export
from aftersales.core.export import Sheet

__all__ = ["MAX_ROWS", "Sheet", "xlsx_response"]

# Rows one report download may hold per sheet (read at each call, so a test may lower it).
MAX_ROWS = core_export.MAX_ROWS


def xlsx_response(*, filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """The report's tables as one finished workbook; ValidationError (export_too_large) when a
    table has more than MAX_ROWS rows."""
    return core_export.xlsx_response(filename=filename, sheets=sheets, max_rows=MAX_ROWS)
