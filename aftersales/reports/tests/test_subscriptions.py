"""Scheduled reports (issue 12 item 4): a user subscribes on the report page; the worker's pass
e-mails the Excel file when due, for the period just past, and moves the next run on; nothing
is sent before its time; a report the user may not see can't be subscribed to."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from aftersales.core.errors import PermissionDenied, ValidationError
from aftersales.reports.models import ReportSubscription
from aftersales.reports.services import summaries_refresh
from aftersales.reports.subscriptions import (
    next_run,
    period_for,
    subscription_create,
    subscriptions_send,
)
from aftersales.reports.tests.conftest import at, make_case


def test_the_schedule_runs_at_its_time_on_its_day():
    t = dt.time(16, 0)  # the PMC's 16:00 sync (S11.4)
    assert next_run("daily", t, after=at(2026, 11, 23, 15, 59)) == at(2026, 11, 23, 16, 0)
    assert next_run("daily", t, after=at(2026, 11, 23, 16, 0)) == at(2026, 11, 24, 16, 0)
    assert next_run("weekly", t, after=at(2026, 11, 24, 9)) == at(2026, 11, 30, 16, 0)  # Monday
    assert next_run("monthly", t, after=at(2026, 11, 24, 9)) == at(2026, 12, 1, 16, 0)
    assert period_for("daily", at(2026, 11, 24, 16)) == (dt.date(2026, 11, 23),
                                                         dt.date(2026, 11, 23))
    assert period_for("weekly", at(2026, 11, 30, 16)) == (dt.date(2026, 11, 23),
                                                          dt.date(2026, 11, 29))
    assert period_for("monthly", at(2026, 12, 1, 16)) == (dt.date(2026, 11, 1),
                                                          dt.date(2026, 11, 30))


@pytest.mark.django_db
def test_the_worker_mails_the_report_when_due(make_user, client):
    # given November's cases and a supervisor subscribed on the report page
    make_case(opened=at(2026, 11, 2, 10), closed=at(2026, 11, 3, 10))
    make_case(opened=at(2026, 11, 4, 10), kind="repair")
    summaries_refresh()
    boss = make_user("cs_supervisor", username="boss_sub", email="boss@example.com")
    client.force_login(boss)
    response = client.post(reverse("reports:subscribe", args=["case_volume"]),
                           {"frequency": "monthly", "at": "08:00", "group_by": "kind",
                            "date_from": "2026-11-01"})
    assert response.status_code == 302
    sub = ReportSubscription.objects.get(user=boss)
    assert sub.params == {"group_by": "kind"}  # the dates are each run's own
    # when the worker passes before the time, nothing is sent
    ReportSubscription.objects.filter(pk=sub.pk).update(next_run_at=at(2026, 12, 1, 8))
    assert subscriptions_send(now=at(2026, 12, 1, 7, 59)) == 0 and not mail.outbox
    # when it passes at the time
    assert subscriptions_send(now=at(2026, 12, 1, 8, 0, 30)) == 1
    # then November's volume by kind is attached as Excel, and the next run is 1 January
    (message,) = mail.outbox
    assert message.to == ["boss@example.com"] and "2026-11-01" in message.subject
    name, content, _type = message.attachments[0]
    assert name.endswith("-20261101-20261130.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
                .iter_rows(values_only=True))
    assert len(rows) > 1
    sub.refresh_from_db()
    assert sub.next_run_at == at(2027, 1, 1, 8) and sub.last_error == ""


@pytest.mark.django_db
def test_only_a_report_one_may_see_and_with_an_e_mail(make_user):
    agent = make_user("customer_service", username="agent_sub", email="a@example.com")
    with pytest.raises(PermissionDenied):
        subscription_create(user=agent, report="fines", params={}, frequency="daily",
                            at="08:00")
    boss = make_user("cs_supervisor", username="boss_nomail", email="")
    with pytest.raises(ValidationError) as err:
        subscription_create(user=boss, report="case_volume", params={}, frequency="hourly",
                            at="8 o'clock")
    assert set(err.value.fields) == {"frequency", "at", "email"}
    assert not ReportSubscription.objects.exists()


@pytest.mark.django_db
def test_the_monthly_pack_is_one_pdf_with_the_figures_the_reader_may_see(make_user, client):
    import pypdf

    make_case(opened=at(2026, 11, 2, 10), closed=at(2026, 11, 3, 10), csat=5)
    make_case(opened=at(2026, 11, 4, 10), kind="repair")
    summaries_refresh()
    boss = make_user("management", username="boss_pack")
    client.force_login(boss)
    response = client.get(reverse("reports:pack"), {"month": "2026-11"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(
        io.BytesIO(response.content)).pages)
    for title in ("月度管理报告", "售后单量与积压", "结案率与处理时长", "按时结案率",
                  "不良原因柏拉图", "罚款统计", "客户满意度", "2026-11-01"):
        assert title in text, title
    assert client.get(reverse("reports:pack"), {"month": "11/2026"}).status_code == 422
    # an agent's pack holds only what an agent may see: none of these reports
    client.force_login(make_user("customer_service", username="agent_pack"))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
        client.get(reverse("reports:pack"), {"month": "2026-11"}).content)).pages)
    assert "罚款统计" not in text and "没有可查看的报表" in text
