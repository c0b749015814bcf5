"""Each report's figures against hand-computed ones on a small fixed history, the Excel file
read back with openpyxl, and who may see what (issue 12 items 1, 3, 7)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from aftersales.accounts.models import Department
from aftersales.cases.models import Escalation, Fine, FineStatus
from aftersales.parties.models import Dealer
from aftersales.policy.models import EvaluationLog, PolicyVersion
from aftersales.reports.registry import report_get_for_user
from aftersales.reports.services import summaries_refresh
from aftersales.reports.tests.conftest import at, make_case

NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30", "period": "month"}


@pytest.fixture
def history(db, make_user, settings):
    """Five cases, three fines, three policy evaluations; the summary refreshed.

    c1 CS/a  return phone  opened 11-02 10:00 closed 11-03 10:00 (24 h) rated 5 "很好"
             due end to end 11-05: on time
    c2 CS/a  repair chat   opened 11-02 23:30 closed 11-05 23:30 (72 h) rated 3 "=HYPERLINK…"
             due end to end 11-04: late; its step and its whole-case time breached 11-04
    c3 Q/b   return phone  opened 11-10 09:00 open
    c4 Q/b   return phone  opened 10-28 09:00 closed 11-12 09:00 (360 h), not rated
    c5 CS/–  repair phone  opened 11-20 (machinery, dealer D) open
    """
    cs = Department.objects.get(code="customer_service")
    quality = Department.objects.get(code="quality")
    a = make_user("customer_service", username="agent_a", display_name="甲")
    b = make_user("quality", username="quality_b", display_name="乙")
    dealer = Dealer.objects.create(code="D1", name="经销商一", region="south")
    make_case(opened=at(2026, 11, 2, 10), closed=at(2026, 11, 3, 10), department=cs,
              assignee=a, csat=5, comment="很好", due=at(2026, 11, 5, 18))
    c2 = make_case(opened=at(2026, 11, 2, 23, 30), closed=at(2026, 11, 5, 23, 30),
                   kind="repair", channel="chat", department=cs, assignee=a, csat=3,
                   comment='=HYPERLINK("http://evil.example","点我")', due=at(2026, 11, 4, 18))
    for kind in ("step", "end_to_end"):
        Escalation.objects.create(case=c2, kind=kind, state="new", state_seq=1,
                                  due_at=at(2026, 11, 4, 18), department=cs,
                                  at=at(2026, 11, 4, 18, 5),
                                  resolved_at=at(2026, 11, 5, 23, 30) if kind == "step"
                                  else None)
    make_case(opened=at(2026, 11, 10, 9), department=quality, assignee=b)
    c4 = make_case(opened=at(2026, 10, 28, 9), closed=at(2026, 11, 12, 9), department=quality,
                   assignee=b)
    make_case(opened=at(2026, 11, 20, 9), kind="repair", business_line="machinery",
              department=cs, dealer=dealer)
    for person, amount, status, booked in ((a, "50.00", FineStatus.BOOKED, at(2026, 11, 4, 9)),
                                           (a, "50.00", FineStatus.WAIVED, at(2026, 11, 5, 9)),
                                           (b, "100.00", FineStatus.BOOKED, at(2026, 11, 6, 9)),
                                           (b, "70.00", FineStatus.BOOKED, at(2026, 10, 6, 9))):
        Fine.objects.create(case=c4, person=person, department=person.department, rule="S3.4",
                            kind="late", state="new", state_seq=1,
                            day=Fine.objects.count() + 1, amount=Decimal(amount),
                            status=status, booked_at=booked)
    version = PolicyVersion.objects.select_related("policy").first()
    for allowed, reasons in ((True, [("B7-10", True), ("S4.2-window", True)]),
                             (False, [("B7-10", False)]), (True, [("B7-10", True)])):
        log = EvaluationLog.objects.create(
            channel="api", policy_name=version.policy.name, version=version, request={},
            decision={"allowed": allowed,
                      "reasons": [{"rule": r, "passed": p} for r, p in reasons]},
            allowed=allowed)
        EvaluationLog.objects.filter(pk=log.pk).update(at=at(2026, 11, 15, 12))
    summaries_refresh()
    return {"a": a, "b": b, "dealer": dealer, "cs": cs, "quality": quality,
            "version": version}


def run(user, name: str, **params):
    report = report_get_for_user(user=user, name=name)
    _f, result = report.run(user=user, params={**NOVEMBER, **params})
    return result


def rows(result, *keys):
    return [tuple(r[k] for k in keys) for r in result.main.rows]


@pytest.fixture
def manager(make_user):
    return make_user("management", username="boss")


def test_case_volume_counts_opened_closed_and_the_backlog_carried_in(history, manager):
    # when management reads November by business line
    result = run(manager, "case_volume", group_by="business_line")
    # then c4 (opened in October) is the online shop's backlog carried in: 1 + 3 − 3
    assert rows(result, "group_value", "opened", "closed", "backlog") == [
        ("machinery", 1, 0, 1), ("online_shop", 3, 3, 1)]
    assert result.chart.series[-1]["data"] == [2]  # the backlog line: all lines together


def test_closure_rate_and_cycle_time_per_department(history, manager):
    result = run(manager, "closure_rate", group_by="department")
    by_dept = {r["group_value"]: r for r in result.main.rows}
    cs, quality = by_dept[history["cs"].pk], by_dept[history["quality"].pk]
    # customer service: opened c1 c2 c5, closed c1 (24 h) and c2 (72 h)
    assert (cs["opened"], cs["closed"]) == (3, 2)
    assert cs["rate"] == pytest.approx(2 / 3)
    # median: half of 2 falls in the (8, 24] bucket's single case → its top; p90 in (48, 72]
    assert (cs["median_hours"], cs["p90_hours"]) == (24.0, 67.2)
    # quality: opened c3, closed c4 (opened in October): 100 %, c4 in the (240, 360] bucket
    assert (quality["opened"], quality["closed"], quality["rate"]) == (1, 1, 1.0)
    assert (quality["median_hours"], quality["p90_hours"]) == (300.0, 348.0)


def test_closure_rate_per_person(history, manager):
    result = run(manager, "closure_rate", group_by="person")
    assert {r["group_value"]: (r["opened"], r["closed"]) for r in result.main.rows} == {
        history["a"].pk: (2, 2), history["b"].pk: (1, 1), None: (1, 0)}


def test_on_time_closure_and_the_steps_that_ran_late(history, manager):
    result = run(manager, "on_time", group_by="department")
    # c1 closed before its end-to-end time, c2 after it; c4 had none and is not timed
    assert rows(result, "group_value", "closed", "on_time", "late", "rate") == [
        (history["cs"].pk, 2, 1, 1, 0.5)]
    (breaches,) = result.tables
    assert sorted((r["step"], r["breaches"], r["open"]) for r in breaches.rows) == sorted([
        ("new", 1, 0), ("全程超时", 1, 1)])


def test_satisfaction_per_person_with_the_latest_comments(history, manager):
    result = run(manager, "satisfaction", group_by="person")
    assert rows(result, "group", "closed", "ratings", "average") == [("甲", 2, 2, 4.0)]
    comments = result.tables[0].rows
    assert [(c["score"], c["comment"][:10]) for c in comments] == [
        (3, '=HYPERLINK'), (5, "很好")]


def test_fines_per_person_with_waivers(history, make_user):
    finance = make_user("finance")
    result = run(finance, "fines", group_by="person")
    assert rows(result, "group", "booked_count", "booked_amount", "waived_count",
                "waived_amount") == [("乙", 1, Decimal("100.00"), 0, Decimal("0")),
                                     ("甲", 1, Decimal("50.00"), 1, Decimal("50.00"))]
    by_month = run(finance, "fines", group_by="month", date_from="2026-10-01")
    assert rows(by_month, "group", "booked_count", "booked_amount") == [
        ("2026-10", 1, Decimal("70.00")), ("2026-11", 2, Decimal("150.00"))]


def test_policy_outcomes_per_rule_and_version(history, manager):
    result = run(manager, "policy_outcomes")
    assert rows(result, "rule", "applied", "passed", "failed") == [
        ("B7-10", 3, 2, 1), ("S4.2-window", 1, 1, 0)]
    (version,) = result.tables[0].rows
    assert (version["evaluations"], version["allowed"], version["refused"]) == (3, 2, 1)


def test_a_dealer_sees_only_its_own_cases(history, make_user):
    # given a dealer's user (the same report management reads with 5 cases)
    dealer_user = make_user("dealer", username="dealer_u", dealer=history["dealer"])
    # when it reads the volume
    result = run(dealer_user, "case_volume", group_by="business_line")
    # then only its own case counts, from its own cases
    assert rows(result, "group_value", "opened", "closed", "backlog") == [
        ("machinery", 1, 0, 1)]


# ------------------------------------------------------------------------ pages and access
def test_the_page_shows_filters_chart_and_table(history, manager, client):
    client.force_login(manager)
    response = client.get(reverse("reports:report", args=["case_volume"]), NOVEMBER)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-chart"' in html and 'id="report-chart-data"' in html
    assert "reports/vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_a_reversed_range_is_refused_with_a_message(history, manager, client):
    client.force_login(manager)
    response = client.get(reverse("reports:report", args=["case_volume"]),
                          {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    assert response.status_code == 422
    assert response.context["field_errors"]["date_to"]
    api = client.get("/api/v1/reports/case_volume",
                     {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    assert api.status_code == 422
    assert api.json()["code"] == "report_filter_invalid"
    assert "date_to" in api.json()["fields"]
    unknown = client.get("/api/v1/reports/case_volume", {"kind": "teleport"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["kind"])


@pytest.mark.parametrize("role, name, status", [
    ("customer_service", "case_volume", 403),
    ("finance", "case_volume", 403),
    ("finance", "fines", 200),
    ("dealer", "fines", 403),
    ("management", "no_such_report", 404),
])
def test_who_may_see_which_report(history, make_user, client, role, name, status):
    extra = {"dealer": history["dealer"]} if role == "dealer" else {}
    user = make_user(role, **extra)
    client.force_login(user)
    assert client.get(f"/reports/{name}/", NOVEMBER).status_code == status
    assert client.get(f"/reports/{name}/export.xlsx", NOVEMBER).status_code == status
    api = client.get(f"/api/v1/reports/{name}", NOVEMBER)
    assert api.status_code == status
    if status != 200:
        assert set(api.json()) >= {"code", "message", "fields"}


def test_the_index_lists_only_the_reports_the_role_may_see(history, make_user, client):
    client.force_login(make_user("finance"))
    listed = [r["name"] for r in client.get("/api/v1/reports").json()]
    assert listed == ["refunds", "cost_of_quality", "fines"]  # money, not case handling
    page = client.get(reverse("reports:index")).content.decode()
    assert "/reports/fines/" in page and "/reports/case_volume/" not in page


def test_the_api_answers_the_same_figures(history, manager, client):
    client.force_login(manager)
    body = client.get("/api/v1/reports/closure_rate",
                      {**NOVEMBER, "group_by": "kind"}).json()
    assert body["filters"]["group_by"] == "kind"
    by_kind = {r["group"]: (r["opened"], r["closed"]) for r in body["table"]["rows"]}
    assert sorted(by_kind.values()) == [(2, 1), (2, 2)]  # repair: c2 c5 / c2; return: c1 c3 / c1 c4
    assert body["table"]["rows"][0]["period"] == "2026-11-01"


# ------------------------------------------------------------------------ Excel
def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_export_has_chinese_headers_typed_cells_and_no_formulas(history, manager, client):
    client.force_login(manager)
    book = _book(client.get(reverse("reports:export", args=["satisfaction"]),
                            {**NOVEMBER, "group_by": "person"}))
    main, comments = book.worksheets
    assert [c.value for c in main[1]] == ["期间", "人员", "结案", "评价数", "平均满意度（1-5）"]
    period, person, closed, ratings, average = (c.value for c in main[2])
    assert period == dt.datetime(2026, 11, 1) and main["A2"].is_date
    assert (person, closed, ratings, average) == ("甲", 2, 2, 4.0)
    assert isinstance(closed, int | float)
    texts = [row[3].value for row in comments.iter_rows(min_row=2)]
    assert texts[0] == "'" + '=HYPERLINK("http://evil.example","点我")'
    assert comments["D2"].data_type == "s"  # text, not a formula
    assert comments["G2"].is_date


def test_export_amounts_are_numbers(history, make_user, client):
    client.force_login(make_user("finance"))
    book = _book(client.get(reverse("reports:export", args=["fines"]),
                            {**NOVEMBER, "group_by": "department"}))
    sheet = book.worksheets[0]
    amounts = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert sorted(a.value for a in amounts) == [50.0, 100.0]
    assert all(a.number_format == "#,##0.00" for a in amounts)


def test_an_export_over_the_limit_offers_no_file(history, manager, client, monkeypatch):
    from aftersales.reports import export

    # given a limit of one row, and a report of two (two business lines)
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    client.force_login(manager)
    response = client.get(reverse("reports:export", args=["case_volume"]),
                          {**NOVEMBER, "group_by": "business_line"})
    # then the page says so instead of a file
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert "1" in str(response.context["error"])
