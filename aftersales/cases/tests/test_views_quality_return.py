"""The B2B quality return (S2, S3) walked through the case pages by each role in turn — the
report with its number and 24-hour clock, the VP's review, quality's judgment — to closure."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_workflow
from aftersales.cases.tests import factories as f
from aftersales.logistics.services import receipt_record, rma_issue

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clients(make_user):
    out = {}
    for role in ("sales_specialist", "sales_vp", "quality", "quality_follower", "warehouse"):
        c = Client()
        c.user = make_user(role)
        c.force_login(c.user)
        out[role] = c
    return out


def _post(client, case, action, **data):
    """One action from the case page as the form sends it; it must succeed."""
    case.refresh_from_db()
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    marker = data.get("transition") or (f"fact-{data['fact']}" if action == "fact" else action)
    assert f'data-action="{marker}"' in page, f"{marker} not offered"
    r = client.post(reverse("cases:act", args=[case.number, action]),
                    {"version": case.version, **data}, **HTMX)
    assert r["X-Action-Status"] == "200", r.content.decode()[:2000]


def test_quality_return_through_the_pages_with_the_24_hour_report(policies, clock, clients):
    order = f.order(business_line="outsourced", channel="b2b",
                    lines=[(f.product(category="pump"), 100, "80.00")])
    sp = clients["sales_specialist"]
    sp_user = sp.user
    r = sp.post(reverse("cases:create"), {
        "token": "q-1", "channel": "phone", "order_number": order.number,
        "phone": order.customer.phone, "kind": "return", "priority": "normal",
        "reason": "quality", "symptom": "漏水", "qty_1": "20", "create": "1"})
    case = Case.objects.get()
    assert r.status_code == 302 and case.verified_at is not None

    # the return form (S2.4, the logistics record, stood in for by its number); the
    # specialist opens the numbered report on the quality page (S3.2): open_report follows
    s.case_note_record(case=case, actor=sp_user, fact="return_form", record="RF-2026-000007",
                       advance=False)
    page = sp.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-action="open-report"' in page
    r = sp.post(reverse("quality:report_create", args=[case.number]),
                {"problem": "漏水", "analysis": "密封圈", "responsibility": "factory"})
    assert r.status_code == 302, r.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == "report_review" and case.due_at == clock() + timedelta(hours=24)
    number = case.quality_reports.get().number
    page = sp.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert number in page

    # the VP approves the report, quality's inspection judges the factory responsible and
    # the return is approved by that record (S3.2, S2.5)
    r = clients["sales_vp"].post(reverse("quality:report_review", args=[number]),
                                 {"approve": "1"})
    assert r.status_code == 302
    q = clients["quality"]
    r = q.post(reverse("quality:inspection_create", args=[case.number]), {
        "result": "fail", "defect_code": "leak", "responsibility": "factory"})
    assert r.status_code == 302, r.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == "approved"

    # the goods come back, match, are replenished, inspected and shipped; the case closes
    qf, wh = clients["quality_follower"], clients["warehouse"]
    # (the RMA and the receipt are the logistics records, made here through its services)
    rma = rma_issue(case=case, actor=sp_user)
    receipt_record(rma=rma, actor=qf.user, lines=[{"rma_line": rma.lines.get().pk,
                                                   "quantity": 20}])
    case.refresh_from_db()
    assert case.state == "analysis"
    _post(q, case, "transition", transition="replenish")
    # recording the outgoing inspection (S3.1, a numbered record) is the one primary action,
    # with no tick and no "passed" button, and it makes the step that waited for it
    page = q.get(reverse("cases:detail", args=[case.number])).content.decode()
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("记录出货检验")
    assert 'data-action="fact-outgoing_inspection"' not in page
    before = case.state
    line = case.lines.get()
    r = q.post(reverse("quality:inspection_create", args=[case.number]), {
        "kind": "outgoing", "result": "pass", f"qty_{line.pk}": line.quantity})
    assert r.status_code == 302, r.content.decode()[:2000]
    case.refresh_from_db()
    assert before != case.state and case.state == case_workflow(case).transition(
        "pass_inspection").target
    _post(wh, case, "transition", transition="ship")
    _post(sp, case, "transition", transition="close_report")
    case.refresh_from_db()
    assert case.state == "closed" and case.resolution == "reship"
    assert case.facts["quality_judgment"]["responsibility"] == "factory"
    assert case.events.filter(kind="closed").count() == 1
