"""One search box (issue 10 item 6): cases, orders, customers and serials by a full or partial
number, a phone or a name, within what the user may see; an order has its own page with its
cases and a new case from it."""

from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.tests import factories as f
from aftersales.parties.models import Dealer


def _open(agent, **order_kw):
    order = f.order(**order_kw)
    return s.case_open(kind="return", channel="phone", actor=agent, order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])


def test_partial_numbers_names_and_phone_ends_find_cases_and_orders(policies, clock, agent,
                                                                    client):
    case = _open(agent, buyer=f.customer(name="王小明", phone="13912345678"))
    other = _open(agent)
    client.force_login(agent)
    for q in (case.number[-6:], "王小明", "5678", "2345678"):
        page = client.get(reverse("cases:search"), {"q": q})
        assert page.status_code == 200, q
        hits = page.context["hits"]
        assert case.number in [c.number for c in hits.cases], q
        assert other.number not in [c.number for c in hits.cases], q
    orders = client.get(reverse("cases:search"), {"q": "王小明"}).context["hits"].orders
    assert [o.number for o in orders] == [case.order.number]
    # the full case number, or the order number of its only case, opens the case itself
    for q in (case.number, case.order.number):
        r = client.get(reverse("cases:search"), {"q": q})
        assert r.status_code == 302 and r["Location"] == reverse("cases:detail",
                                                                 args=[case.number])
    # too short a fragment says so instead of listing half the database
    short = client.get(reverse("cases:search"), {"q": "567"}).context["hits"]
    assert short.too_short and not short.cases


def test_the_order_page_lists_its_cases_and_starts_a_new_one(policies, clock, agent, client):
    case = _open(agent)
    client.force_login(agent)
    page = client.get(reverse("cases:order", args=[case.order.number]))
    html = page.content.decode()
    assert page.status_code == 200 and case.number in html
    assert f'href="/cases/new/?order={case.order.number}"' in html
    assert client.get(reverse("cases:order", args=["SO-NOPE"])).status_code == 404


def test_a_dealer_finds_only_its_own(policies, clock, make_user, client):
    admin = make_user("admin")
    mine = Dealer.objects.create(code="D-1", name="华北经销商", region="north")
    other = Dealer.objects.create(code="D-2", name="华东经销商", region="east")
    own = _open(admin, business_line="machinery", dealer=mine,
                buyer=f.customer(name="李农机"))
    theirs = _open(admin, business_line="machinery", dealer=other,
                   buyer=f.customer(name="李农机二"))
    client.force_login(make_user("dealer", username="d1", dealer=mine))
    hits = client.get(reverse("cases:search"), {"q": "李农机"}).context["hits"]
    assert [c.number for c in hits.cases] == [own.number]
    assert [o.number for o in hits.orders] == [own.order.number]
    assert client.get(reverse("cases:order", args=[theirs.order.number])).status_code == 404
