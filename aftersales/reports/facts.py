"""What one case contributes to the daily summary (models.CaseDaySummary): pure code over a
case's values, shared by the worker's refresh and by the reports of dealer and factory staff,
which aggregate their own cases the same way instead of reading the company-wide summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings

from aftersales.reports.models import CYCLE_BUCKET_HOURS, CYCLE_BUCKETS, empty_histogram

# The case columns a fact is computed from.
CASE_FIELDS = ("id", "created_at", "closed_at", "business_line", "department_id", "assignee_id",
               "kind", "channel", "state", "state_category", "csat_score",
               "end_to_end_due_at")

# The dimensions of a summary row, in the order of a row key (after the day).
DIMENSIONS = ("business_line", "department_id", "assignee_id", "kind", "channel", "state",
              "state_category")
MEASURES = ("opened", "closed", "csat_count", "csat_sum", "on_time", "late")


class Fact(NamedTuple):
    case_id: int
    opened_day: dt.date
    closed_day: dt.date | None
    business_line: str
    department_id: int | None
    assignee_id: int | None
    kind: str
    channel: str
    state: str
    state_category: str
    cycle_bucket: int | None
    csat: int | None
    on_time: bool | None  # closed within its end-to-end time (S9.2); None: open or no such time


def local_day(value: dt.datetime) -> dt.date:
    """The calendar day in China time (reports count days the way the staff live them)."""
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def cycle_bucket(hours: float) -> int:
    for i, bound in enumerate(CYCLE_BUCKET_HOURS):
        if hours <= bound:
            return i
    return CYCLE_BUCKETS - 1


def fact_from_values(row: dict) -> Fact:
    """A case's fact from its CASE_FIELDS values. A closed case (closed_at set) adds its
    cycle time and its rating to the day it closed."""
    closed_at = row["closed_at"]
    bucket = None
    csat = None
    on_time = None
    if closed_at is not None:
        hours = max((closed_at - row["created_at"]).total_seconds(), 0) / 3600
        bucket = cycle_bucket(hours)
        csat = row["csat_score"]
        if row["end_to_end_due_at"] is not None:
            on_time = closed_at <= row["end_to_end_due_at"]
    return Fact(row["id"], local_day(row["created_at"]),
                local_day(closed_at) if closed_at is not None else None,
                row["business_line"], row["department_id"], row["assignee_id"], row["kind"],
                row["channel"], row["state"], row["state_category"], bucket, csat, on_time)


RowKey = tuple  # (day, *DIMENSIONS)


class Counts:
    """The measures of one summary row (or the change to one)."""

    __slots__ = (*MEASURES, "hist")

    def __init__(self) -> None:
        self.opened = self.closed = self.csat_count = self.csat_sum = 0
        self.on_time = self.late = 0
        self.hist = empty_histogram()

    def add(self, other: Counts, sign: int = 1) -> None:
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))
        self.hist = [a + sign * b for a, b in zip(self.hist, other.hist, strict=True)]

    def is_zero(self) -> bool:
        return not (any(getattr(self, name) for name in MEASURES) or any(self.hist))


def contributions(fact: Fact) -> list[tuple[RowKey, Counts]]:
    """The rows a case adds to: +1 opened on its opening day; when closed, +1 closed, its
    cycle-time bucket and its rating on its closing day."""
    dims = (fact.business_line, fact.department_id, fact.assignee_id, fact.kind, fact.channel,
            fact.state, fact.state_category)
    opened = Counts()
    opened.opened = 1
    out = [((fact.opened_day, *dims), opened)]
    if fact.closed_day is not None:
        closed = Counts()
        closed.closed = 1
        if fact.cycle_bucket is not None:
            closed.hist[fact.cycle_bucket] = 1
        if fact.csat is not None:
            closed.csat_count, closed.csat_sum = 1, fact.csat
        if fact.on_time is True:
            closed.on_time = 1
        elif fact.on_time is False:
            closed.late = 1
        out.append(((fact.closed_day, *dims), closed))
    return out


def aggregate(facts: Iterable[Fact], sign: int = 1,
              into: dict[RowKey, Counts] | None = None) -> dict[RowKey, Counts]:
    """Summary rows keyed by (day, *DIMENSIONS) from facts (sign -1 takes them away)."""
    rows: dict[RowKey, Counts] = {} if into is None else into
    for fact in facts:
        for key, counts in contributions(fact):
            rows.setdefault(key, Counts()).add(counts, sign)
    return rows
