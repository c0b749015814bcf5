"""What the three importers share: header mapping, error collection, counts, batching."""

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from aftersales.core.bulk import bulk_insert
from aftersales.core.money import AMOUNT_MAX, FEN
from aftersales.imports.columns import Column, lookup_table, normalize_header
from aftersales.imports.models import ImportChange, ImportRun
from aftersales.imports.reading import RowError, local_tz

MAX_ERRORS = 200


def content_hash(content: Any) -> str:
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def short_hash(values: Iterable[str]) -> int:
    """8-byte fingerprint of cell texts, to spot a key repeated with other content."""
    data = "\x1f".join(values)
    return int.from_bytes(hashlib.blake2b(data.encode(), digest_size=8).digest())


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    keys += [k for k in before if k not in after and before[k] is not None]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


class Importer(ABC):
    kind: str
    columns: tuple[Column, ...]
    batch_size = 1000

    def __init__(self, *, run: ImportRun, file_name: str, options: dict[str, Any],
                 progress: Callable[[int], None] | None = None) -> None:
        self.run = run
        self.file_name = file_name
        self.options = options
        self.progress = progress
        self.tz = local_tz()
        self.errors: list[RowError] = []
        self.truncated = False
        self.created = self.updated = self.unchanged = 0
        self.rows = 0
        self.changes: list[ImportChange] = []

    # ---- header -------------------------------------------------------------------------
    def map_header(self, header: list[str]) -> None:
        table = lookup_table(self.columns)
        self.index: dict[str, int] = {}
        self.header_text: dict[str, str] = {}
        for position, raw in enumerate(header):
            name = table.get(normalize_header(raw))
            if name is None:
                continue
            if name in self.index:
                self.error(1, raw, _("the column %(column)s appears twice (also as %(other)r)")
                           % {"column": name, "other": self.header_text[name]})
                continue
            self.index[name] = position
            self.header_text[name] = str(raw).strip().lstrip("\ufeff")
        for column in self.columns:
            if column.required and column.name not in self.index:
                aliases = " / ".join((column.name, *column.aliases[:2]))
                self.error(1, column.name, _("required column missing (%(names)s)")
                           % {"names": aliases})

    def has(self, name: str) -> bool:
        return name in self.index

    def cells(self, cells: list[Any]) -> dict[str, Any]:
        return {name: cells[i] for name, i in self.index.items()}

    # ---- errors -------------------------------------------------------------------------
    def error(self, row: int, column: str, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.truncated = True
            return
        label = self.header_text.get(column, column) if hasattr(self, "header_text") else column
        self.errors.append(RowError(self.file_name, row, label, str(message)))

    @property
    def full(self) -> bool:
        return self.truncated

    def field(self, row: int, column: str, parse: Callable[[], Any]) -> Any:
        """Run one parser; on ValueError record the error and return None."""
        try:
            return parse()
        except ValueError as exc:
            self.error(row, column, str(exc))
            return None

    def limited(self, row: int, column: str, value: str, model: type[models.Model],
                field: str) -> str:
        limit = model._meta.get_field(field).max_length
        if limit and len(value) > limit:
            self.error(row, column, _("longer than %(limit)d characters") % {"limit": limit})
        return value

    def amount_fits(self, row: int, column: str, value: Decimal | None,
                    model: type[models.Model], field: str) -> None:
        """A computed amount (an order's total) within what any typed amount may be (10⁹
        yuan, core.money) and what the column holds."""
        f = model._meta.get_field(field)
        limit = min(AMOUNT_MAX, Decimal(10) ** (f.max_digits - f.decimal_places) - FEN)
        if value is not None and value > limit:
            self.error(row, column, _("too large: %(value)s") % {"value": value})

    def record_change(self, key: str, before: dict, after: dict) -> None:
        self.changes.append(ImportChange(run=self.run, entity=self.kind, key=key[:80],
                                         before=before, after=after))

    def flush_changes(self) -> None:
        if self.changes:
            bulk_insert(ImportChange, self.changes)
            self.changes = []

    # ---- driving ------------------------------------------------------------------------
    @abstractmethod
    def feed(self, row_no: int, cells: list[Any]) -> None:
        """Check one data row and stage it for writing."""

    @abstractmethod
    def finish(self) -> None:
        """Write what is staged (or nothing, when any row was bad)."""


def padded(values: Iterable[str]) -> list[str]:
    """Pad an IN-list of codes to a power of two with values no code can equal.

    SQLite's statement cache (Python's sqlite3 keeps 128 compiled statements per connection)
    otherwise holds one large statement per distinct list length, which made memory grow with
    the file during a long import. Django de-duplicates IN lists, hence distinct pads.
    """
    values = list(values)
    if not values:
        return values
    size = 1 << (len(values) - 1).bit_length()
    return values + [f"\x1f\x1f{i}" for i in range(size - len(values))]
