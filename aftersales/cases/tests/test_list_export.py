"""The case list as Excel (issue 12 item 3): the page's filters and order, every matching case
the user may see, typed cells, formulas neutralised, phones masked; over the row cap the
worker writes it in the background and the user downloads it when it is complete."""

import datetime as dt
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.models import Case
from aftersales.cases.tests import factories as f
from aftersales.parties.models import Dealer

HEADERS = ["单号", "业务线", "类型", "状态", "客户", "联系电话", "处理人", "部门", "建单时间",
           "截止时间", "结案时间", "商品"]


def _open(actor, *, business_line="online_shop", kind="return", **order_kw):
    order = f.order(business_line=business_line, **order_kw)
    return s.case_open(kind=kind, channel="phone", actor=actor, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_export_has_the_chinese_headers_and_typed_cells(policies, clock, agent, client):
    # given one case
    case = _open(agent)
    client.force_login(agent)
    # when the list is exported
    headers, rows = _sheet(client.get(reverse("cases:export")))
    # then the headers are the Chinese ones, and the row reads like the list
    assert list(headers) == HEADERS
    assert len(rows) == 1
    row = dict(zip(headers, rows[0], strict=True))
    assert row["单号"] == case.number
    assert row["客户"] == case.customer.name
    assert row["状态"] and row["状态"] != case.state  # the label, not the code
    assert row["商品"].startswith(case.lines.first().order_line.name)
    # and the opening time is an Excel datetime in China time (the clock: 10:00 Beijing)
    assert isinstance(row["建单时间"], dt.datetime)
    assert row["建单时间"] == dt.datetime(2026, 11, 23, 10, 0)
    assert row["结案时间"] is None
    # and a deadline at the end of its day stays on that day (not rounded up to 00:00 next day)
    assert row["截止时间"] == dt.datetime(2026, 11, 26, 23, 59, 59)


def test_the_export_keeps_the_filters_and_order_of_the_page(policies, clock, agent, client):
    # given cases in two business lines, opened one after the other
    shop = []
    for hour in (9, 10, 11):
        clock.set(2026, 11, 23, hour, 0)
        shop.append(_open(agent).number)
    _open(agent, business_line="machinery", kind="repair")
    client.force_login(agent)
    # when the list filtered to the online shop, newest first, is exported
    page = client.get(reverse("cases:list"), {"business_line": "online_shop",
                                              "sort": "-created"}).content.decode()
    href = page.split('id="list-export" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    _headers, rows = _sheet(client.get(href))
    # then it holds only those cases, in that order
    assert [r[0] for r in rows] == shop[::-1]


def _export_queries(client) -> tuple[int, int]:
    """(rows in the file, queries the export ran)."""
    with CaptureQueriesContext(connection) as queries:
        _headers, rows = _sheet(client.get(reverse("cases:export"), {"per_page": "20"}))
    return len(rows), len(queries)


def test_all_matching_cases_are_exported_not_one_page_in_one_query(policies, clock, agent,
                                                                   client):
    # given one case, then 23
    _open(agent)
    client.force_login(agent)
    _export_queries(client)  # the workflow labels are cached after the first read
    few, few_queries = _export_queries(client)
    for _i in range(22):
        _open(agent)
    # when the list (20 a page) is exported
    many, many_queries = _export_queries(client)
    # then every case is in the file, read without a query per row
    assert (few, many) == (1, 23)
    assert many_queries == few_queries


def test_each_export_is_recorded_with_the_user_filters_and_row_count(policies, clock, agent,
                                                                     client, caplog):
    _open(agent)
    _open(agent, business_line="machinery", kind="repair")
    client.force_login(agent)
    with caplog.at_level("INFO", logger="aftersales.audit"):
        _sheet(client.get(reverse("cases:export"), {"business_line": "machinery"}))
    [record] = [r for r in caplog.records if r.name == "aftersales.audit"]
    line = record.getMessage()
    assert f"user={agent.pk}" in line and "'business_line': 'machinery'" in line
    assert line.endswith("rows=1")


def test_a_customer_name_read_as_a_formula_is_neutralised(policies, clock, agent, client):
    # given a customer whose name a spreadsheet would evaluate
    _open(agent, buyer=f.customer(name="=HYPERLINK(\"http://evil\")"))
    client.force_login(agent)
    # when exported
    headers, rows = _sheet(client.get(reverse("cases:export")))
    # then the cell is text starting with an apostrophe, not a formula
    customer = rows[0][headers.index("客户")]
    assert customer == "'=HYPERLINK(\"http://evil\")"


def test_the_phone_is_masked_as_in_the_lists(policies, clock, agent, client):
    case = _open(agent, buyer=f.customer(phone="13812345678"))
    client.force_login(agent)
    headers, rows = _sheet(client.get(reverse("cases:export")))
    assert case.contact_phone in ("", "13812345678")
    assert rows[0][headers.index("联系电话")] == "138****5678"
    assert all("13812345678" not in str(cell) for cell in rows[0])


def test_a_dealer_exports_only_its_own_cases(policies, clock, make_user, client):
    # given a case of the dealer's customers and one of another dealer's
    admin = make_user("admin")
    mine = Dealer.objects.create(code="D-1", name="华北经销商", region="north")
    other = Dealer.objects.create(code="D-2", name="华东经销商", region="east")
    own = _open(admin, business_line="machinery", kind="repair", dealer=mine)
    _open(admin, business_line="machinery", kind="repair", dealer=other)
    assert Case.objects.get(pk=own.pk).dealer_id == mine.pk
    client.force_login(make_user("dealer", dealer=mine))
    # when the dealer's user exports the list
    _headers, rows = _sheet(client.get(reverse("cases:export")))
    # then only its own case is in the file
    assert [r[0] for r in rows] == [own.number]


def test_over_the_row_cap_the_list_is_written_in_the_background(policies, clock, agent,
                                                                 client, monkeypatch, settings,
                                                                 tmp_path, make_user,
                                                                 django_capture_on_commit_callbacks):
    from aftersales.core import export, exports
    from aftersales.core.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    # given a one-download cap of two rows and three cases
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    for _i in range(3):
        _open(agent)
    client.force_login(agent)
    # when the list is exported
    with django_capture_on_commit_callbacks(execute=False):
        response = client.get(reverse("cases:export"), {"sort": "number"})
    # then no file yet: the user is taken to the export's progress page
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:export", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and "<progress" in page and "hx-trigger" in page
    assert (job.total, job.user_id, job.params["sort"]) == (3, agent.pk, "number")
    # when the worker writes it
    exports.export_job_run(job.pk)
    # then the page offers the file, which holds every matching case in the page's order
    page = client.get(reverse("core:export", args=[job.pk])).content.decode()
    assert 'data-status="done"' in page and 'id="export-download"' in page
    download = client.get(reverse("core:export_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    assert [r[0] for r in rows] == sorted(Case.objects.values_list("number", flat=True))
    # and nobody else can see or download it
    client.force_login(make_user("customer_service"))
    assert client.get(reverse("core:export", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404


def test_beyond_the_background_limit_the_page_says_so(policies, clock, agent, client,
                                                      monkeypatch):
    from aftersales.core import export, exports

    monkeypatch.setattr(export, "MAX_ROWS", 1)
    monkeypatch.setattr(exports, "BACKGROUND_MAX_ROWS", 2)
    for _i in range(3):
        _open(agent)
    client.force_login(agent)
    response = client.get(reverse("cases:export"))
    assert response.status_code == 422 and "Content-Disposition" not in response
    assert 'id="export-error"' in response.content.decode()
    # and a narrower filter within the cap downloads
    one = Case.objects.order_by("pk").first().number
    _headers, rows = _sheet(client.get(reverse("cases:export"), {"q": one}))
    assert [r[0] for r in rows] == [one]
