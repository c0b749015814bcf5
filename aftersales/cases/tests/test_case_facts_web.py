"""The case facts through the page and the API (docs/case-facts.md): the case page's facts form
re-evaluates, shows the catalogue goods with price and points and the unit's history; the API
takes conditions, evidence and goods at intake and later, and refuses bad ones naming them;
a decided fact (in warranty) changes only with a reason, on both."""

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.models import ApiToken
from aftersales.cases import services as s
from aftersales.cases.models import Case, StateCategory
from aftersales.cases.tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}
INTACT = {"unused": True, "packaging_intact": True, "seal_intact": True,
          "tags_attached": True, "all_parts_present": True}


@pytest.fixture
def api(client, agent):
    _token, key = ApiToken.issue(user=agent, name="test")

    def post(path, body):
        return client.post("/api/v1/cases" + path, json.dumps(body),
                           content_type="application/json", HTTP_X_API_KEY=key)
    return post


@pytest.fixture
def member_goods(db):
    old = f.product(category="health_food", name="三七葡萄籽胶囊", list_price=Decimal("128.00"),
                    points=128)
    dear = f.product(category="health_food", sku="CZT-LZ", name="灵芝孢子粉胶囊",
                     list_price=Decimal("158.00"), points=158)
    order = f.order(business_line="member_store", lines=[(old, 1, "128.00")])
    order.lines.update(points=128)
    return order, dear


def _option(data: dict, resolution: str) -> dict | None:
    return next((o for o in (data or {}).get("options") or []
                 if o["resolution"] == resolution), None)


def test_the_page_asks_for_the_goods_wanted_and_shows_the_difference(
        client, policies, clock, agent, member_goods):
    order, dear = member_goods
    case = s.case_open(kind="exchange", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="other", evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1, "condition": INTACT}])
    client.force_login(agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-action="facts"' in page and "灵芝孢子粉胶囊 (CZT-LZ) ¥158.00 · 158" in page
    assert "医院证明" not in page  # no rule of this exchange reads a medical certificate
    # S4.6's incidents (complaint, injury) are for water machines, purifiers and pots only
    assert 'value="complaint_record"' not in page
    line = case.lines.get()
    r = client.post(f"/cases/{case.number}/act/facts/", {
        "version": case.version, "exchange_sku": ["CZT-LZ", ""], "exchange_qty": ["1", "1"],
        "condition_line": str(line.pk),
        **{f"cond_{line.pk}_{k}": "1" for k in INTACT}}, **HTMX)
    assert r["X-Action-Status"] == "200"
    case.refresh_from_db()
    assert case.exchange_for[0]["sku"] == "CZT-LZ"
    assert Decimal(_option(case.decision, "exchange")["customer_pays"]) == Decimal("30.00")
    assert "¥30.00" in r.content.decode()
    # goods not in the catalogue: said, nothing changes
    version = case.version
    r = client.post(f"/cases/{case.number}/act/facts/", {
        "version": version, "exchange_sku": ["FAKE-1"], "exchange_qty": ["1"]}, **HTMX)
    assert r["X-Action-Status"] == "422" and "FAKE-1" in r.content.decode()
    case.refresh_from_db()
    assert case.version == version and case.exchange_for[0]["sku"] == "CZT-LZ"


def test_the_page_shows_the_units_history_and_a_decided_fact_changes_with_a_reason(
        client, policies, clock, agent):
    prod = f.product(category="water_machine", list_price=Decimal("2999.00"))
    order = f.order(business_line="member_store", channel="offline",
                    placed_at=datetime(2026, 6, 1, 10, tzinfo=SHANGHAI),
                    lines=[(prod, 1, "2999.00")])
    opened = {"kind": "repair", "channel": "phone", "actor": agent, "order": order,
              "verify_phone": order.customer.phone, "reason": "quality", "evaluate": True,
              "defect_category": "漏水", "lines": [{"line_no": 1, "quantity": 1,
                                                     "serial": "WM-9"}]}
    for month in (8, 9):
        clock.set(2026, month, 1, 10, 0)
        earlier = s.case_open(**opened)
        at = datetime(2026, month, 10, 10, tzinfo=SHANGHAI)
        Case.objects.filter(pk=earlier.pk).update(
            resolution="repair", agreed_at=at, closed_at=at,
            state_category=StateCategory.CLOSED)
    clock.set(2026, 11, 23, 10, 0)
    case = s.case_open(**opened)
    assert _option(case.decision, "exchange") is not None  # S4.6: twice for the same fault
    client.force_login(agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="unit-history"' in page and page.count(">漏水<") == 2
    assert 'data-fact="in_warranty"' in page
    r = client.post(f"/cases/{case.number}/act/fact/", {
        "version": case.version, "fact": "in_warranty", "value": "0", "note": ""}, **HTMX)
    assert r["X-Action-Status"] == "422" and "修改时请说明理由" in r.content.decode()
    r = client.post(f"/cases/{case.number}/act/fact/", {
        "version": case.version, "fact": "in_warranty", "value": "0",
        "note": "私拆过，厂家不保"}, **HTMX)
    assert r["X-Action-Status"] == "200"
    case.refresh_from_db()
    assert case.facts["in_warranty"]["value"] is False
    assert "私拆过，厂家不保" in r.content.decode()


def test_the_api_takes_the_facts_at_intake_and_later(api, policies, clock, agent):
    prod = f.product(category="health_food", list_price=Decimal("198.00"))
    order = f.order(business_line="member_store", channel="offline", lines=[(prod, 1, "198.00")])
    r = api("", {"kind": "return", "order_number": order.number, "phone": order.customer.phone,
                 "reason": "allergy", "evaluate": True,
                 "lines": [{"line_no": 1, "quantity": 1, "condition": {"unused": False}}]})
    assert r.status_code == 201
    number = r.json()["number"]
    assert _option(r.json()["decision"], "return") is None  # S4.5: no certificate yet
    for body, code, field in (
            ({"evidence": ["astrology"]}, "unknown_evidence", "evidence"),
            ({"lines": [{"line_no": 1, "condition": {"sparkly": True}}]}, "unknown_condition",
             "lines.")):
        r = api(f"/{number}/facts", body)
        assert r.status_code == 422 and r.json()["code"] == code
        assert any(k.startswith(field) for k in r.json()["fields"])
    r = api(f"/{number}/facts", {"evidence": ["medical_certificate"]})
    assert r.status_code == 200
    body = r.json()
    assert body["evidence"] == ["medical_certificate"] and _option(body["decision"], "return")
    assert body["lines"][0]["condition"] == {"unused": False}
    # goods in exchange are for an exchange; unknown goods are refused at intake
    r = api("", {"kind": "exchange", "order_number": order.number,
                 "phone": order.customer.phone, "reason": "other",
                 "lines": [{"line_no": 1, "quantity": 1}],
                 "exchange_for": [{"sku": "NOPE", "quantity": 1}]})
    assert r.status_code == 422 and r.json()["code"] == "unknown_goods"
    assert Case.objects.count() == 1


def test_the_api_override_needs_a_reason(api, policies, clock, agent):
    prod = f.product(category="water_machine")
    order = f.order(business_line="member_store", lines=[(prod, 1, "300.00")])
    case = s.case_open(kind="repair", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality", evaluate=True,
                       lines=[{"line_no": 1, "quantity": 1}])
    r = api(f"/{case.number}/override", {"fact": "in_warranty", "value": False})
    assert r.status_code == 422 and r.json()["code"] == "override_reason_required"
    r = api(f"/{case.number}/override", {"fact": "in_warranty", "value": False,
                                         "reason": "超出保修"})
    assert r.status_code == 200
    fact = r.json()["decided_facts"]["in_warranty"]
    assert fact == {"value": False, "source": "override", "decided": True,
                    "by": str(agent), "at": fact["at"], "reason": "超出保修"}


def test_the_intake_page_asks_what_the_kind_needs(client, policies, clock, agent,
                                                  member_goods):
    order, _dear = member_goods
    client.force_login(agent)
    page = client.get(f"/cases/new/?order={order.number}").content.decode()
    assert 'name="cond_1_unused"' in page and 'name="exchange_sku"' in page
    assert "灵芝孢子粉胶囊 (CZT-LZ) ¥158.00 · 158" in page
    # S4.5 reads a medical certificate for member-store returns: offered for returns only
    assert 'data-kinds="return"><input type="checkbox" name="evidence" ' \
           'value="medical_certificate"' in page
    form = {"token": "t1", "channel": "phone", "order_number": order.number,
            "phone": order.customer.phone, "kind": "exchange", "priority": "normal",
            "reason": "other", "qty_1": "1", "exchange_sku": "NOT-SOLD", "exchange_qty": "1",
            **{f"cond_1_{k}": "1" for k in INTACT}, "create": "1"}
    r = client.post("/cases/new/", form)
    assert r.status_code == 200 and "NOT-SOLD" in r.content.decode()
    assert not Case.objects.exists()
    r = client.post("/cases/new/", {**form, "token": "t2", "exchange_sku": "CZT-LZ"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.exchange_for[0]["unit_price"] == "158.00"
    assert case.lines.get().condition == INTACT
    # a repair takes neither a condition nor goods in exchange
    Case.objects.update(state_category=StateCategory.CLOSED)  # the unit is free again
    r = client.post("/cases/new/", {**form, "token": "t3", "kind": "repair", "reason": "quality",
                                    "exchange_sku": "CZT-LZ"})
    assert r.status_code == 302
    repair = Case.objects.get(kind="repair")
    assert repair.exchange_for == [] and repair.lines.get().condition == {}
