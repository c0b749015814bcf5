"""The case list's controls staff expect (issue 10 item 7): sortable headers that keep the
other filters, page size, a created-date range (a bad date is a message, not an error page),
select-all for bulk assignment, and the state filter grouped by business line and stage."""

import re

import pytest
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.models import Case
from aftersales.cases.tests import factories as f


def _open(agent, *, business_line="online_shop"):
    order = f.order(business_line=business_line)
    return s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def _numbers(page: str) -> list[str]:
    return re.findall(r'name="cases" value="([^"]+)"', page)


def test_a_header_sorts_by_its_column_and_a_second_click_turns_it_round(
        policies, clock, agent, agent_client):
    # given three cases opened one after the other
    cases = []
    for hour in (9, 10, 11):
        clock.set(2026, 11, 23, hour, 0)
        cases.append(_open(agent).number)
    # when the list is sorted by case number, then by the same header again
    up = agent_client.get(reverse("cases:list"), {"sort": "number", "kind": "return"})
    page = up.content.decode()
    # then the rows are in number order and the header now links to the reverse order,
    # keeping the kind filter
    assert _numbers(page) == sorted(cases)
    assert 'aria-sort="ascending"' in page
    header = re.search(r'<a href="([^"]+)" class="sort sort--ascending">', page).group(1)
    assert "kind=return" in header and "sort=-number" in header
    down = agent_client.get(reverse("cases:list") + header.replace("&amp;", "&"))
    assert _numbers(down.content.decode()) == sorted(cases, reverse=True)
    # and "opened" starts with the newest
    newest = agent_client.get(reverse("cases:list"), {"sort": "-created"}).content.decode()
    assert _numbers(newest) == cases[::-1]


def test_an_unknown_sort_falls_back_to_due_order(policies, clock, agent, agent_client):
    _open(agent)
    r = agent_client.get(reverse("cases:list"), {"sort": "password"})
    assert r.status_code == 200 and 'aria-sort="ascending"' in r.content.decode()


def test_page_size_is_20_by_default_and_50_or_100_on_request(policies, clock, agent,
                                                             agent_client):
    # given 23 cases
    for _i in range(23):
        _open(agent)
    # when the list is shown as it comes, with 50 a page, and with a size not offered
    default = agent_client.get(reverse("cases:list")).content.decode()
    fifty = agent_client.get(reverse("cases:list"), {"per_page": "50"}).content.decode()
    odd = agent_client.get(reverse("cases:list"), {"per_page": "7"}).content.decode()
    # then 20 rows, all 23, and 20 again
    assert len(_numbers(default)) == 20 and "page=2" in default
    assert len(_numbers(fifty)) == 23
    assert len(_numbers(odd)) == 20
    # and the chosen size is kept by the sort headers
    assert re.search(r'href="\?[^"]*per_page=50[^"]*sort=number"', fifty)


def test_created_date_range_counts_china_days(policies, clock, agent, agent_client):
    # given a case opened at 00:30 Beijing time on the 20th (the 19th in UTC) and one on the 23rd
    clock.set(2026, 11, 20, 0, 30)
    early = _open(agent).number
    clock.set(2026, 11, 23, 10, 0)
    late = _open(agent).number
    # when the list is limited to the 20th .. the 21st
    page = agent_client.get(reverse("cases:list"), {
        "created_from": "2026-11-20", "created_to": "2026-11-21"}).content.decode()
    # then only the case of the 20th is listed
    assert _numbers(page) == [early]
    # and from the 22nd on, only the later one
    page = agent_client.get(reverse("cases:list"), {"created_from": "2026-11-22"}).content.decode()
    assert _numbers(page) == [late]


@pytest.mark.parametrize("params", [
    {"created_from": "2026-13-45"},
    {"created_to": "yesterday"},
    {"created_from": "2026-11-25", "created_to": "2026-11-20"},
])
def test_a_bad_date_range_is_a_message_and_the_list_still_shows(policies, clock, agent,
                                                                agent_client, params):
    case = _open(agent)
    r = agent_client.get(reverse("cases:list"), params)
    page = r.content.decode()
    assert r.status_code == 200
    assert 'id="filter-errors"' in page and 'aria-invalid="true"' in page
    assert case.number in page  # the wrong filter is left out, not the list


def test_select_all_checkbox_and_its_script_are_on_the_list(policies, clock, agent,
                                                            agent_client):
    _open(agent)
    page = agent_client.get(reverse("cases:list")).content.decode()
    assert 'data-select-all="cases"' in page
    assert re.search(r'<script src="[^"]*core/select_all\.js" defer></script>', page)
    assert "<script>" not in page  # the CSP allows no inline script


def test_state_filter_is_grouped_by_business_line_and_stage(policies, clock, agent,
                                                            agent_client):
    # given a case of the online shop waiting at intake and one of the member store
    shop = _open(agent)
    member = _open(agent, business_line="member_store")
    page = agent_client.get(reverse("cases:list")).content.decode()
    select = page[page.index('id="f-state"'):page.index("</select>", page.index('id="f-state"'))]
    groups = re.findall(r'<optgroup label="([^"]+)"', select)
    # then the states come in groups per line and stage, the online shop's open ones first
    assert len(groups) == len(set(groups)) > 5
    assert groups[0] in ("网店 · 处理中", "Online shop · Open")
    first = select[select.index("<optgroup"):select.index("</optgroup>")]
    assert 'value="online_shop:intake"' in first
    # and choosing the shop's intake state lists the shop's case, not the member store's
    listed = agent_client.get(reverse("cases:list"),
                              {"state": "online_shop:intake"}).content.decode()
    assert shop.number in listed and member.number not in listed
    assert Case.objects.filter(state="intake").count() == 2


def test_the_list_keeps_a_fixed_number_of_queries_with_sort_size_and_dates(
        policies, clock, agent, agent_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"sort": "-customer", "per_page": "50", "created_from": "2026-11-01"}
    _open(agent)
    agent_client.get(reverse("cases:list"), params)  # warm the workflow cache
    with CaptureQueriesContext(connection) as few:
        agent_client.get(reverse("cases:list"), params)
    for _i in range(5):
        _open(agent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = agent_client.get(reverse("cases:list"), params)
    assert len(_numbers(r.content.decode())) == 6
