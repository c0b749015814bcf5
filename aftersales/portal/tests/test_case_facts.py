"""The customer gives what the policy decides from on the portal (docs/case-facts.md): each
item's condition for a return or an exchange, the evidence the policy's rules read, the goods
wanted in exchange from the catalogue with price and points; adding a medical certificate
later evaluates the case again. Bad goods are refused with nothing stored."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.cases.access import portal_token
from aftersales.cases.models import Case
from aftersales.cases.tests import factories as f


def _to_problem(client, order, kind: str):
    client.post(reverse("portal:index"), {"order_number": order.number,
                                          "phone": order.customer.phone})
    r = client.post(reverse("portal:items"), {"qty_1": "1", "kind": kind})
    assert r.status_code == 302


@pytest.fixture
def member_order(policies, clock):
    old = f.product(category="health_food", name="三七葡萄籽胶囊", list_price=Decimal("128.00"),
                    points=128)
    f.product(category="health_food", sku="CZT-LZ", name="灵芝孢子粉胶囊",
              list_price=Decimal("158.00"), points=158)
    order = f.order(business_line="member_store", channel="offline",
                    lines=[(old, 1, "128.00")])
    order.lines.update(points=128)
    return order


def test_an_exchange_on_the_portal_names_the_goods_and_shows_the_difference(client,
                                                                            member_order):
    _to_problem(client, member_order, "exchange")
    page = client.get(reverse("portal:problem")).content.decode()
    assert "灵芝孢子粉胶囊 ¥158.00 · 158" in page and 'name="cond_1_unused"' in page
    form = {"reason": "other", "description": "想换灵芝孢子粉", "exchange_sku": "CZT-XX",
            "exchange_qty": "1", "cond_1_unused": "1", "cond_1_packaging_intact": "1"}
    r = client.post(reverse("portal:problem"), form)
    assert r.status_code == 200 and "CZT-XX" in r.content.decode()
    assert not Case.objects.exists()
    r = client.post(reverse("portal:problem"), {**form, "exchange_sku": "CZT-LZ"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.lines.get().condition == {"unused": True, "packaging_intact": True}
    option = next(o for o in case.decision["options"] if o["resolution"] == "exchange")
    assert Decimal(option["customer_pays"]) == Decimal("30.00")
    assert "¥30.00" in client.get(r["Location"]).content.decode()


def test_a_medical_certificate_added_on_the_options_page_opens_the_return(client,
                                                                         member_order):
    """S4.5: an allergy return of a health food needs a doctor's certificate."""
    _to_problem(client, member_order, "return")
    page = client.get(reverse("portal:problem")).content.decode()
    assert 'value="medical_certificate"' in page and 'name="exchange_sku"' not in page
    r = client.post(reverse("portal:problem"), {"reason": "allergy",
                                                "description": "吃了过敏",
                                                "cond_1_unused": "0"})
    case = Case.objects.get()
    assert not any(o["resolution"] == "return" for o in case.decision["options"])
    options_url = r["Location"]
    page = client.get(options_url).content.decode()
    assert 'id="tell-us-more"' in page
    r = client.post(options_url.split("?")[0], {
        "t": portal_token(case), "facts": "1", "evidence_shown": "1",
        "evidence": "medical_certificate", "condition_line": str(case.lines.get().pk),
        f"cond_{case.lines.get().pk}_unused": "0"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.evidence == ["medical_certificate"]
    assert any(o["resolution"] == "return" for o in case.decision["options"])
    # a made-up evidence kind is refused and nothing changes
    r = client.post(options_url.split("?")[0], {
        "t": portal_token(case), "facts": "1", "evidence": "fortune_teller"})
    assert r.status_code == 422
    case.refresh_from_db()
    assert case.evidence == ["medical_certificate"]
