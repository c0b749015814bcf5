"""The queue's pages are merged from its indexed parts (BranchPaginator): every page and the
capped count must be exactly those of the queue sorted as a whole — overdue first, then by due
time, cases without a due time last."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.cases.models import Case
from aftersales.cases.paging import BranchPaginator
from aftersales.cases.selectors import (
    QUEUE_ORDER,
    cases_for_list_parts,
    list_rows,
    queue_cases,
    queue_for_user,
    queue_parts,
)

# consumer workflow states: the agent's, the warehouse's, finance's, closed
STATES = [("intake", "open"), ("verified", "open"), ("options_offered", "waiting_customer"),
          ("inspected", "open"), ("received", "open"), ("refund_approval", "open"),
          ("returning", "paused"), ("completed", "resolved"), ("closed", "closed")]


def _cases(n: int, *, rng: random.Random, assignees: list) -> None:
    now = timezone.now()
    ties = [now + timedelta(hours=h) for h in (-5, 1, 7)]  # shared due times: ties break by
    rows = []                                             # creation time, then id
    for i in range(n):
        state, category = rng.choice(STATES)
        due = None if category != "open" or rng.random() < 0.2 else (
            rng.choice(ties) if rng.random() < 0.3
            else now + timedelta(minutes=rng.randint(-3000, 6000)))
        rows.append(Case(
            number=f"AS-T-{i:05d}", kind="return", channel="phone", business_line="online_shop",
            workflow_key="consumer", state=state, state_category=category,
            state_entered_at=now, due_at=due, portal_salt="0" * 32,
            assignee=rng.choice(assignees)))
    Case.objects.bulk_create(rows)
    # bulk_create stamps creation with the time of the insert: give some cases the same one
    for case in Case.objects.order_by("?")[: n // 3]:
        Case.objects.filter(pk=case.pk).update(created_at=now - timedelta(days=1))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_page_of_the_queue_is_the_page_of_the_whole_sorted_queue(
        policies, agent, make_user, seed):
    rng = random.Random(seed)
    other = make_user("customer_service")
    _cases(90, rng=rng, assignees=[None, None, None, agent, other])
    queue, branches = queue_parts(agent)
    expected = [c.pk for c in queue]
    assert expected and len(expected) < 90  # some cases are not the agent's
    for per_page in (4, 25):
        paginator = BranchPaginator(queue, per_page, branches=branches, order=QUEUE_ORDER,
                                    rows=Case.objects.all())
        assert paginator.count == len(expected)
        got = [c.pk for n in paginator.page_range for c in paginator.page(n)]
        assert got == expected


def test_the_queue_holds_the_cases_assigned_to_the_user_in_any_state(policies, agent):
    _cases(30, rng=random.Random(7), assignees=[agent])
    mine = set(queue_cases(agent).values_list("pk", flat=True))
    # every case assigned to the agent that isn't closed, also in the warehouse's states
    assert mine == set(Case.objects.exclude(state_category="closed")
                       .values_list("pk", flat=True))
    assert {c.pk for c in queue_for_user(user=agent, per_page=100)} == mine


def test_the_count_is_capped_where_the_queue_is_longer(policies, agent, monkeypatch):
    _cases(60, rng=random.Random(4), assignees=[None])
    queue, branches = queue_parts(agent)
    monkeypatch.setattr(BranchPaginator, "cap", 10)
    paginator = BranchPaginator(queue, 4, branches=branches, order=QUEUE_ORDER,
                                rows=Case.objects.all())
    assert queue.count() > 11
    assert paginator.count == 11 and paginator.capped
    assert [c.pk for c in paginator.page(2)] == [c.pk for c in queue[4:8]]


def test_my_queue_page_with_filters_is_the_filtered_queue(policies, agent, make_user):
    _cases(80, rng=random.Random(5), assignees=[None, agent])
    for filters in ({"overdue": "1"}, {"state": "intake"}, {"assignee": "me"},
                    {"q": "AS-T-00007"}):
        qs, branches = cases_for_list_parts(agent, filters=filters, mine=True)
        paginator = BranchPaginator(qs, 5, branches=branches, rows=list_rows(),
                                    order=QUEUE_ORDER)
        got = [c.pk for n in paginator.page_range for c in paginator.page(n)]
        assert got == [c.pk for c in qs], filters
