"""/api/v1/finance: the refund journey over the API, who may do what, the errors' shape."""

import pytest
from django.test import Client

from aftersales.finance.tests.helpers import inspected_case, mixed_order


@pytest.fixture
def journey(policies, clock, agent, make_user):
    order = mixed_order(methods=[("bank_transfer", "600.00", {}),
                                 ("points", "50.00", {"points": 500})])
    case = inspected_case(order, agent, make_user("warehouse"))
    return case


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_submit_approve_pay_over_the_api(journey, agent, make_user):
    finance = make_user("finance")
    cs, fin = _client(agent), _client(finance)
    base = "/api/v1/finance"

    # a partial refund without a reason is 422 naming the field; nothing is stored
    r = cs.post(f"{base}/cases/{journey.number}/refunds", {"amount": "10.00"},
                content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "refund_reason_required"
    assert "reason" in r.json()["fields"]
    r = cs.post(f"{base}/cases/{journey.number}/refunds", {}, content_type="application/json")
    assert r.status_code == 201, r.content
    refund = r.json()
    assert refund["amount"] == "600.00" and refund["points"] == 500
    number = refund["number"]

    # finance can't pay before approving; customer service can't approve
    assert cs.post(f"{base}/refunds/{number}/approve").status_code == 403
    r = fin.post(f"{base}/refunds/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"

    line = next(ln for ln in r.json()["lines"] if ln["method"] == "bank_transfer")
    points = next(ln for ln in r.json()["lines"] if ln["method"] == "points")
    r = fin.post(f"{base}/refunds/{number}/payments", {"line": line["id"]},
                 content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1")
    assert r.status_code == 422 and r.json()["code"] == "reference_required"
    for _ in range(2):  # a retry under the same key is the same payment
        r = fin.post(f"{base}/refunds/{number}/payments",
                     {"line": line["id"], "reference": "BOC-778"},
                     content_type="application/json", HTTP_IDEMPOTENCY_KEY="a2")
        assert r.status_code == 200
    paid = next(ln for ln in r.json()["lines"] if ln["id"] == line["id"])
    assert len(paid["payments"]) == 1 and paid["payments"][0]["reference"] == "BOC-778"
    r = fin.post(f"{base}/refunds/{number}/payments", {"line": line["id"], "reference": "x"},
                 content_type="application/json", HTTP_IDEMPOTENCY_KEY="a3")
    assert r.status_code == 409 and r.json()["code"] == "line_paid"
    r = fin.post(f"{base}/refunds/{number}/payments", {"line": points["id"]},
                 content_type="application/json", HTTP_IDEMPOTENCY_KEY="p1")
    assert r.status_code == 200 and r.json()["status"] == "paid"

    r = fin.get(f"{base}/points/{journey.customer.code}")
    assert r.json()["balance"] == 500 and r.json()["entries"][0]["refund"] == number
    r = fin.get(f"{base}/refunds", {"status": "paid"})
    assert [i["number"] for i in r.json()["items"]] == [number]
    assert fin.get(f"{base}/refunds/RF-1999-000001").status_code == 404


def test_who_reads_refunds(journey, agent, make_user):
    from aftersales.finance.services import refund_create

    refund = refund_create(case=journey, actor=agent)
    for role, status in (("finance", 200), ("cashier", 200), ("customer_service", 200),
                         ("warehouse", 403), ("quality", 403)):
        r = _client(make_user(role)).get(f"/api/v1/finance/refunds/{refund.number}")
        assert r.status_code == status, role
    assert Client().get(f"/api/v1/finance/refunds/{refund.number}").status_code == 401
