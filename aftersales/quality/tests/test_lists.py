"""The four quality lists as staff expect every list to work (core.listing): headers sort and
turn round keeping the filters, 20/50/100 rows a page, a date range on the record's main date,
a wrong range said in Chinese and ignored, and the Excel file in the page's order and range."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from aftersales.core.tests.listing_html import alert, header, numbers
from aftersales.quality.models import CorrectiveAction, Inspection, SupplierClaim
from aftersales.quality.tests import test_list_exports as exported
from aftersales.quality.tests.test_list_exports import sheet

# The export tests' records: an outsourced return, its report, inspection, claim and action.
world = exported.world

SHANGHAI = ZoneInfo("Asia/Shanghai")


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def inspections(original: Inspection, n: int) -> list[str]:
    """n more inspections like this one, inspected a day apart from 2026-09-01."""
    made = [Inspection(number=f"{original.number}-{k:02d}", case=original.case,
                       result=original.result, inspected_by=original.inspected_by,
                       inspected_at=dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI)
                       + dt.timedelta(days=k)) for k in range(n)]
    Inspection.objects.bulk_create(made)
    return [i.number for i in made]


def test_inspections_sort_by_a_header_both_ways_and_keep_the_filters(world, team):
    made = inspections(world["inspection"], 3)
    every = [world["inspection"].number, *made]
    c = signed_in(team["quality"])
    url = reverse("quality:inspection_list")
    page = c.get(url, {"result": "fail", "q": "Q"}).content.decode()
    pattern = r"QI-\d{4}-\d+(?:-\d\d)?"
    assert [n for n in numbers(page, pattern) if n in every] == [every[0], *made[::-1]]
    assert header(page, "检验时间")[1] == "descending"
    href, sorted_ = header(page, "检验")
    assert sorted_ == "" and "result=fail" in href and "q=Q" in href
    page = c.get(url + href).content.decode()
    assert [n for n in numbers(page, pattern) if n in every] == sorted(every)
    again, sorted_ = header(page, "检验")
    assert sorted_ == "ascending" and "result=fail" in again
    page = c.get(url + again).content.decode()
    assert [n for n in numbers(page, pattern) if n in every] == sorted(every, reverse=True)
    assert header(page, "检验")[1] == "descending"


def test_page_size_and_garbage_values(world, team):
    inspections(world["inspection"], 55)
    c = signed_in(team["quality"])
    url = reverse("quality:inspection_list")
    pattern = r"QI-\d{4}-\d+(?:-\d\d)?"
    assert len(numbers(c.get(url).content.decode(), pattern)) == 20
    assert len(numbers(c.get(url, {"per_page": "50"}).content.decode(), pattern)) == 50
    r = c.get(url, {"per_page": "lots", "sort": "-nonsense", "page": "x"})
    assert r.status_code == 200 and len(numbers(r.content.decode(), pattern)) == 20
    assert 'id="filter-errors"' not in r.content.decode()


def test_the_report_list_narrows_to_opened_dates_and_says_an_upside_down_range(world, team):
    c = signed_in(team["quality"])
    url = reverse("quality:report_list")
    number = world["report"].number
    opened = world["report"].opened_at.astimezone(SHANGHAI).date()
    day = dt.timedelta(days=1)
    assert number in c.get(url, {"date_from": opened.isoformat(),
                                 "date_to": opened.isoformat()}).content.decode()
    assert number not in c.get(url, {"date_from": (opened + day).isoformat()}).content.decode()
    r = c.get(url, {"date_from": (opened + day).isoformat(), "date_to": opened.isoformat()})
    page = r.content.decode()
    assert r.status_code == 200 and number in page  # not narrowed
    assert "开立日期（止）：结束日期早于开始日期。" in " ".join(alert(page).split())


def test_claims_sort_by_amount_and_the_export_follows_the_page(world, team):
    claim = world["claim"]
    for k, loss in enumerate(("50.00", "9000.00")):
        SupplierClaim.objects.create(
            number=f"{claim.number}-{k}", supplier=claim.supplier, material="阀门",
            defect="裂纹", quantity=1, loss_amount=loss, deduction_amount="0.00",
            created_by=claim.created_by, status=claim.status, created_at=claim.created_at,
            updated_at=claim.created_at)
    SupplierClaim.objects.filter(number=f"{claim.number}-1").update(
        created_at=dt.datetime(2026, 1, 5, 9, tzinfo=SHANGHAI))
    c = signed_in(team["purchasing"])
    url = reverse("quality:supplier_claim_list")
    page = c.get(url).content.decode()
    href, _sorted = header(page, "损耗金额")
    assert "sort=-loss" in href  # amounts: largest first
    page = c.get(url + href + "&date_from=2026-06-01").content.decode()
    href = page.split('id="claim-export" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "sort=-loss" in href and "date_from=2026-06-01" in href
    _headers, rows = sheet(c.get(href))
    assert [r["联络函"] for r in rows] == [claim.number, f"{claim.number}-0"]


def test_actions_overdue_first_by_default_sortable_by_due_date_and_exported_alike(world, team,
                                                                                 clock):
    first = world["action"]  # due 2026-11-25, today is 2026-11-23
    CorrectiveAction.objects.create(
        description="返工检验", owner=team["follower"], due_on=dt.date(2026, 11, 20),
        created_by=team["quality"], report=world["report"], case=world["case"],
        created_at=first.created_at)
    CorrectiveAction.objects.create(
        description="更换供应商", owner=team["follower"], due_on=dt.date(2026, 12, 30),
        created_by=team["quality"], report=world["report"], case=world["case"],
        created_at=first.created_at)
    c = signed_in(team["quality"])
    url = reverse("quality:action_list")

    def order(page):  # the three actions as the page lists them
        return sorted(("返工检验", "装配工培训", "更换供应商"), key=page.index)

    page = c.get(url).content.decode()
    assert order(page) == ["返工检验", "装配工培训", "更换供应商"]
    href, _sorted = header(page, "完成日期")
    page = c.get(url + href).content.decode()
    assert header(page, "完成日期")[1] == "ascending"
    page = c.get(url + header(page, "完成日期")[0]).content.decode()
    assert order(page) == ["更换供应商", "装配工培训", "返工检验"]
    # a range of due dates, and the file follows it and the order
    _headers, rows = sheet(c.get(reverse("quality:action_list_export"),
                                 {"sort": "-due", "date_to": "2026-11-30"}))
    assert [r["纠正措施"] for r in rows] == ["装配工培训", "返工检验"]
    assert [r["已超时"] for r in rows] == [None, "是"]
