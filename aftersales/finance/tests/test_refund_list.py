"""The refund list as staff expect every list to work (core.listing): headers sort and turn
round keeping the filters, 20/50/100 rows a page, a range of request dates, a wrong range said
in Chinese and ignored, and the Excel file in the page's order and range."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from aftersales.core.tests.listing_html import alert, header, numbers
from aftersales.finance import services as fs
from aftersales.finance.models import Refund
from aftersales.finance.tests.helpers import inspected_case, mixed_order

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/finance/"


@pytest.fixture
def refunds(policies, clock, agent, make_user):
    """One refund through the service (650.00 cash, requested 2026-11-23) and copies of it
    with other amounts, requested a day apart from 2026-09-01."""
    case = inspected_case(mixed_order(methods=[("cash", "650.00", {})]), agent,
                          make_user("warehouse"))
    first = fs.refund_create(case=case, actor=agent)

    def copies(amounts):
        made = [Refund(number=f"{first.number}-{k:02d}", case=first.case, order=first.order,
                       customer=first.customer, status=first.status, amount=Decimal(a),
                       decision_amount=Decimal(a),
                       requested_at=dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI)
                       + dt.timedelta(days=k)) for k, a in enumerate(amounts)]
        Refund.objects.bulk_create(made)
        return [r.number for r in made]

    return first, copies


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def shown(page: str) -> list[str]:
    return numbers(page, r"RF-[\w-]+|TK-[\w-]+|R[A-Z]*-\d{4}-\d+(?:-\d\d)?")


def test_amount_sorts_largest_first_then_the_other_way_keeping_the_filters(refunds,
                                                                           make_user):
    first, copies = refunds
    made = copies(["10.00", "900.00", "300.00"])
    fin = _client(make_user("finance"))
    page = fin.get(URL, {"status": first.status, "q": first.case.number}).content.decode()
    assert shown(page) == [first.number, *made[::-1]]  # newest request first
    assert header(page, "申请时间")[1] == "descending"
    href, _sorted = header(page, "金额")
    assert "sort=-amount" in href and f"status={first.status}" in href and "q=" in href
    page = fin.get(URL + href).content.decode()
    assert shown(page) == [made[1], first.number, made[2], made[0]]
    again, sorted_ = header(page, "金额")
    assert sorted_ == "descending" and "sort=amount" in again
    page = fin.get(URL + again).content.decode()
    assert shown(page) == [made[0], made[2], first.number, made[1]]
    assert header(page, "金额")[1] == "ascending"


def test_page_size_a_date_range_and_wrong_values(refunds, make_user):
    first, copies = refunds
    made = copies(["1.00"] * 54)
    fin = _client(make_user("finance"))
    assert len(shown(fin.get(URL).content.decode())) == 20
    assert len(shown(fin.get(URL, {"per_page": "50"}).content.decode())) == 50
    r = fin.get(URL, {"per_page": "0x50", "sort": "amount;drop"})
    assert r.status_code == 200 and len(shown(r.content.decode())) == 20
    page = fin.get(URL, {"date_from": "2026-09-02", "date_to": "2026-09-03"}).content.decode()
    assert shown(page) == [made[2], made[1]]
    r = fin.get(URL, {"date_from": "2026-09-03", "date_to": "2026-09-02", "per_page": "100"})
    page = r.content.decode()
    assert r.status_code == 200 and "结束日期早于开始日期。" in alert(page)
    assert len(shown(page)) == 55


def test_the_export_follows_the_sort_and_the_date_range(refunds, make_user):
    first, copies = refunds
    made = copies(["10.00", "900.00", "300.00"])
    fin = _client(make_user("finance"))
    page = fin.get(URL, {"sort": "amount", "date_to": "2026-09-30"}).content.decode()
    href = page.split('id="refund-export" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    r = fin.get(href)
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
                .iter_rows(values_only=True))[1:]
    assert [row[0] for row in rows] == [made[0], made[2], made[1]]
    assert first.number not in [row[0] for row in rows]
