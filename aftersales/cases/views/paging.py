"""A paginator whose total is exact up to CAP and "more than CAP" beyond (issue 4 item 11b): a
COUNT over a million open cases costs more than the whole page may take."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self) -> int:
        # Without ORDER BY the capped count stops after cap + 1 matching rows.
        return self.object_list.order_by()[:self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
