"""The finance pages: the refund list (filters, search, Excel), the refund page with its
actions, the slip PDF (退款单), the case panel, the home queue and the portal confirmation."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from aftersales.cases.access import portal_token
from aftersales.finance import services as fs
from aftersales.finance.models import RefundStatus
from aftersales.finance.tests.helpers import inspected_case, mixed_order


@pytest.fixture
def world(policies, clock, agent, make_user):
    order = mixed_order(methods=[("cash", "650.00", {})])
    case = inspected_case(order, agent, make_user("warehouse"))
    return case


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_customer_service_submits_from_the_case_page_and_finance_approves_and_pays(
        world, agent, make_user):
    finance = make_user("finance")
    cs = _client(agent)
    page = cs.get(f"/cases/{world.number}/").content.decode()
    assert 'data-action="refund-create"' in page and "650.00" in page
    r = cs.post(f"/finance/cases/{world.number}/refund/", {})
    refund = world.refunds.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/finance/{refund.number}/")
    page = cs.get(r["Location"]).content.decode()
    assert "data-action=\"approve\"" not in page  # not their own

    fin = _client(finance)
    home = fin.get("/").content.decode()
    assert refund.number in home and "650.00" in home
    page = fin.get(f"/finance/{refund.number}/").content.decode()
    assert 'data-action="approve"' in page
    fin.post(f"/finance/{refund.number}/approve/")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.APPROVED
    line = refund.lines.get()
    fin.post(f"/finance/{refund.number}/pay/{line.pk}/", {"key": "page-1", "reference": "现金-1"})
    fin.post(f"/finance/{refund.number}/pay/{line.pk}/", {"key": "page-1", "reference": "现金-1"})
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PAID and refund.payments.count() == 1

    # the slip
    r = fin.get(f"/finance/{refund.number}/slip.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    for expected in ("退款单", refund.number, world.number, "650.00", "现金-1", "财务审批",
                     str(finance)):
        assert expected in text, expected

    # the customer confirms on the portal
    portal = Client()
    t = portal_token(world)
    page = portal.get(f"/portal/cases/{world.number}/", {"t": t}).content.decode()
    assert refund.number in page
    r = portal.post(f"/finance/cases/{world.number}/{refund.number}/confirm/", {"t": "bad"})
    assert r.status_code == 404
    portal.post(f"/finance/cases/{world.number}/{refund.number}/confirm/", {"t": t})
    refund.refresh_from_db()
    assert refund.confirmed_at is not None


def test_the_list_filters_searches_and_exports(world, agent, make_user):
    refund = fs.refund_create(case=world, actor=agent)
    fin = _client(make_user("finance"))
    assert refund.number in fin.get("/finance/").content.decode()
    assert refund.number in fin.get("/finance/", {"method": "cash"}).content.decode()
    assert refund.number not in fin.get("/finance/", {"method": "alipay"}).content.decode()
    assert refund.number not in fin.get("/finance/", {"status": "paid"}).content.decode()
    assert refund.number in fin.get("/finance/", {"q": world.number}).content.decode()
    assert refund.number not in fin.get("/finance/", {"breach": "1"}).content.decode()
    r = fin.get("/finance/export.xlsx", {"method": "cash"})
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == refund.number and rows[1][4] == 650
    assert _client(make_user("warehouse")).get("/finance/").status_code == 403
