"""Paginators for the case lists.

CappedPaginator: the total is exact up to CAP and "more than CAP" beyond — a COUNT over a
million open cases costs more than the whole page may take.

BranchPaginator: a page of a queue whose rows are the union of a few disjoint "branches",
each served in list order by an index (the cases in one workflow state, by due
time: case_state_queue; the cases assigned to the user). Sorting every matching case to
cut out one page is what made a queue over a million cases slow; instead each branch gives its
first `offset + page size` rows through its index, and only those are merged and sorted.
"""

import operator
from functools import reduce

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    cap = CAP

    def count_query(self) -> QuerySet:
        """The rows the capped count counts: at most cap + 1."""
        # Without ORDER BY the capped count stops after cap + 1 matching rows; the joins that
        # only show a row are left out.
        return self.object_list.select_related(None).order_by()[:self.cap + 1]

    @cached_property
    def count(self) -> int:
        return self.count_query().count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page_rows(self, number) -> QuerySet:
        """The rows of page `number` (a valid page number), as Paginator.page cuts them."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self.object_list[bottom:top]


def among_first(ordered: list[QuerySet], n: int) -> Q:
    """"pk is one of the first n rows of one of the branches" (each branch ordered, pks)."""
    firsts = [b[:n] for b in ordered]
    if connections[firsts[0].db].features.supports_slicing_ordering_in_compound:
        # PostgreSQL: one semi-join on the branches' UNION ALL.
        return Q(pk__in=firsts[0].union(*firsts[1:], all=True)) if len(firsts) > 1 \
            else Q(pk__in=firsts[0])
    # SQLite allows no LIMIT inside a compound SELECT, but one per IN subquery; it looks each
    # list up by primary key ("MULTI-INDEX OR").
    return reduce(operator.or_, (Q(pk__in=first) for first in firsts))


class BranchPaginator(CappedPaginator):
    """Pages of `object_list` whose rows are exactly the union of the disjoint `branches`, in
    `order`; a page is read from `rows` (the same cases with their joins and prefetches,
    unfiltered) by primary key.

    The capped count reads the branches one after the other (UNION ALL) and stops at cap + 1
    rows, where counting `object_list` would gather every matching row first."""

    def __init__(self, object_list: QuerySet, per_page: int, *, branches: list[QuerySet],
                 rows: QuerySet, order: list, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.branches, self.rows, self.order = branches, rows, order
        self.ordered = [b.order_by(*order).values("pk") for b in branches]

    @cached_property
    def count(self) -> int:
        return self.count_query().count() if self.branches else 0

    def count_query(self) -> QuerySet:
        parts = [b.order_by().values("pk") for b in self.branches]
        if connections[parts[0].db].features.supports_slicing_ordering_in_compound:
            # PostgreSQL: each part's first cap + 1 rows in list order, which its index
            # serves (unordered, the planner would scan the table or build a bitmap of every
            # case in the state).
            parts = [b[:self.cap + 1] for b in self.ordered]
        first, *rest = parts
        if not rest:  # one part: already sliced on PostgreSQL, and a sliced query can't reorder
            return first if first.query.is_sliced else first[:self.cap + 1]
        return first.union(*rest, all=True).order_by()[:self.cap + 1]

    def page_rows(self, number) -> QuerySet:
        """The rows of page `number` (a valid page number)."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if not self.branches or top <= bottom:
            return self.rows.none()
        return self.rows.filter(among_first(self.ordered, top)).order_by(
            *self.order)[bottom:top]

    def page(self, number):
        number = self.validate_number(number)
        return self._get_page(self.page_rows(number), number, self)
