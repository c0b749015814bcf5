"""The inspection, quality report, supplier claim and corrective action lists as Excel (issue 12
item 3): the page's search, filters and order, every matching row the user may see, typed
cells, Chinese headers; no file for a user who may not see the list; over the row cap the
worker writes the file in the background."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from aftersales.quality import services as q
from aftersales.quality.models import QualityReport
from aftersales.quality.tests import helpers as h

INSPECTION_HEADERS = ["检验单号", "售后单", "结果", "不良代码", "责任判定", "供应商", "外协厂",
                      "收货单", "检验数量", "不良数量", "检验时间", "检验人"]
REPORT_HEADERS = ["报告编号", "售后单", "异常现象", "状态", "责任判定", "出货日期", "出货数量",
                  "不良数量", "退货比例", "开立时间", "开立人", "截止时间", "审核时间", "审核人"]
CLAIM_HEADERS = ["联络函", "供应商", "售后单", "物料", "不良代码", "不良", "数量", "损耗金额",
                 "扣款金额", "状态", "扣款凭证号", "创建时间", "发函人"]
ACTION_HEADERS = ["纠正措施", "报告编号", "售后单", "责任人", "完成日期", "已超时", "状态",
                  "创建时间", "完成时间", "完成情况"]


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


@pytest.fixture
def world(policies, clock, team):
    """An outsourced return: its report reviewed, a failed inspection (5 of 20 leak), a
    supplier claim and a corrective action."""
    factory, supplier = h.parties()
    case = h.outsourced_case(team, factory=factory)
    case, report = h.report_reviewed(team, case)
    QualityReport.objects.filter(pk=report.pk).update(
        shipped_on=dt.date(2026, 11, 1), shipped_quantity=100, defective_quantity=20)
    line = case.lines.get()
    inspection = q.inspection_record(
        case=case, actor=team["quality"], result="fail", defect_code="leak",
        responsibility="factory", report="漏水", factory=factory,
        lines=[q.LineFinding(case_line=line.pk, quantity=20, defective=5, defect_code="leak")])
    claim = q.supplier_claim_create(
        actor=team["purchasing"], case=case, inspection=inspection, supplier=supplier,
        material="密封圈", defect="尺寸偏小", defect_code="leak", quantity=20,
        loss_amount="1600.00", deduction_amount="1200.00")
    action = q.corrective_action_create(actor=team["quality"], report=report,
                                        description="装配工培训", owner=team["follower"],
                                        due_on=dt.date(2026, 11, 25))
    return {"case": case, "report": report, "inspection": inspection, "claim": claim,
            "action": action, "supplier": supplier}


def test_the_inspection_list_exports_with_its_filters_and_typed_cells(world, team):
    c = signed_in(team["quality"])
    i = world["inspection"]
    href = export_href(c, "quality:inspection_list", "inspection-export",
                       {"q": world["case"].number, "result": "fail"})
    assert "result=fail" in href
    headers, rows = sheet(c.get(href))
    assert headers == INSPECTION_HEADERS
    [row] = rows
    assert row["检验单号"] == i.number and row["售后单"] == world["case"].number
    assert row["结果"] == i.get_result_display() == "不合格" and row["不良代码"] == "leak"
    assert row["外协厂"] == "东莞外协一厂"
    assert row["检验数量"] == 20 and row["不良数量"] == 5
    assert row["检验时间"] == dt.datetime(2026, 11, 23, 10, 0)
    # the result filter as on the page
    _headers, rows = sheet(c.get(reverse("quality:inspection_list_export"), {"result": "pass"}))
    assert rows == []


def test_the_report_list_exports_with_its_search_and_typed_cells(world, team):
    c = signed_in(team["vp"])
    report = world["report"]
    href = export_href(c, "quality:report_list", "quality-report-export", {"q": report.number})
    headers, rows = sheet(c.get(href))
    assert headers == REPORT_HEADERS
    [row] = rows
    assert row["报告编号"] == report.number and row["异常现象"] == "客户反馈漏水"
    assert row["状态"] == "已审核" and row["审核人"] == str(team["vp"])
    assert row["出货日期"] == dt.datetime(2026, 11, 1)
    assert (row["出货数量"], row["不良数量"]) == (100, 20)
    assert row["退货比例"] == pytest.approx(0.2)
    assert row["开立时间"] == dt.datetime(2026, 11, 23, 10, 0)
    _headers, rows = sheet(c.get(reverse("quality:report_list_export"), {"q": "QE-NONE"}))
    assert rows == []


def test_the_claim_list_exports_with_its_status_filter_and_money(world, team):
    c = signed_in(team["finance"])
    claim = world["claim"]
    href = export_href(c, "quality:supplier_claim_list", "claim-export", {"status": "draft"})
    headers, rows = sheet(c.get(href))
    assert headers == CLAIM_HEADERS
    [row] = rows
    assert row["联络函"] == claim.number and row["供应商"] == str(world["supplier"])
    assert row["数量"] == 20 and row["损耗金额"] == 1600.0 and row["扣款金额"] == 1200.0
    assert row["状态"] == "草稿" and row["创建时间"] == dt.datetime(2026, 11, 23, 10, 0)
    _headers, rows = sheet(c.get(reverse("quality:supplier_claim_list_export"),
                                 {"status": "sent"}))
    assert rows == []


def test_the_action_list_exports_overdue_first_with_dates(world, team, clock):
    clock.set(2026, 11, 26, 9, 0)
    second = q.corrective_action_create(actor=team["quality"], report=world["report"],
                                        description="=来料全检", owner=team["quality"],
                                        due_on=dt.date(2026, 12, 31))
    c = signed_in(team["quality"])
    headers, rows = sheet(c.get(export_href(c, "quality:action_list", "action-export", {})))
    assert headers == ACTION_HEADERS
    # overdue first; text a spreadsheet would read as a formula stays text
    assert [r["纠正措施"] for r in rows] == ["装配工培训", "'=来料全检"]
    first = rows[0]
    assert first["完成日期"] == dt.datetime(2026, 11, 25) and first["已超时"] == "是"
    assert first["报告编号"] == world["report"].number and first["责任人"] == str(team["follower"])
    assert first["创建时间"] == dt.datetime(2026, 11, 23, 10, 0) and first["完成时间"] is None
    assert rows[1]["已超时"] is None and second.pk
    # a user outside quality sees only the actions they own: none here
    _headers, rows = sheet(signed_in(team["agent"]).get(
        reverse("quality:action_list_export")))
    assert rows == []


@pytest.mark.parametrize("name", ["quality:inspection_list_export",
                                  "quality:report_list_export",
                                  "quality:supplier_claim_list_export"])
def test_a_user_who_may_not_see_the_list_gets_no_file(world, team, client, name):
    r = signed_in(team["agent"]).get(reverse(name))
    assert r.status_code == 404 and "Content-Disposition" not in r
    r = client.get(reverse(name))
    assert r.status_code == 302 and "Content-Disposition" not in r


def test_the_signed_out_visitor_gets_no_action_file(world, client):
    r = client.get(reverse("quality:action_list_export"))
    assert r.status_code == 302 and "Content-Disposition" not in r


def test_over_the_row_cap_the_claim_list_is_written_in_the_background(
        world, team, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks):
    from aftersales.core import export, exports
    from aftersales.core.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    other = q.supplier_claim_create(
        actor=team["purchasing"], case=None, inspection=None, supplier=world["supplier"],
        material="垫片", defect="变形", quantity=5, loss_amount="50.00",
        deduction_amount="50.00")
    c = signed_in(team["finance"])
    with django_capture_on_commit_callbacks(execute=False):
        r = c.get(reverse("quality:supplier_claim_list_export"), {"status": "draft"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("core:export", args=[job.pk])
    assert (job.kind, job.total, job.params) == ("supplier_claims", 2, {"status": "draft"})
    exports.export_job_run(job.pk)
    _headers, rows = sheet(c.get(reverse("core:export_download", args=[job.pk])))
    assert {r["联络函"] for r in rows} == {world["claim"].number, other.number}
    assert [r["售后单"] for r in rows if r["联络函"] == other.number] == [None]
