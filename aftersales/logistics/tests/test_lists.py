"""The RMA and receipt lists as staff expect every list to work (core.listing): headers sort
and turn round, keeping the search and status; 20/50/100 rows a page; a date range on the
issue or receipt date; a wrong range said in Chinese and ignored; the export follows the page."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from aftersales.core.tests.listing_html import alert, header, numbers
from aftersales.logistics.models import ReturnAuthorization
from aftersales.logistics.services import receipt_record, rma_issue
from aftersales.logistics.tests.conftest import agreed_return
from aftersales.logistics.tests.test_list_exports import sheet

SHANGHAI = ZoneInfo("Asia/Shanghai")
RMA = r"RMA-[\w-]+"


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def copies(rma, n: int, *, start: dt.datetime) -> list[str]:
    """n more RMAs like this one (later trips of its case), issued a day apart from start."""
    made = []
    for i in range(n):
        made.append(ReturnAuthorization(
            case=rma.case, trip=rma.trip + 1 + i, number=f"{rma.number}-{i:02d}",
            status=rma.status, destination=rma.destination, address_name=rma.address_name,
            ship_back_by=rma.ship_back_by, created_at=start + dt.timedelta(days=i)))
    ReturnAuthorization.objects.bulk_create(made)
    return [r.number for r in made]


def test_a_header_sorts_the_rmas_turns_round_when_clicked_again_and_keeps_the_filters(
        policies, clock, agent, warehouse):
    first = rma_issue(case=agreed_return(agent), actor=agent)
    others = copies(first, 3, start=dt.datetime(2026, 10, 1, 9, tzinfo=SHANGHAI))
    c = signed_in(warehouse)
    page = c.get(reverse("logistics:rma_list"), {"status": "issued", "q": "RMA"}).content.decode()
    # newest issued first, the issue date marked as the sorted column
    assert numbers(page, RMA) == [first.number, *reversed(others)]
    href, sorted_ = header(page, "开具时间")
    assert sorted_ == "descending"
    href, sorted_ = header(page, "退货授权")
    assert sorted_ == "" and "status=issued" in href and "q=RMA" in href
    page = c.get(reverse("logistics:rma_list") + href).content.decode()
    assert numbers(page, RMA) == sorted([first.number, *others])
    again, sorted_ = header(page, "退货授权")
    assert sorted_ == "ascending" and "status=issued" in again and "sort=-number" in again
    page = c.get(reverse("logistics:rma_list") + again).content.decode()
    assert numbers(page, RMA) == sorted([first.number, *others], reverse=True)
    assert header(page, "退货授权")[1] == "descending"
    # the search and status are still applied: a shipped RMA is not listed
    assert 'value="issued" selected' in page


def test_page_size_date_range_and_wrong_values(policies, clock, agent, warehouse):
    first = rma_issue(case=agreed_return(agent), actor=agent)
    others = copies(first, 54, start=dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI))
    c = signed_in(warehouse)
    url = reverse("logistics:rma_list")
    assert len(numbers(c.get(url).content.decode(), RMA)) == 20
    page = c.get(url, {"per_page": "50"}).content.decode()
    assert len(numbers(page, RMA)) == 50
    assert "per_page=50" in page.split('rel="next"')[0].rsplit("href=", 1)[1]  # kept on page 2
    # garbage sort and page size: the default list, no error
    r = c.get(url, {"sort": "password'--", "per_page": "999999999999999999999"})
    assert r.status_code == 200 and len(numbers(r.content.decode(), RMA)) == 20
    # issued 2026-09-03 .. 2026-09-05 (China time): three RMAs
    page = c.get(url, {"date_from": "2026-09-03", "date_to": "2026-09-05"}).content.decode()
    assert numbers(page, RMA) == [others[4], others[3], others[2]]
    # a start after the end: said in Chinese, the list not narrowed by date
    r = c.get(url, {"date_from": "2026-09-05", "date_to": "2026-09-03", "per_page": "100"})
    page = r.content.decode()
    assert r.status_code == 200 and "结束日期早于开始日期。" in alert(page)
    assert 'aria-invalid="true"' in page
    assert len(numbers(page, RMA)) == 55
    r = c.get(url, {"date_from": "2026-02-30"})
    assert r.status_code == 200 and "开具日期（起）" in alert(r.content.decode())


def test_the_export_follows_the_pages_sort_and_date_range(policies, clock, agent, warehouse):
    first = rma_issue(case=agreed_return(agent), actor=agent)
    others = copies(first, 4, start=dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI))
    c = signed_in(warehouse)
    page = c.get(reverse("logistics:rma_list"), {
        "sort": "number", "date_from": "2026-09-02", "date_to": "2026-09-03",
        "status": "issued"}).content.decode()
    href = page.split('id="rma-export" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    _headers, rows = sheet(c.get(href))
    assert [r["退货授权"] for r in rows] == [others[1], others[2]]
    _headers, rows = sheet(c.get(reverse("logistics:rma_list_export"),
                                 {"sort": "-number", "date_from": "2026-09-02"}))
    assert [r["退货授权"] for r in rows] == sorted([first.number, *others[1:]], reverse=True)


def test_the_receipt_list_sorts_by_date_and_narrows_to_a_range(policies, clock, agent,
                                                                  warehouse):
    rmas = [rma_issue(case=agreed_return(agent), actor=agent) for _ in range(2)]
    receipts = []
    for day, rma in zip((20, 22), rmas, strict=True):
        clock.set(2026, 11, day, 10)
        receipts.append(receipt_record(rma=rma, actor=warehouse, lines=[
            {"rma_line": rma.lines.get().pk, "quantity": 2}]).number)
    c = signed_in(warehouse)
    url = reverse("logistics:receipt_list")
    pattern = r"RC-[\w-]+|RCV-[\w-]+|R[A-Z]*-\d{4}-\d+"
    page = c.get(url).content.decode()
    shown = [n for n in numbers(page, pattern) if n in receipts]
    assert shown == receipts[::-1]
    href, sorted_ = header(page, "已收货")
    assert sorted_ == "descending"
    page = c.get(url + href).content.decode()
    assert [n for n in numbers(page, pattern) if n in receipts] == receipts
    page = c.get(url, {"date_to": "2026-11-21"}).content.decode()
    assert [n for n in numbers(page, pattern) if n in receipts] == receipts[:1]
