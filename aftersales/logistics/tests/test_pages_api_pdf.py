"""The pages, the printed forms and the REST routes of the logistics app (issue 11 items 2, 8,
10; S2.4, S5.3)."""

import io
import json

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from aftersales.cases.access import portal_token
from aftersales.cases.tests import factories as f
from aftersales.logistics.models import Discrepancy, Receipt, ReturnAuthorization, StockMovement
from aftersales.logistics.printing import return_form_pdf, rma_label_pdf
from aftersales.logistics.services import receipt_record, return_form_create, rma_issue
from aftersales.logistics.tests.conftest import approved_b2b_return, outsourced_factory

API = "/api/v1/returns"


def pdf_text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_label_pdf_has_the_rma_the_address_the_case_and_the_items(online_return, agent):
    rma = rma_issue(case=online_return, actor=agent)
    text = pdf_text(rma_label_pdf(rma))
    assert rma.number in text and online_return.number in text
    assert "优品网店退货仓" in text and "仲恺大道88号" in text
    assert online_return.lines.get().order_line.name in text
    assert "退货标签" in text


def test_the_return_form_pdf_is_laid_out_like_the_paper_form(policies, clock, team):
    factory = outsourced_factory("F31")
    product = f.product(category="pump", factory=factory, model="QB-60", color="蓝",
                        spec="0.37kW")
    case = approved_b2b_return(team, [(product, 100, "80.00")])
    form = case.return_forms.get()
    text = pdf_text(return_form_pdf(form))
    assert "退货处理单" in text and form.number in text and case.number in text
    for value in (product.name, "QB-60", "蓝", "0.37kW", "10", "B2026-11", "整批漏水",
                  "返修入库", factory.name, form.customer_name):
        assert value in text, value
    assert "品质部售后跟单" in text and "外协厂责任单位负责人" in text


def test_a_second_return_form_is_refused(policies, clock, team):
    case = approved_b2b_return(team, [(f.product(category="pump"), 20, "80.00")])
    from aftersales.core.errors import Conflict

    with pytest.raises(Conflict):
        return_form_create(case=case, actor=team["specialist"], reason="again")


def test_the_case_page_shows_the_panel_with_the_issue_button_and_print(online_return, agent,
                                                                       warehouse):
    page = signed_in(agent).get(reverse("cases:detail", args=[online_return.number]))
    html = page.content.decode()
    assert 'id="logistics-panel"' in html and 'data-action="issue-rma"' in html
    r = signed_in(agent).post(reverse("logistics:rma_create", args=[online_return.number]), {})
    assert r.status_code == 302
    rma = ReturnAuthorization.objects.get(case=online_return)
    html = signed_in(warehouse).get(reverse("cases:detail", args=[online_return.number])
                                    ).content.decode()
    assert rma.number in html and 'data-action="print-label"' in html
    label = signed_in(warehouse).get(reverse("logistics:rma_label", args=[rma.number]))
    assert label["Content-Type"] == "application/pdf" and rma.number in pdf_text(
        label.content)


def test_the_receive_page_finds_by_tracking_number_and_records(online_return, agent,
                                                               warehouse):
    rma = rma_issue(case=online_return, actor=agent)
    from aftersales.logistics.services import rma_ship

    rma_ship(rma=rma, actor=None, courier="顺丰", tracking_number="SF77")
    c = signed_in(warehouse)
    page = c.get(reverse("logistics:receive"), {"q": "SF77"}).content.decode()
    assert rma.number in page and 'data-action="record-receipt"' in page
    line = rma.lines.get()
    r = c.post(reverse("logistics:receive"), {"q": rma.number, f"qty_{line.pk}": "3",
                                              f"cond_{line.pk}": "intact"})
    assert r.status_code == 422 and "2" in r.content.decode()
    assert not Receipt.objects.exists()
    r = c.post(reverse("logistics:receive"), {"q": rma.number, f"qty_{line.pk}": "1",
                                              f"cond_{line.pk}": "intact"})
    receipt = Receipt.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/{receipt.number}/")
    assert Discrepancy.objects.filter(receipt=receipt, kind="quantity").exists()
    # the warehouse home counts; the lists find it
    home = c.get(reverse("home")).content.decode()
    assert 'id="returns-home"' in home
    assert receipt.number in c.get(reverse("logistics:receipt_list"),
                                   {"q": rma.number}).content.decode()
    assert rma.number in c.get(reverse("logistics:rma_list"), {"q": "SF77"}).content.decode()


def test_the_specialist_home_lists_open_discrepancies(online_return, agent, warehouse):
    rma = rma_issue(case=online_return, actor=agent)
    receipt_record(rma=rma, actor=warehouse,
                   lines=[{"rma_line": rma.lines.get().pk, "quantity": 1}])
    home = signed_in(agent).get(reverse("home")).content.decode()
    assert 'id="discrepancies-home"' in home and online_return.number in home


def test_the_customer_sees_the_address_and_downloads_the_label_on_the_portal(
        online_return, agent, client):
    rma = rma_issue(case=online_return, actor=agent)
    t = portal_token(online_return)
    page = client.get(reverse("portal:case", args=[online_return.number]), {"t": t})
    html = page.content.decode()
    assert rma.number in html and rma.address in html and 'id="label-link"' in html
    label = client.get(reverse("logistics:portal_label", args=[online_return.number]), {"t": t})
    assert rma.number in pdf_text(label.content)
    assert client.get(reverse("logistics:portal_label", args=[online_return.number]),
                      {"t": "wrong"}).status_code == 404
    r = client.post(reverse("logistics:portal_ship", args=[online_return.number]),
                    {"t": t, "courier": "中通", "tracking_number": "ZT123"})
    assert r.status_code == 302
    rma.refresh_from_db()
    online_return.refresh_from_db()
    assert rma.tracking_number == "ZT123" and online_return.state == "returning"


def test_the_ledger_exports_to_excel(online_return, agent, warehouse):
    rma = rma_issue(case=online_return, actor=agent)
    receipt_record(rma=rma, actor=warehouse,
                   lines=[{"rma_line": rma.lines.get().pk, "quantity": 2}])
    r = signed_in(warehouse).get(reverse("logistics:ledger"), {"export": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = list(book.active.values)
    assert rows[1][3] == rma.number and rows[1][6] == 2


@pytest.fixture
def api(client):
    def call(user, method, path, body=None):
        client.force_login(user)
        if method == "GET":
            return client.get(API + path, body or {})
        return client.post(API + path, json.dumps(body or {}), content_type="application/json")
    return call


def test_the_api_walks_issue_parcel_receipt_discrepancy_disposition(online_return, agent,
                                                                    warehouse, api):
    r = api(agent, "POST", "/rmas", {"case": online_return.number})
    assert r.status_code == 201, r.content
    rma = r.json()
    assert rma["destination"] == "returns_warehouse" and rma["lines"][0]["quantity"] == 2
    assert api(agent, "POST", "/rmas", {"case": online_return.number}).json()["code"] == \
        "rma_exists"
    r = api(agent, "POST", f"/rmas/{rma['number']}/shipment",
            {"courier": "顺丰", "tracking_number": "SF55"})
    assert r.status_code == 200 and r.json()["status"] == "shipped"
    assert api(warehouse, "GET", "/find", {"q": "SF55"}).json()["number"] == rma["number"]
    line = rma["lines"][0]["id"]
    r = api(warehouse, "POST", f"/rmas/{rma['number']}/receipts",
            {"lines": [{"rma_line": line, "quantity": 5}]})
    assert r.status_code == 422 and r.json()["code"] == "over_authorized"
    assert "lines[0].quantity" in r.json()["fields"]
    r = api(warehouse, "POST", f"/rmas/{rma['number']}/receipts",
            {"lines": [{"rma_line": line, "quantity": 1, "condition": "damaged"}]})
    assert r.status_code == 201
    receipt = r.json()
    assert receipt["discrepancies"][0]["kind"] == "quantity"
    assert [d["receipt"] for d in api(agent, "GET", "/discrepancies").json()] == [
        receipt["number"]]
    r = api(agent, "POST", f"/receipts/{receipt['number']}/discrepancy",
            {"outcome": "accept", "note": "客户同意按实收处理"})
    assert r.status_code == 200 and r.json()["outcome"] == "accept"
    r = api(warehouse, "POST", f"/receipts/{receipt['number']}/dispositions",
            {"receipt_line": receipt["lines"][0]["id"], "disposition": "scrap", "quantity": 1})
    assert r.status_code == 201 and r.json()["to_location"] == "scrap"
    r = api(warehouse, "POST", f"/receipts/{receipt['number']}/dispositions",
            {"receipt_line": receipt["lines"][0]["id"], "disposition": "scrap", "quantity": 1})
    assert r.status_code == 422 and r.json()["code"] == "over_received"
    ledger = api(warehouse, "GET", "/ledger").json()
    assert ledger["count"] == StockMovement.objects.count() == 2


def test_the_api_return_form_and_signatures(policies, clock, team, api, make_user):
    factory = outsourced_factory("F41")
    case = approved_b2b_return(team, [(f.product(category="pump", factory=factory), 20,
                                       "80.00")])
    form = case.return_forms.get()
    r = api(team["specialist"], "POST", f"/forms/{form.number}/signatures",
            {"role": "quality_follower"})
    assert r.status_code == 403
    r = api(team["follower"], "POST", f"/forms/{form.number}/signatures",
            {"role": "quality_follower"})
    assert r.status_code == 200 and r.json()["signatures"][0]["name"] == "跟单周"
    boss = make_user("factory", factory=factory, display_name="厂长赵")
    case.factory = factory
    case.save(update_fields=["factory"])
    r = api(boss, "POST", f"/forms/{form.number}/signatures", {"role": "factory"})
    assert r.status_code == 200 and r.json()["archived"] is True
    r = api(team["specialist"], "POST", "/forms", {"case": case.number, "reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "form_exists"


def test_the_form_is_filled_and_signed_through_the_pages(policies, clock, team, make_user):
    from aftersales.cases import services as s

    factory = outsourced_factory("F51")
    order = f.order(business_line="outsourced", channel="b2b",
                    lines=[(f.product(category="pump", factory=factory), 30, "80.00")])
    sp = team["specialist"]
    case = s.case_open(kind="return", channel="phone", actor=sp, order=order,
                       verify_phone=order.customer.phone, reason="quality", symptom="漏水",
                       lines=[{"line_no": 1, "quantity": 5}])
    c = signed_in(sp)
    assert 'data-action="return-form"' in c.get(
        reverse("cases:detail", args=[case.number])).content.decode()
    r = c.post(reverse("logistics:form_create", args=[case.number]),
               {"reason": "漏水", "batch": "L" * 61})
    assert r.status_code == 422 and not case.return_forms.exists()
    r = c.post(reverse("logistics:form_create", args=[case.number]),
               {"reason": "外壳开裂漏水", "batch": "L-77", "rework_into_stock": "1"})
    assert r.status_code == 302
    form = case.return_forms.get()
    assert form.batch == "L-77" and form.rework_into_stock and form.factory == factory
    follower = signed_in(team["follower"])
    page = follower.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-action="sign-quality_follower"' in page
    follower.post(reverse("logistics:form_sign", args=[form.number]),
                  {"role": "quality_follower"})
    boss = make_user("factory", factory=factory, display_name="厂长赵")
    case.factory = factory
    case.save(update_fields=["factory"])
    boss_client = signed_in(boss)
    assert 'data-action="sign-factory"' in boss_client.get(
        reverse("cases:detail", args=[case.number])).content.decode()
    boss_client.post(reverse("logistics:form_sign", args=[form.number]), {"role": "factory"})
    form.refresh_from_db()
    assert form.archived is not None
    text = pdf_text(c.get(reverse("logistics:form_pdf", args=[form.number])).content)
    assert "厂长赵" in text and "跟单周" in text and "L-77" in text
