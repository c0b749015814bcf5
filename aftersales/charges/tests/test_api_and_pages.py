"""The charges API (/api/v1/charges) and pages: the quote page and its PDF, the exchange
receipt PDF with the case's data (pypdf), the case and portal panels, the payments list with
its export, the cashier's home."""

import io
from decimal import Decimal

import openpyxl
from django.test import Client

from aftersales.cases.access import portal_token
from aftersales.charges import services as s
from aftersales.charges.models import Charge, Quote, QuoteStatus
from aftersales.charges.tests.helpers import member_exchange, pdf_text
from aftersales.charges.tests.test_quotes import repair_case


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_api_quote_issue_accept_twice_and_the_case_money(policies, clock, agent, price_list):
    case = repair_case(agent)
    c = client_for(agent)
    r = c.post(f"/api/v1/charges/cases/{case.number}/quotes", {
        "lines": [{"code": "P-HANDLE", "quantity": "1"}, {"code": "P-SEAL", "quantity": "4"}],
        "labour_hours": "0.5"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["total"] == "301.00" and body["parts_total"] == "286.00", body
    assert body["labour_total"] == "15.00" and len(body["lines"]) == 2
    number = body["number"]
    r = c.post(f"/api/v1/charges/quotes/{number}/accept", {"channel": "phone"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    r = c.post(f"/api/v1/charges/quotes/{number}/accept", {"channel": "phone"},
               content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "quote_answered"
    r = c.get(f"/api/v1/charges/cases/{case.number}")
    money = r.json()
    assert money["cost"]["parts"] == "286.00" and money["cost"]["charged"] == "301.00"
    assert money["charges"][0]["amount"] == "301.00" and money["difference"] is None
    # a part off the price list: 422 naming the line
    r = c.post(f"/api/v1/charges/cases/{case.number}/quotes",
               {"lines": [{"code": "NOPE"}]}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "part_not_priced"
    assert "lines.0.code" in r.json()["fields"]


def test_api_difference_collection_and_list(policies, clock, agent, warehouse, cashier):
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="128.00",
                           old_points=128, new_price="158.00", new_points=158)
    c = client_for(cashier)
    r = c.get("/api/v1/charges/collections?kind=difference")
    assert r.status_code == 200
    row = next(x for x in r.json() if x["case"] == case.number)
    assert row["amount"] == "30.00" and row["points"] == 30
    r = c.post(f"/api/v1/charges/cases/{case.number}/difference",
               {"amount": "30.00", "points": 30, "method": "alipay", "reference": "ALI9"},
               content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["number"].startswith("SK-") and r.json()["amount"] == "30.00"
    r = c.post(f"/api/v1/charges/cases/{case.number}/difference",
               {"amount": "30.00", "points": 30, "method": "alipay"},
               content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "difference_collected"
    assert not [x for x in c.get("/api/v1/charges/collections").json()
                if x["case"] == case.number]


def test_the_exchange_receipt_pdf_holds_the_case_data(policies, clock, agent, warehouse,
                                                      cashier):
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="128.00",
                           old_points=128, new_price="158.00", new_points=158)
    receipt = s.difference_collect(case=case, actor=cashier, method="wechat_pay",
                                   amount="30.00", points=30, reference="WX4200777")
    r = client_for(cashier).get(f"/charges/receipts/{receipt.number}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    for expected in ("春芝堂会员商城", "换货单", "收款收据", receipt.number, case.number,
                     case.order.number,
                     "128.00", "158.00", "30.00", "WX4200777", "多不退少补"):
        assert expected in text, expected


def test_the_quote_page_and_pdf(policies, clock, agent, price_list):
    case = repair_case(agent)
    quote = s.quote_issue(case=case, actor=agent, labour_hours="1",
                          lines=[{"code": "P-HOSE", "quantity": "2.5"}])
    c = client_for(agent)
    page = c.get(f"/charges/quotes/{quote.number}/").content.decode()
    assert "水管" in page and "25.00" in page and "55.00" in page  # 25.00 + 30.00 labour
    text = pdf_text(c.get(f"/charges/quotes/{quote.number}/pdf/").content)
    for expected in ("维修报价单", quote.number, case.number, "水管", "25.00", "55.00"):
        assert expected in text, expected
    # an agent records the customer's acceptance by phone on the page
    r = c.post(f"/charges/quotes/{quote.number}/accept/", {"channel": "phone"})
    assert r.status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED and quote.answer_channel == "phone"
    # twice: the page says why, nothing changes
    r = c.post(f"/charges/quotes/{quote.number}/accept/", {"channel": "phone"}, follow=True)
    assert "already accepted" in r.content.decode() or "已" in r.content.decode()
    assert Charge.objects.filter(case=case).count() == 1


def test_case_panel_portal_panel_and_the_customer_accepts(policies, clock, agent,
                                                           price_list):
    case = repair_case(agent)
    quote = s.quote_issue(case=case, actor=agent, lines=[{"code": "P-CAP", "quantity": 1}])
    page = client_for(agent).get(f"/cases/{case.number}/").content.decode()
    assert 'id="charges"' in page and quote.number in page and "case-cost" in page
    portal = Client()
    t = portal_token(case)
    page = portal.get(f"/portal/cases/{case.number}/?t={t}").content.decode()
    assert quote.number in page and "10.00" in page
    # a wrong token is refused like a missing case
    r = portal.post(f"/charges/portal/{case.number}/quotes/{quote.number}/accept/",
                    {"t": "nope"})
    assert r.status_code == 404
    r = portal.post(f"/charges/portal/{case.number}/quotes/{quote.number}/accept/", {"t": t})
    assert r.status_code == 302
    assert Quote.objects.get(pk=quote.pk).answer_channel == "portal"


def test_payments_list_filters_export_and_the_cashier_home(policies, clock, agent,
                                                           warehouse, cashier, make_user):
    case = member_exchange(agent=agent, warehouse=warehouse, old_price="118.00",
                           old_points=118, new_price="138.00", new_points=138)
    sup = make_user("cs_supervisor")
    s.charge_raise(case=case, party="carrier", reason="carrier_damage", amount="12.50",
                   party_name="中通快递", actor=sup)
    c = client_for(cashier)
    page = c.get("/charges/").content.decode()
    assert case.number in page and "20.00" in page and "12.50" in page
    page = c.get("/charges/?party=carrier").content.decode()
    assert "中通快递" in page and "20.00" not in page
    page = c.get("/charges/?q=NO-SUCH").content.decode()
    assert case.number not in page
    r = c.get("/charges/export.xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    values = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert any(Decimal(str(v[4])) == Decimal("12.50") for v in values[1:])
    home = c.get("/").content.decode()
    assert 'id="home-charges"' in home and case.number in home
    # the warehouse sees no payments list
    assert client_for(warehouse).get("/charges/").status_code in (200, 403)


def test_pages_raise_collect_waive_and_compensate(policies, clock, agent, make_user, cashier):
    from datetime import timedelta

    from django.utils import timezone

    from aftersales.charges.models import ChargeStatus, Compensation, CompensationStatus

    sup1, sup2 = make_user("cs_supervisor"), make_user("sales_supervisor")
    finance = make_user("finance")
    case = repair_case(agent)
    c1 = client_for(sup1)
    # raise two charges on the case page; bad input is refused with its message
    r = c1.post(f"/charges/cases/{case.number}/charge/",
                {"party": "customer", "reason": "other", "amount": "abc"}, follow=True)
    assert not Charge.objects.exists() and "message--error" in r.content.decode()
    for amount in ("15.00", "25.00"):
        c1.post(f"/charges/cases/{case.number}/charge/",
                {"party": "customer", "reason": "other", "amount": amount, "note": "配件"})
    first, second = Charge.objects.order_by("amount")
    # the cashier collects one, another supervisor waives the other
    client_for(cashier).post(f"/charges/items/{first.number}/collect/",
                             {"method": "cash", "reference": ""})
    c1.post(f"/charges/items/{second.number}/waive/", {"reason": "客情"})  # own: refused
    second.refresh_from_db()
    assert second.status == ChargeStatus.OPEN
    client_for(sup2).post(f"/charges/items/{second.number}/waive/", {"reason": "客情"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ChargeStatus.COLLECTED and second.status == ChargeStatus.WAIVED
    text = pdf_text(client_for(cashier).get(f"/charges/receipts/{first.receipt.number}/pdf/")
                    .content)
    assert "收款收据" in text and first.number in text and "15.00" in text
    # late: propose, approve, pay through the page
    case.end_to_end_due_at = timezone.now() - timedelta(hours=1)
    case.save(update_fields=["end_to_end_due_at"])
    c1.post(f"/charges/cases/{case.number}/compensation/")
    comp = Compensation.objects.get(case=case)
    client_for(sup2).post(f"/charges/compensations/{comp.number}/approve/")
    client_for(finance).post(f"/charges/compensations/{comp.number}/pay/",
                             {"method": "bank_transfer", "reference": "BT-778"})
    comp.refresh_from_db()
    assert comp.status == CompensationStatus.PAID and comp.reference == "BT-778"
    assert comp.amount == Decimal("25.00")
    page = client_for(sup1).get(f"/cases/{case.number}/").content.decode()
    assert comp.number in page and "BT-778" in page
