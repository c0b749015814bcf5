"""The RMA and receipt lists as Excel (issue 12 item 3): the page's search, filters and order,
every matching row the user may see, typed cells, Chinese headers; over the row cap the worker
writes the file in the background."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from django.test import Client
from django.urls import reverse

from aftersales.logistics.models import ReturnAuthorization
from aftersales.logistics.services import receipt_record, rma_issue, rma_ship
from aftersales.logistics.tests.conftest import agreed_return
from aftersales.parties.models import Dealer

RMA_HEADERS = ["退货授权", "售后单", "退货批次", "状态", "退回地点", "收件方", "运费承担方",
               "运费", "快递公司", "运单号", "授权数量", "开具时间", "寄回期限", "寄出时间",
               "收货时间", "先行补发"]
RECEIPT_HEADERS = ["收货单", "退货授权", "售后单", "收货地点", "收货时间", "收货人", "实收数量",
                   "是否收齐", "备注"]


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert "spreadsheetml" in response["Content-Type"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return list(rows[0]), [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def export_href(client, list_name: str, link_id: str, params: dict) -> str:
    """The page's "Export to Excel" link, with the filters the page was opened with."""
    page = client.get(reverse(list_name), params).content.decode()
    return page.split(f'id="{link_id}" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def two_rmas(agent):
    """Two online-shop returns with their RMAs; the first shipped back by the customer."""
    first = rma_issue(case=agreed_return(agent), actor=agent)
    rma_ship(rma=first, actor=None, courier="顺丰", tracking_number="SF100")
    ReturnAuthorization.objects.filter(pk=first.pk).update(freight_cost=Decimal("12.50"))
    second = rma_issue(case=agreed_return(agent), actor=agent)
    return ReturnAuthorization.objects.get(pk=first.pk), second


def test_the_rma_list_exports_with_its_search_typed_and_in_chinese(policies, clock, agent,
                                                                  warehouse):
    first, second = two_rmas(agent)
    c = signed_in(warehouse)
    # the whole list, newest first as on the page
    headers, rows = sheet(c.get(reverse("logistics:rma_list_export")))
    assert headers == RMA_HEADERS
    assert [r["退货授权"] for r in rows] == [second.number, first.number]
    # the page's link keeps its search: only the parcel's RMA
    href = export_href(c, "logistics:rma_list", "rma-export", {"q": "SF100"})
    assert "q=SF100" in href
    _headers, rows = sheet(c.get(href))
    [row] = rows
    assert row["退货授权"] == first.number and row["售后单"] == first.case.number
    assert row["运单号"] == "SF100" and row["快递公司"] == "顺丰"
    assert row["状态"] == first.get_status_display() == "已寄回"
    # typed cells: counts, money and datetimes in China time
    assert row["退货批次"] == 1 and row["授权数量"] == 2
    assert row["运费"] == 12.5
    assert row["开具时间"] == dt.datetime(2026, 11, 23, 10, 0)
    assert isinstance(row["寄回期限"], dt.datetime) and isinstance(row["寄出时间"], dt.datetime)
    assert row["收货时间"] is None
    # the status filter as on the page
    _headers, rows = sheet(c.get(reverse("logistics:rma_list_export"), {"status": "issued"}))
    assert [r["退货授权"] for r in rows] == [second.number]


def test_the_receipt_list_exports_with_its_search_and_typed_cells(policies, clock, agent,
                                                                 warehouse):
    first, second = two_rmas(agent)
    receipt = receipt_record(rma=first, actor=warehouse,
                             lines=[{"rma_line": first.lines.get().pk, "quantity": 1}],
                             note="外箱破损")
    receipt_record(rma=second, actor=warehouse,
                   lines=[{"rma_line": second.lines.get().pk, "quantity": 2}])
    c = signed_in(warehouse)
    headers, rows = sheet(c.get(reverse("logistics:receipt_list_export")))
    assert headers == RECEIPT_HEADERS and len(rows) == 2
    href = export_href(c, "logistics:receipt_list", "receipt-export", {"q": first.number})
    _headers, rows = sheet(c.get(href))
    [row] = rows
    assert row["收货单"] == receipt.number and row["退货授权"] == first.number
    assert row["实收数量"] == 1 and row["是否收齐"] == "部分" and row["备注"] == "外箱破损"
    assert row["收货时间"] == dt.datetime(2026, 11, 23, 10, 0)
    assert row["收货人"] == "仓管王"


def test_only_rows_the_user_may_see_and_no_file_for_the_signed_out(policies, clock, agent,
                                                                  make_user, client):
    two_rmas(agent)
    # a dealer's user sees no other dealer's returns: the files have headers only
    dealer = make_user("dealer", dealer=Dealer.objects.create(code="D-7", name="别家",
                                                               region="north"))
    for name in ("logistics:rma_list_export", "logistics:receipt_list_export"):
        _headers, rows = sheet(signed_in(dealer).get(reverse(name)))
        assert rows == []
        # the signed-out visitor is sent to sign in, with no file
        r = client.get(reverse(name))
        assert r.status_code == 302 and "Content-Disposition" not in r


def test_over_the_row_cap_the_rma_list_is_written_in_the_background(
        policies, clock, agent, warehouse, monkeypatch, settings, tmp_path,
        django_capture_on_commit_callbacks):
    from aftersales.core import export, exports
    from aftersales.core.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    first, second = two_rmas(agent)
    c = signed_in(warehouse)
    with django_capture_on_commit_callbacks(execute=False):
        r = c.get(reverse("logistics:rma_list_export"), {"status": "open", "page": "2"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("core:export", args=[job.pk])
    assert (job.kind, job.total, job.params) == ("rmas", 2, {"status": "open"})
    exports.export_job_run(job.pk)
    _headers, rows = sheet(c.get(reverse("core:export_download", args=[job.pk])))
    assert [r["退货授权"] for r in rows] == [second.number, first.number]


def test_beyond_the_background_limit_the_list_page_says_so(policies, clock, agent, warehouse,
                                                           monkeypatch):
    from aftersales.core import export, exports

    monkeypatch.setattr(export, "MAX_ROWS", 1)
    monkeypatch.setattr(exports, "BACKGROUND_MAX_ROWS", 1)
    first, _second = two_rmas(agent)
    c = signed_in(warehouse)
    r = c.get(reverse("logistics:receipt_list_export"))  # no receipt: an empty file at once
    assert r.status_code == 200
    r = c.get(reverse("logistics:rma_list_export"))
    assert r.status_code == 422 and "Content-Disposition" not in r
    html = r.content.decode()
    assert 'id="rma-export"' in html and "narrow the filters" not in html  # said in Chinese
    assert "此列表超过 1 行，请缩小筛选范围。" in html
    # a narrower search within the cap downloads
    _headers, rows = sheet(c.get(reverse("logistics:rma_list_export"), {"q": first.number}))
    assert [r["退货授权"] for r in rows] == [first.number]
