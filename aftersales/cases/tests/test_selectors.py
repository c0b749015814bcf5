"""Queues, visibility and the portal's look-ups (issue 4 items 5, 6; X4)."""

from datetime import timedelta

import pytest

from aftersales.cases import services as s
from aftersales.cases.access import portal_token
from aftersales.cases.selectors import (
    case_get_for_portal,
    case_get_for_user,
    order_find_for_portal,
    queue_for_user,
)
from aftersales.cases.tests import factories as f
from aftersales.core.errors import NotFound
from aftersales.parties.models import Dealer


def _open(agent, **kw):
    order = f.order(**kw)
    return s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       lines=[{"line_no": 1, "quantity": 1}])


def test_the_queue_lists_overdue_first_then_by_due_time_in_a_fixed_number_of_queries(
        policies, clock, agent, make_user, django_assert_num_queries):
    # given three cases opened on different days; the oldest is overdue
    other = make_user("customer_service")
    oldest = _open(other)
    clock.at += timedelta(days=1)
    middle = _open(other)
    clock.at += timedelta(days=1)
    newest = _open(other)
    clock.at += timedelta(days=1, hours=14)  # Thursday 24:00 passed → the oldest is late
    warehouse_only = make_user("warehouse")
    # when an agent (role acts on "intake") opens the queue
    queue_for_user(user=agent)  # warm the per-process cache of the workflows' queue states
    agent.__dict__.pop("_role_codes", None)
    with django_assert_num_queries(4):  # roles, policy stamp, count, page — not per row
        page = queue_for_user(user=agent)
        rows = list(page)
        [(c.customer.name, c.order.number, c.assignee, c.department) for c in rows]
    # then the overdue case comes first, then by due time
    assert [c.pk for c in rows] == [oldest.pk, middle.pk, newest.pk]
    assert rows[0].is_overdue and not rows[1].is_overdue
    assert page.paginator.count == 3
    assert len(queue_for_user(user=agent, filters={"overdue": "1"})) == 1
    assert list(queue_for_user(user=agent, filters={"q": newest.number})) == [newest]
    assert list(queue_for_user(user=agent, filters={"q": middle.order.number})) == [middle]
    # and a role that doesn't act on these states sees none of them
    assert len(queue_for_user(user=warehouse_only)) == 0


def test_the_home_queue_counts_only_up_to_the_cap(policies, clock, agent, client,
                                                 monkeypatch):
    """Issue 4 item 11b: the home page's queue count stops at the cap (a million open cases
    are not counted on every page view) and says "more than" beyond it."""
    from aftersales.cases.paging import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for _i in range(3):
        _open(agent)
    page = queue_for_user(user=agent, per_page=1)
    assert page.paginator.capped and page.paginator.count == 3  # cap + 1: "more than 2"
    client.force_login(agent)

    def more_link():  # the line under the home queue that leads to the full queue
        body = client.get("/").content.decode()
        at = body.find('<p><a href="/cases/queue/">')
        return body[at:body.find("</p>", at)] if at >= 0 else ""

    assert "2" in more_link() and "3" not in more_link()  # "more than 2", not "all 3"
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    assert not queue_for_user(user=agent).paginator.capped
    assert queue_for_user(user=agent, per_page=1).paginator.count == 3
    assert more_link() == ""  # all 3 are on the home page


def test_a_dealer_sees_only_their_own_companys_cases(policies, clock, agent, make_user):
    dealer = Dealer.objects.create(code="D1", name="经销商一", region="north")
    mine = _open(agent, dealer=dealer)
    theirs = _open(agent)
    dealer_user = make_user("dealer", dealer=dealer)
    assert case_get_for_user(user=dealer_user, number=mine.number) == mine
    with pytest.raises(NotFound) as not_yours:
        case_get_for_user(user=dealer_user, number=theirs.number)
    with pytest.raises(NotFound) as missing:
        case_get_for_user(user=dealer_user, number="AS-2026-999999")
    assert str(not_yours.value) == str(missing.value)


def test_the_portal_answers_someone_elses_order_exactly_like_an_unknown_one(policies, clock):
    order = f.order()
    assert order_find_for_portal(order_number=order.number, phone=order.customer.phone) == order
    with pytest.raises(NotFound) as wrong_phone:
        order_find_for_portal(order_number=order.number, phone="13911112222")
    with pytest.raises(NotFound) as unknown:
        order_find_for_portal(order_number="SO-NOPE", phone=order.customer.phone)
    assert wrong_phone.value.as_dict() == unknown.value.as_dict()


def test_the_tracking_link_needs_the_right_token(policies, clock, agent):
    case = _open(agent)
    assert case_get_for_portal(number=case.number, token=portal_token(case)) == case
    with pytest.raises(NotFound):
        case_get_for_portal(number=case.number, token="0" * 32)


def test_round_robin_gives_the_case_to_the_member_with_fewest_open_cases(
        policies, clock, make_user):
    # given two agents of customer service, one with an open case (the admin opened them)
    opener = make_user("admin")
    busy, free = make_user("customer_service"), make_user("customer_service")
    first = _open(opener)
    s.case_assign(case=first, actor=opener, assignee=busy)
    case = _open(opener)
    assert case.assignee is None and case.department.code == "customer_service"
    # when the next case is assigned round-robin in its department
    case = s.case_assign_round_robin(case=case, actor=opener)
    # then it goes to the agent with fewer open cases
    assert case.assignee == free


def test_bulk_assignment_is_all_or_nothing(policies, clock, agent, make_user):
    from aftersales.core.errors import ValidationError

    a, b = _open(agent), _open(agent)
    finance = make_user("finance")
    with pytest.raises(ValidationError):
        s.cases_assign_bulk(case_ids=[a.pk, b.pk], actor=agent, assignee=finance)
    a.refresh_from_db()
    assert a.assignee == agent
    other = make_user("customer_service")
    s.cases_assign_bulk(case_ids=[a.pk, b.pk], actor=agent, assignee=other)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.assignee == other and b.assignee == other
