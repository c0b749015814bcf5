"""The payments-due list as staff expect every list to work (core.listing), on its plain list
of differences and charges: headers sort and turn round keeping the filters (the "all" status
too), 20/50/100 rows a page, a range of dates owed since, a wrong range said in Chinese and
ignored, and the Excel file in the page's order and range."""

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client

from aftersales.charges.models import Charge
from aftersales.charges.tests.test_quotes import repair_case
from aftersales.core.tests.listing_html import alert, header

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/charges/"


@pytest.fixture
def charges(policies, clock, agent):
    """Charges to a customer on one repair case, owed a day apart from 2026-09-01."""
    case = repair_case(agent)

    def make(amounts, *, status="open"):
        made = [Charge(number=f"FY-2026-{k:04d}", case=case, party="customer", reason="other",
                       amount=Decimal(a), status=status,
                       created_at=dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI)
                       + dt.timedelta(days=k)) for k, a in enumerate(amounts)]
        Charge.objects.bulk_create(made)
        return [c.number for c in made]

    return make


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def shown(page: str) -> list[str]:
    """The charge numbers in page order (the row's first cell, plain text)."""
    return re.findall(r"<tr><td>(FY-2026-\d{4})</td>", page)


def test_amount_sorts_largest_first_then_the_other_way_keeping_all_statuses(charges,
                                                                            cashier):
    made = charges(["10.00", "900.00", "300.00"])
    Charge.objects.filter(number=made[0]).update(status="collected")
    c = client_for(cashier)
    assert shown(c.get(URL).content.decode()) == made[1:]  # open only, oldest first
    page = c.get(URL, {"status": ""}).content.decode()  # all statuses
    assert shown(page) == made
    assert header(page, "起始时间")[1] == "ascending"
    href, _sorted = header(page, "金额")
    assert "sort=-amount" in href and "status=&" in href + "&"
    page = c.get(URL + href).content.decode()
    assert shown(page) == [made[1], made[2], made[0]]
    again, sorted_ = header(page, "金额")
    assert sorted_ == "descending"
    page = c.get(URL + again).content.decode()
    assert shown(page) == [made[0], made[2], made[1]]


def test_page_size_a_date_range_and_wrong_values(charges, cashier):
    made = charges(["1.00"] * 55)
    c = client_for(cashier)
    assert len(shown(c.get(URL).content.decode())) == 20
    assert len(shown(c.get(URL, {"per_page": "50"}).content.decode())) == 50
    r = c.get(URL, {"per_page": "", "sort": "__class__"})
    assert r.status_code == 200 and shown(r.content.decode()) == made[:20]
    page = c.get(URL, {"date_from": "2026-09-02", "date_to": "2026-09-03"}).content.decode()
    assert shown(page) == made[1:3]
    r = c.get(URL, {"date_from": "2026-09-03", "date_to": "2026-09-02"})
    assert r.status_code == 200 and "结束日期早于开始日期。" in alert(r.content.decode())
    assert shown(r.content.decode()) == made[:20]


def test_the_export_follows_the_sort_and_the_date_range(charges, cashier):
    made = charges(["10.00", "900.00", "300.00", "5.00"])
    c = client_for(cashier)
    page = c.get(URL, {"sort": "-amount", "date_to": "2026-09-03"}).content.decode()
    href = page.split('id="collection-export" href="', 1)[1].split('"', 1)[0]
    r = c.get(href.replace("&amp;", "&"))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
                .active.iter_rows(values_only=True))[1:]
    assert [row[0] for row in rows] == [made[1], made[2], made[0]]
