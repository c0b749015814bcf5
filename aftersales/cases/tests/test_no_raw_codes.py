"""No raw codes on screen (issue 10 item 5): the pages of demo-like cases show every code
through its label, dates as 2026-11-29 14:30, Chinese punctuation in Chinese sentences.

The pages are read as a person reads them (the visible text, Chinese), and searched for what
must not be there: snake_case codes (payment methods, condition and evidence keys, term keys,
state codes), lower-case-with-hyphens file names (policy names), ISO timestamps, and an ASCII
colon or comma right after a Chinese character."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.access import portal_token
from aftersales.cases.tests import factories as f
from aftersales.logistics.services import receipt_record, rma_issue, rma_ship
from aftersales.notify.models import Message
from aftersales.quality.services import quality_report_open

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
KEBAB = re.compile(r"\b[a-z]{2,}(?:-[a-z]{2,})+\b")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\d\d:\d\d:\d\d|[+-]\d\d:\d\d\b")
CJK_ASCII_PUNCT = re.compile(r"[\u4e00-\u9fff][:,]|[:,][\u4e00-\u9fff]")
CJK_ASCII_BRACKET = re.compile(r"[\u4e00-\u9fff]\s?\(|\)[\u4e00-\u9fff]")


def visible_text(page: str) -> str:
    """The text a person sees: no scripts, styles, tags or attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def raw_codes(text: str) -> list[str]:
    found = []
    for rx in (SNAKE, KEBAB, ISO, CJK_ASCII_PUNCT, CJK_ASCII_BRACKET):
        found += [text[max(0, m.start() - 20):m.end() + 20].strip() for m in rx.finditer(text)]
    return found


def test_the_scanner_finds_what_it_is_for():
    # the codes the issue names, each in the kind of text it was found in
    for bad in ("退回（wechat_pay 369.00）", "reship_by: 2026-12-18", "缺少证明：inspection_report",
                "online-shop 2025-01-01", "（状态：production_repair）",
                "时限：审核2026-12-02T23:59:59+08:00", "状态变更: 核实", "依据 (11)"):
        assert raw_codes(bad), bad
    for good in ("2026-11-29 14:30", "¥1,234.50", "状态变更：核实订单与身份", "AS-2026-000001",
                 "S3.4-late", "依据（11）", "售后单 AS-2026-000012 已超时 3 个工作日"):
        assert raw_codes(good) == [], good


@pytest.fixture
def demo_cases(policies, clock, agent, supervisor, make_user):
    """Cases like the demo's: a no-reason return with its decision, an exchange with a
    reship deadline, a quality return missing its evidence with an adjustment waiting for
    approval, and an outsourced quality report overdue with fines booked."""
    warehouse = make_user("warehouse")
    cases = []
    order = f.order()
    ret = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                      verify_phone=order.customer.phone, reason="no_reason",
                      description="尺码不合适", lines=[{"line_no": 1, "quantity": 1,
                      "condition": {"unused": True}}])
    ret = s.case_transition(case=ret, actor=agent, transition="verify")
    ret = s.case_confirm_problem(case=ret, actor=agent, symptom="尺码偏小", quantity_affected=1)
    ret = s.case_transition(case=ret, actor=agent, transition="confirm_problem")
    ret = s.case_evaluate(case=ret, actor=agent)
    ret = s.case_transition(case=ret, actor=agent, transition="offer_options")
    ret = s.case_accept_option(case=ret, actor=None, option=0)
    rma = rma_issue(case=ret, actor=agent)  # the RMA sends the instructions (logistics)
    rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF123")
    receipt_record(rma=rma, actor=warehouse, lines=[{"rma_line": rma.lines.get().pk,
                                                      "quantity": 1}])
    ret.refresh_from_db()
    cases.append(ret)

    order = f.order()
    quality = s.case_open(kind="return", channel="phone", actor=agent, order=order,
                          verify_phone=order.customer.phone, reason="quality",
                          description="开线", lines=[{"line_no": 1, "quantity": 1}])
    quality = s.case_transition(case=quality, actor=agent, transition="verify")
    quality = s.case_confirm_problem(case=quality, actor=agent, symptom="开线")
    quality = s.case_evaluate(case=quality, actor=agent)
    quality = s.case_adjust(case=quality, actor=agent, amount="120.00", note="客户保留商品，补偿")
    cases.append(quality)

    team = {"specialist": make_user("sales_specialist"),
            "vp": make_user("sales_vp", email="vp@example.com")}
    order = f.order(business_line="outsourced", channel="b2b",
                    lines=[(f.product(category="pump"), 100, "80.00")])
    report = s.case_open(kind="return", channel="phone", actor=team["specialist"], order=order,
                         verify_phone=order.customer.phone, reason="quality", symptom="漏水",
                         lines=[{"line_no": 1, "quantity": 20}])
    report = s.case_note_record(case=report, actor=team["specialist"], fact="return_form",
                                record="THD-2026-000001")  # as logistics' return form does
    # the numbered report (S3.2) is the record that makes open_report
    quality_report_open(case=report, actor=team["specialist"], problem="漏水")
    report.refresh_from_db()
    clock.at = report.due_at + timedelta(days=1, hours=2)
    s.sla_sweep()
    cases.append(report)
    return cases


def _pages(client, user, cases):
    client.force_login(user)
    urls = ["/", reverse("cases:list"), reverse("cases:queue"), reverse("cases:overdue"),
            reverse("cases:list") + "?sort=state&per_page=50&created_from=2026-11-01"]
    urls += [reverse("cases:detail", args=[c.number]) for c in cases]
    for url in urls:
        r = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200, url
        yield url, r.content.decode()


def test_staff_pages_show_no_raw_codes(demo_cases, client, agent, supervisor, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    found = {}
    for user in (agent, supervisor):
        for url, page in _pages(client, user, demo_cases):
            if codes := raw_codes(visible_text(page)):
                found[f"{user.username} {url}"] = codes
    client.force_login(supervisor)
    fines = client.get(reverse("cases:fines"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert fines.status_code == 200
    if codes := raw_codes(visible_text(fines.content.decode())):
        found["fines"] = codes
    assert found == {}


def test_the_case_page_names_the_policy_its_terms_and_its_reasons(demo_cases, client, agent):
    # given the evaluated return: the decision's reasons and terms as the agent reads them
    client.force_login(agent)
    page = visible_text(client.get(reverse("cases:detail", args=[demo_cases[0].number]),
                                   HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    # then the payment method, the condition and the deadlines are in words and local time
    assert "微信支付" in page and "吊牌齐全" in page
    assert re.search(r"审核\d{4}-\d\d-\d\d \d\d:\d\d（", page)
    assert "判定截止：" in page
    # and the quality case's missing evidence and the pending adjustment read as Chinese
    page = visible_text(client.get(reverse("cases:detail", args=[demo_cases[1].number]),
                                   HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert "缺少证明：检测报告" in page
    assert "调整：¥120.00" in page and "（客户保留商品，补偿）" in page


def test_the_portal_page_and_the_customers_messages_show_no_raw_codes(demo_cases, client):
    found = {}
    for case in demo_cases[:2]:
        url = reverse("portal:case", args=[case.number]) + f"?t={portal_token(case)}"
        r = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200
        if codes := raw_codes(visible_text(r.content.decode())):
            found[url] = codes
    # The customer's messages (the escalation mails to staff are checked with the SLA sweep).
    for m in Message.objects.exclude(topic__startswith="sla_"):
        body = re.sub(r"https?://\S+|/portal/\S+", "", f"{m.subject}\n{m.body}")
        if codes := raw_codes(body):
            found[f"message {m.topic}"] = codes
    assert found == {}


def test_the_supervisors_escalation_mail_names_the_step_not_its_code(demo_cases):
    mails = list(Message.objects.filter(topic__startswith="sla_"))
    assert mails, "the overdue report was escalated by e-mail"
    with_codes = {m.subject: raw_codes(f"{m.subject}\n{m.body}") for m in mails}
    assert all(not codes for codes in with_codes.values()), with_codes
