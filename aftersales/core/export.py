"""Excel export (issue 12 item 3) for any list that gives typed columns and rows (the reports,
the case list): xlsxwriter in constant-memory mode (rows go to disk as they are written, so memory
stays flat however many rows), headers in the user's language, dates as Excel dates, amounts
and counts as numbers, and text that a spreadsheet would read as a formula (= + - @, a tab or
a carriage return first) neutralised with a leading apostrophe.

The workbook is finished in a temporary file before the response starts, so a failure (or a
list over the limit) never leaves the user a partial file that looks complete; the file is
then streamed in chunks.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, Protocol
from zoneinfo import ZoneInfo

import xlsxwriter
from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from aftersales.core.errors import CoreErrorCode, ValidationError

# One download holds at most this many rows per sheet; larger lists will go to a background
# export (issue 12 item 3, not built yet). Callers may pass a lower max_rows.
MAX_ROWS = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class Column(Protocol):
    """A column of a sheet: the row key it reads, its header, and its type, one of
    date · datetime · text · int (a count) · money (yuan with fen) · percent (a share 0..1) ·
    number (a decimal figure). reports.results.Column is one."""

    @property
    def key(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def type(self) -> str: ...


@dataclass(frozen=True)
class TextColumn:
    """A column whose header is already in the user's language."""

    key: str
    title: str
    type: str = "text"


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[Mapping[str, Any]]


def neutralise(text: str) -> str:
    """Text a spreadsheet must show as text, never evaluate (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _sheet_name(title: str, taken: set[str]) -> str:
    name = _SHEET_NAME_BAD.sub(" ", title).strip("'")[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.number = book.add_format({"num_format": "0.00"})


WIDTHS = {"date": 12, "datetime": 17, "int": 10, "money": 14, "percent": 10, "number": 12}


def _write_cell(ws, row: int, col: int, value: Any, type_: str, fmt: _Formats) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None)
    elif type_ == "date" and isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        ws.write_datetime(row, col, dt.datetime.combine(day, dt.time.min), fmt.date)
    elif type_ == "datetime" and isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # shown in China time, as on the pages
            value = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
        # Whole seconds: a deadline at the end of a day (23:59:59.999999) must not round up
        # to the next day's 00:00 in Excel.
        ws.write_datetime(row, col, value.replace(microsecond=0), fmt.datetime)
    elif type_ in ("int", "money", "percent", "number") and isinstance(
            value, int | float | Decimal):
        number_format = {"money": fmt.money, "percent": fmt.percent,
                         "number": fmt.number}.get(type_)
        ws.write_number(row, col, float(value), number_format)
    else:
        ws.write_string(row, col, neutralise(str(value)))


def xlsx_write(target: str | BinaryIO, sheets: Iterable[Sheet], *,
               max_rows: int | None = None) -> None:
    """Write the sheets as .xlsx to ``target`` (a path or a binary file); ValidationError
    (export_too_large) when a sheet has more than ``max_rows`` rows."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "tmpdir": tempfile.gettempdir()})
    max_rows = MAX_ROWS if max_rows is None else max_rows
    fmt = _Formats(book)
    taken: set[str] = set()
    try:
        for sheet in sheets:
            ws = book.add_worksheet(_sheet_name(sheet.title, taken))
            for c, column in enumerate(sheet.columns):
                ws.set_column(c, c, WIDTHS.get(column.type, max(14, len(column.title) * 2)))
                ws.write_string(0, c, neutralise(column.title), fmt.header)
            ws.freeze_panes(1, 0)
            for r, row in enumerate(sheet.rows, start=1):
                if r > max_rows:
                    raise ValidationError(
                        _("This list has more than %(n)d rows: narrow the filters.")
                        % {"n": max_rows}, code=CoreErrorCode.EXPORT_TOO_LARGE)
                for c, column in enumerate(sheet.columns):
                    _write_cell(ws, r, c, row.get(column.key), column.type, fmt)
    finally:
        book.close()


def xlsx_response(*, filename: str, sheets: Iterable[Sheet],
                  max_rows: int | None = None) -> FileResponse:
    """A finished workbook streamed as a download named ``filename`` (Chinese allowed)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # removed when the response closes it
    try:
        xlsx_write(handle, sheets, max_rows=max_rows)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, content_type=CONTENT_TYPE, as_attachment=True,
                        filename=filename)
