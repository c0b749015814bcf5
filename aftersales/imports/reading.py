"""Reading import files as a stream of rows: CSV (UTF-8 with or without BOM, GBK/GB18030) and
.xlsx (openpyxl read-only). Nothing here holds more than one row in memory.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
"""

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from aftersales.calendars.services import MAX_YEAR, MIN_YEAR
from aftersales.core.money import AmountError, amount_parse

XLSX_MAGIC = b"PK\x03\x04"
INT_MAX = 2**31 - 1  # the integer columns of every supported database
CHUNK = 1 << 20


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column,
                "message": self.message}


class FileRejected(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _binary(source: str | os.PathLike | IO[bytes]) -> IO[bytes]:
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")  # noqa: SIM115 - closed by the caller via RowSource.close
    source.seek(0)
    return source


def _valid_as(stream: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    stream.seek(0)
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def detect_encoding(stream: IO[bytes]) -> str | None:
    """UTF-8 (BOM or not) if the whole file decodes as UTF-8, else GB18030 (a superset of GBK)."""
    stream.seek(0)
    head = stream.read(3)
    stream.seek(0)
    if head == codecs.BOM_UTF8:
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        if _valid_as(stream, encoding):
            return encoding
    return None


class RowSource:
    """Header and rows of one file; iterate `rows()` for (row number, list of cell values)."""

    def __init__(self, source: str | os.PathLike | IO[bytes], *, file_name: str,
                 encoding: str | None = None) -> None:
        self.file_name = file_name
        self._stream = _binary(source)
        self._own = isinstance(source, (str, os.PathLike))
        self.encoding = ""
        self.is_xlsx = self._stream.read(4) == XLSX_MAGIC
        self._stream.seek(0)
        if self.is_xlsx:
            self._open_xlsx()
        else:
            self._open_csv(encoding)

    def _reject(self, row: int, column: str, message: str) -> FileRejected:
        self.close()
        return FileRejected([RowError(self.file_name, row, column, message)])

    def _open_xlsx(self) -> None:
        import openpyxl

        try:
            self._workbook = openpyxl.load_workbook(self._stream, read_only=True, data_only=True)
            sheet = self._workbook.worksheets[0]
            self._iter = iter(sheet.iter_rows(values_only=True))
            header = next(self._iter, None)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise self._reject(0, "-", _("not a readable .xlsx file (%(error)s)")
                               % {"error": exc}) from exc
        if header is None:
            raise self._reject(1, "-", _("the file is empty"))
        self.header = ["" if h is None else str(h) for h in header]
        while self.header and not self.header[-1].strip():
            self.header.pop()

    def _open_csv(self, encoding: str | None) -> None:
        if encoding:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError as exc:
                raise self._reject(0, "-", _("unknown encoding %(name)r") % {"name": encoding}) \
                    from exc
            if encoding == "utf-8" and self._stream.read(3) == codecs.BOM_UTF8:
                encoding = "utf-8-sig"
            self._stream.seek(0)
        else:
            encoding = detect_encoding(self._stream)
            if encoding is None:
                raise self._reject(0, "-", _("cannot tell the encoding (neither UTF-8 nor "
                                             "GBK/GB18030); give it with --encoding"))
        self.encoding = encoding
        self._text = io.TextIOWrapper(self._stream, encoding=encoding, newline="")
        self._reader = csv.reader(self._text, strict=True)
        try:
            header = next(self._reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise self._reject(1, "-", self._csv_message(exc)) from exc
        if header is None:
            raise self._reject(1, "-", _("the file is empty"))
        self.header = header
        while self.header and not self.header[-1].strip():
            self.header.pop()

    def _csv_message(self, exc: Exception) -> str:
        if isinstance(exc, UnicodeDecodeError):
            return _("the bytes are not valid %(encoding)s; give the right one with "
                     "--encoding") % {"encoding": self.encoding}
        return _("malformed CSV: %(error)s") % {"error": exc}

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Data rows, skipping blank ones; a row that cannot be parsed raises FileRejected."""
        width = len(self.header)
        row_no = 1
        source = self._iter if self.is_xlsx else self._reader
        while True:
            try:
                cells = next(source, None)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise self._reject(row_no + 1, "-", self._csv_message(exc)) from exc
            if cells is None:
                return
            row_no += 1
            if not self.is_xlsx and "\x00" in "".join(cells):
                raise self._reject(row_no, "-", _("malformed CSV: the row contains a NUL byte"))
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            if len(cells) != width:
                extra = cells[width:]
                if self.is_xlsx or (len(cells) > width and not any(str(c).strip()
                                                                   for c in extra)):
                    if any(c is not None and str(c).strip() for c in extra):
                        raise self._reject(row_no, "-", _("the row has more cells than the "
                                                          "header"))
                    cells = list(cells[:width]) + [None] * (width - len(cells))
                else:
                    raise self._reject(row_no, "-", _(
                        "the row has %(cells)d cells, the header has %(header)d")
                        % {"cells": len(cells), "header": width})
            yield row_no, cells

    def close(self) -> None:
        """Idempotent; leaves a caller's own stream open (an uploaded file)."""
        if getattr(self, "_workbook", None) is not None:
            self._workbook.close()
            self._workbook = None
        if getattr(self, "_text", None) is not None:
            self._text.detach()
            self._text = None
        if self._own:
            self._stream.close()


# ---- cell values ------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$")


def text(value: Any) -> str:
    if value.__class__ is str:  # the common case, first: called for every cell
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores phone numbers and codes as floats
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_datetime(value: Any, tz: ZoneInfo) -> datetime | None:
    """'2026-03-01 10:20[:30]', '2026/3/1', '2026年3月1日', ISO, Excel dates; local if naive."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        raw = str(value).strip()
        if not raw:
            return None
        norm = raw.replace("/", "-").replace("年", "-").replace("月", "-").replace("日", "")
        try:
            parsed = datetime.fromisoformat(norm)
        except ValueError:
            match = _DATE_RE.match(norm)
            if not match:
                raise ValueError(_("not a date/time: %(value)r") % {"value": raw}) from None
            parts = [int(p) if p else 0 for p in match.groups()]
            try:
                parsed = datetime(*parts)
            except ValueError:
                raise ValueError(_("not a date/time: %(value)r") % {"value": raw}) from None
    # The calendar knows the years 2000-2100 (calendars.services); outside them no due time
    # can be computed, and year 1 cannot even be converted to UTC.
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(_("The year must be between %(min)s and %(max)s.")
                         % {"min": MIN_YEAR, "max": MAX_YEAR})
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def parse_money(value: Any, *, blank: Decimal | None = None) -> Decimal | None:
    """An amount in yuan: 0 to 10⁹ with at most two decimals (core.money.amount_parse)."""
    raw = text(value)
    if not raw:
        return blank
    try:
        return amount_parse(value if isinstance(value, float) else raw)
    except AmountError as exc:  # the error names the row and column; the reason says why
        raise ValueError(str(exc.message)) from None


def parse_int(value: Any, *, blank: int | None = None, positive: bool = False) -> int | None:
    raw = text(value)
    if not raw:
        return blank
    try:
        number = Decimal(raw)
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError
    except (ArithmeticError, ValueError):
        raise ValueError(_("not a whole number: %(value)r") % {"value": raw}) from None
    # Bounds checked on the Decimal: int() of "1e999999999" would not finish.
    if number > INT_MAX:
        raise ValueError(_("too large: %(value)s") % {"value": raw})
    if positive and number <= 0:
        raise ValueError(_("must be greater than zero: %(value)s") % {"value": raw})
    if number < 0:
        raise ValueError(_("must not be negative: %(value)s") % {"value": raw})
    return int(number)


_TRUE = {"1", "true", "yes", "y", "t", "是", "有", "√", "x"}
_FALSE = {"0", "false", "no", "n", "f", "否", "无", ""}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(_("not yes/no: %(value)r") % {"value": text(value)})


def choice_table(choices: type, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Accept a TextChoices value, its English label or the Chinese comment label given."""
    table = {c.value: c.value for c in choices}
    table.update({str(c.label).lower(): c.value for c in choices})
    table.update(extra or {})
    return table


def parse_choice(value: Any, table: dict[str, str], *, blank: str) -> str:
    raw = text(value)
    if not raw:
        return blank
    found = table.get(raw.lower()) or table.get(raw)
    if found is None:
        allowed = ", ".join(sorted({v for v in table.values()}))
        raise ValueError(_("unknown value %(value)r (allowed: %(allowed)s)")
                         % {"value": raw, "allowed": allowed})
    return found
