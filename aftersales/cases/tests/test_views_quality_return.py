"""The B2B quality return (S2, S3) walked through the case pages by each role in turn — the
report with its number and 24-hour clock, the VP's review, quality's judgment — to closure."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.cases.models import Case
from aftersales.cases.tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clients(make_user):
    out = {}
    for role in ("sales_specialist", "sales_vp", "quality", "quality_follower", "warehouse"):
        c = Client()
        c.force_login(make_user(role))
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
    r = sp.post(reverse("cases:create"), {
        "token": "q-1", "channel": "phone", "order_number": order.number,
        "phone": order.customer.phone, "kind": "return", "priority": "normal",
        "reason": "quality", "symptom": "漏水", "qty_1": "20", "create": "1"})
    case = Case.objects.get()
    assert r.status_code == 302 and case.verified_at is not None

    # the specialist fills the return form and opens the numbered report (S2.4, S3.2)
    _post(sp, case, "fact", fact="return_form")
    _post(sp, case, "fact", fact="report_opened", report_no="QE-2026-007")
    _post(sp, case, "transition", transition="open_report")
    case.refresh_from_db()
    assert case.state == "report_review" and case.due_at == clock() + timedelta(hours=24)
    page = sp.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "QE-2026-007" in page

    # the VP reviews, quality judges the factory responsible and approves (S3.2, S2.5)
    _post(clients["sales_vp"], case, "transition", transition="review_report")
    q = clients["quality"]
    _post(q, case, "fact", fact="quality_judgment", responsibility="factory")
    _post(q, case, "fact", fact="factory_responsible")
    _post(q, case, "transition", transition="approve_return")

    # the goods come back, match, are replenished, inspected and shipped; the case closes
    qf, wh = clients["quality_follower"], clients["warehouse"]
    _post(sp, case, "transition", transition="notify_ship")
    _post(qf, case, "transition", transition="receive_at_plant")
    _post(qf, case, "fact", fact="receipt_matches")
    _post(qf, case, "transition", transition="confirm_receipt")
    _post(q, case, "transition", transition="replenish")
    _post(q, case, "fact", fact="outgoing_inspection")
    _post(q, case, "transition", transition="pass_inspection")
    _post(wh, case, "transition", transition="ship")
    _post(sp, case, "transition", transition="close_report")
    case.refresh_from_db()
    assert case.state == "closed" and case.resolution == "reship"
    assert case.facts["quality_judgment"]["responsibility"] == "factory"
    assert case.events.filter(kind="closed").count() == 1
