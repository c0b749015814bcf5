"""Reads behind the case reports: the daily summary for company staff, or, for dealer and
factory staff (object scope, X4), the same rows computed from their own cases
(``cases_visible_to``) — a dealer's cases are few and reached through their index, and they
never see another company's counts.

Both sources answer the same questions, grouped by period and by the requested dimensions:
``by_period`` (opened, closed, ratings), ``before`` (opened and closed before the range: the
backlog it starts with) and ``histogram`` (closed cases' cycle-time buckets).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Protocol

from django.db.models import F, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from aftersales.cases.selectors import cases_visible_to
from aftersales.reports.facts import (
    CASE_FIELDS,
    DIMENSIONS,
    MEASURES,
    Counts,
    aggregate,
    fact_from_values,
)
from aftersales.reports.filters import ReportFilters
from aftersales.reports.models import CaseDaySummary, empty_histogram

NUMBERS = MEASURES


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def periods_between(f: ReportFilters) -> list[dt.date]:
    """Every period start from the range's first day to its last, in order."""
    out: list[dt.date] = []
    day = period_start(f.date_from, f.period)
    while day <= f.date_to:
        out.append(day)
        if f.period == "day":
            day += dt.timedelta(days=1)
        elif f.period == "week":
            day += dt.timedelta(days=7)
        else:
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _filter_values(f: ReportFilters) -> dict[str, object]:
    return {dim: getattr(f, attr) for attr, dim in (
        ("business_line", "business_line"), ("department_id", "department_id"),
        ("kind", "kind"), ("channel", "channel")) if getattr(f, attr) not in ("", None)}


class Source(Protocol):
    def by_period(self, f: ReportFilters, dims: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
        ...

    def before(self, f: ReportFilters, dims: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
        ...

    def histogram(self, f: ReportFilters, dims: tuple[str, ...]) -> dict[tuple, list[int]]:
        ...


class SummarySource:
    """The worker's summary (models.CaseDaySummary), grouped in the database."""

    def _rows(self, f: ReportFilters):
        return CaseDaySummary.objects.filter(**_filter_values(f))

    @staticmethod
    def _period(f: ReportFilters):
        return {"week": TruncWeek("day"), "month": TruncMonth("day")}.get(f.period, F("day"))

    def by_period(self, f, dims):
        qs = (self._rows(f).filter(day__gte=f.date_from, day__lte=f.date_to)
              .annotate(period=self._period(f)).values("period", *dims)
              .annotate(**{n: Sum(n) for n in NUMBERS}).order_by())
        return {(row["period"], *(row[d] for d in dims)): {n: row[n] or 0 for n in NUMBERS}
                for row in qs}

    def before(self, f, dims):
        qs = (self._rows(f).filter(day__lt=f.date_from).values(*dims)
              .annotate(opened=Sum("opened"), closed=Sum("closed")).order_by())
        return {tuple(row[d] for d in dims): {"opened": row["opened"] or 0,
                                              "closed": row["closed"] or 0} for row in qs}

    def histogram(self, f, dims):
        out: dict[tuple, list[int]] = defaultdict(empty_histogram)
        qs = (self._rows(f).filter(day__gte=f.date_from, day__lte=f.date_to, closed__gt=0)
              .annotate(period=self._period(f)).values_list("period", *dims, "cycle_hist"))
        for *key, hist in qs.iterator(chunk_size=5000):
            total = out[tuple(key)]
            for i, n in enumerate(hist):
                total[i] += n
        return dict(out)


class ScopedSource:
    """The same rows computed from the cases one user may see (dealer and factory staff)."""

    def __init__(self, user) -> None:
        self.user = user
        self._days: dict[tuple, Counts] | None = None

    def _day_rows(self, f: ReportFilters) -> dict[tuple, Counts]:
        if self._days is None:
            qs = cases_visible_to(self.user).order_by()
            facts = (fact_from_values(row) for row in qs.values(*CASE_FIELDS).iterator())
            self._days = aggregate(facts)
        wanted = _filter_values(f)
        out = {}
        for key, counts in self._days.items():
            row = dict(zip(("day", *DIMENSIONS), key, strict=True))
            if all(row[d] == v for d, v in wanted.items()):
                out[key] = (row, counts)
        return out

    def by_period(self, f, dims):
        out: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(NUMBERS, 0))
        for row, counts in self._day_rows(f).values():
            if f.date_from <= row["day"] <= f.date_to:
                total = out[(period_start(row["day"], f.period), *(row[d] for d in dims))]
                for n in NUMBERS:
                    total[n] += getattr(counts, n)
        return dict(out)

    def before(self, f, dims):
        out: dict[tuple, dict[str, int]] = defaultdict(lambda: {"opened": 0, "closed": 0})
        for row, counts in self._day_rows(f).values():
            if row["day"] < f.date_from:
                total = out[tuple(row[d] for d in dims)]
                total["opened"] += counts.opened
                total["closed"] += counts.closed
        return dict(out)

    def histogram(self, f, dims):
        out: dict[tuple, list[int]] = defaultdict(empty_histogram)
        for row, counts in self._day_rows(f).values():
            if f.date_from <= row["day"] <= f.date_to and counts.closed:
                total = out[(period_start(row["day"], f.period), *(row[d] for d in dims))]
                for i, n in enumerate(counts.hist):
                    total[i] += n
        return dict(out)


def is_scoped(user) -> bool:
    """Dealer and factory staff see figures of their own cases only."""
    return bool(getattr(user, "dealer_id", None) or getattr(user, "factory_id", None))


def source_for(user) -> Source:
    return ScopedSource(user) if is_scoped(user) else SummarySource()
