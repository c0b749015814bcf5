"""The summary the worker keeps equals the plain query over the cases (issue 12 item 5): over
random small case histories refreshed step by step, and after a rebuild."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count
from django.db.models.functions import TruncDate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from aftersales.accounts.models import Department
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases.management.commands.worker import maintenance_pass
from aftersales.cases.models import Case
from aftersales.reports.models import CYCLE_BUCKET_HOURS, CaseDaySummary, CaseFact
from aftersales.reports.services import summaries_rebuild, summaries_refresh
from aftersales.reports.tests.conftest import SHANGHAI, at, make_case, touch

DIMS = ("business_line", "department_id", "assignee_id", "kind", "channel", "state",
        "state_category")


def summary_table() -> dict[tuple, tuple]:
    out: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, Counter(), 0, 0])
    for row in CaseDaySummary.objects.all():
        total = out[(row.day, *(getattr(row, d) for d in DIMS))]
        total[0] += row.opened
        total[1] += row.closed
        total[2] += row.csat_count
        total[3] += row.csat_sum
        total[4].update({i: n for i, n in enumerate(row.cycle_hist) if n})
        total[5] += row.on_time
        total[6] += row.late
    return {k: (v[0], v[1], v[2], v[3], +v[4], v[5], v[6]) for k, v in out.items()
            if any(v[:4])}


def plain_query() -> dict[tuple, tuple]:
    """The same figures straight from the cases, in SQL where SQL can say it."""
    out: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, Counter(), 0, 0])
    opened = (Case.objects.annotate(day=TruncDate("created_at", tzinfo=SHANGHAI))
              .values("day", *DIMS).annotate(n=Count("pk")))
    for row in opened:
        out[(row["day"], *(row[d] for d in DIMS))][0] += row["n"]
    for case in Case.objects.filter(closed_at__isnull=False):
        total = out[(case.closed_at.astimezone(SHANGHAI).date(),
                     *(getattr(case, d) for d in DIMS))]
        total[1] += 1
        hours = (case.closed_at - case.created_at).total_seconds() / 3600
        total[4][bisect.bisect_left(CYCLE_BUCKET_HOURS, hours)] += 1
        if case.csat_score is not None:
            total[2] += 1
            total[3] += case.csat_score
        if case.end_to_end_due_at is not None:
            total[5 if case.closed_at <= case.end_to_end_due_at else 6] += 1
    return {k: (v[0], v[1], v[2], v[3], +v[4], v[5], v[6]) for k, v in out.items()}


DAYS = [at(2026, 11, d, h) for d in (20, 21, 22) for h in (0, 9, 23)]
step = st.one_of(
    st.tuples(st.just("open"), st.sampled_from(DAYS), st.sampled_from(["return", "repair"]),
              st.sampled_from(["phone", "chat"]), st.integers(0, 2),
              st.sampled_from([None, 0, 24, 72])),  # end-to-end time (hours), if any
    st.tuples(st.just("close"), st.integers(0, 20),
              st.sampled_from([0, 3, 4, 5, 8, 23, 24, 72, 200, 721, 900]), st.integers(0, 5)),
    st.tuples(st.just("reopen"), st.integers(0, 20)),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 2), st.integers(0, 2)),
    st.just(("refresh",)),
)


class SummaryEqualsPlainQuery(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.departments = [None, *Department.objects.order_by("pk")[:2]]
        cls.people = [None, UserFactory(), UserFactory()]

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=1, max_size=14))
    def test_every_summary_row_equals_the_plain_query(self, steps):
        # given a cursor from an empty start (the first refresh rebuilds)
        summaries_refresh()
        cases: list[Case] = []
        for s in steps:
            # when cases are opened, closed (with a rating), reopened, moved, refreshed
            if s[0] == "open":
                _, opened, kind, channel, who, due = s
                cases.append(make_case(
                    opened=opened, kind=kind, channel=channel,
                    department=self.departments[who], assignee=self.people[who],
                    due=None if due is None else opened + dt.timedelta(hours=due)))
            elif s[0] == "close" and cases:
                case = cases[s[1] % len(cases)]
                closed = case.created_at + dt.timedelta(hours=s[2])
                cases[s[1] % len(cases)] = touch(
                    case, closed_at=closed, state="closed", state_category="closed",
                    csat_score=s[3] or None)
            elif s[0] == "reopen" and cases:
                case = cases[s[1] % len(cases)]
                cases[s[1] % len(cases)] = touch(case, closed_at=None, state="new",
                                                 state_category="open", csat_score=None)
            elif s[0] == "move" and cases:
                case = cases[s[1] % len(cases)]
                cases[s[1] % len(cases)] = touch(
                    case, department=self.departments[s[2]], assignee=self.people[s[3]])
            elif s[0] == "refresh":
                summaries_refresh()
        summaries_refresh()
        # then each summary row equals the plain query, and a rebuild agrees
        assert summary_table() == plain_query()
        assert CaseFact.objects.count() == Case.objects.count()
        summaries_rebuild()
        assert summary_table() == plain_query()


class WorkerRefreshes(TestCase):
    def test_the_worker_pass_brings_the_summary_up_to_date(self):
        # given a case opened after the summary was last refreshed
        summaries_refresh()
        make_case(opened=at(2026, 11, 20, 9), kind="repair")
        # when the worker makes its maintenance pass
        maintenance_pass()
        # then the summary counts it on its day
        row = CaseDaySummary.objects.get()
        assert (row.day, row.kind, row.opened) == (dt.date(2026, 11, 20), "repair", 1)
