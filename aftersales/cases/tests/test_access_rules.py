"""Who may do what on a case, through the API as through the page (the services check the
actor): finance doesn't assign, customer service doesn't touch a case production holds, a
dealer doesn't unassign, staff never rate as the customer; contact details are masked unless a
customer-facing role reveals them, and each reveal is recorded."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.accounts.models import ApiToken
from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent, EventKind, StateCategory
from aftersales.cases.selectors import case_workflow
from aftersales.cases.tests import factories as f
from aftersales.parties.models import Dealer

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


class Api:
    def __init__(self, client, user):
        _token, self.key = ApiToken.issue(user=user, name="test")
        self.client = client

    def get(self, path):
        return self.client.get("/api/v1/cases" + path, HTTP_X_API_KEY=self.key)

    def post(self, path, body=None):
        return self.client.post("/api/v1/cases" + path, json.dumps(body or {}),
                                content_type="application/json", HTTP_X_API_KEY=self.key)

    def upload(self, path, data):
        return self.client.post("/api/v1/cases" + path, data, HTTP_X_API_KEY=self.key)


def _held_by(case: Case, state: str) -> Case:
    """The case put in `state` of its workflow (as if walked there)."""
    wf = case_workflow(case)
    Case.objects.filter(pk=case.pk).update(state=state, state_category=wf.state(state).category)
    case.refresh_from_db()
    return case


@pytest.fixture
def production_case(policies, clock, make_user):
    """A verified return of the outsourced manufacturer, now in rework (production's)."""
    order = f.order(business_line="outsourced")
    case = s.case_open(kind="return", channel="phone", actor=make_user("admin"), order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}], contact_phone="13812345678")
    return _held_by(case, "rework")


def test_finance_cannot_assign_a_case_through_the_api(client, production_case, make_user):
    finance = make_user("finance")
    r = Api(client, finance).post(f"/{production_case.number}/assign", {"assignee": None})
    assert r.status_code == 403 and r.json()["code"] == "assign_not_allowed"
    assert not CaseEvent.objects.filter(case=production_case, kind=EventKind.ASSIGNED).exists()


def test_customer_service_cannot_attach_to_or_evaluate_a_case_production_holds(
        client, production_case, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api = Api(client, make_user("customer_service"))
    r = api.upload(f"/{production_case.number}/attachments",
                   {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")})
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    assert api.post(f"/{production_case.number}/evaluate").status_code == 403
    assert not production_case.attachments.exists() and not list(tmp_path.rglob("*.png"))
    # while production, whose case it is now, may do both
    worker = Api(client, make_user("production"))
    assert worker.upload(f"/{production_case.number}/attachments", {
        "file": SimpleUploadedFile("a.png", PNG, content_type="image/png")}).status_code == 201
    assert worker.post(f"/{production_case.number}/evaluate").status_code == 200


def test_the_page_refuses_what_the_api_refuses(client, production_case, make_user):
    client.force_login(make_user("customer_service"))
    r = client.post(f"/cases/{production_case.number}/act/evaluate/", {},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 403 and r["X-Action-Status"] == "403"


def test_a_dealer_cannot_unassign_its_own_case(client, policies, clock, make_user):
    dealer = Dealer.objects.create(code="D-1", name="华北经销商", region="north")
    order = f.order(business_line="machinery", dealer=dealer)
    dealer_user = make_user("dealer", dealer=dealer)
    case = s.case_open(kind="repair", channel="phone", actor=make_user("admin"), order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])
    case = _held_by(case, "dealer_repair")
    Case.objects.filter(pk=case.pk).update(assignee=dealer_user)
    api = Api(client, dealer_user)
    assert api.get(f"/{case.number}").status_code == 200  # its own case: visible
    r = api.post(f"/{case.number}/assign", {"assignee": None})
    assert r.status_code == 403 and r.json()["code"] == "assign_not_allowed"
    case.refresh_from_db()
    assert case.assignee == dealer_user


def _closed_consult(make_user):
    agent = make_user("customer_service")
    case = s.case_open(kind="consult", channel="phone", actor=agent,
                       business_line="online_shop", description="营业时间？")
    case = s.case_transition(case=case, actor=agent, transition="answer")
    case = s.case_close(case=case, actor=agent)
    assert case.state_category == StateCategory.CLOSED
    return agent, case


def test_staff_cannot_rate_as_the_customer(client, policies, clock, make_user):
    agent, case = _closed_consult(make_user)
    api = Api(client, agent)
    r = api.post(f"/{case.number}/rate", {"score": 5})
    assert r.status_code == 403 and r.json()["code"] == "rating_by_customer"
    r = api.post(f"/{case.number}/transitions", {"transition": "rate", "score": 5})
    assert r.status_code == 403 and r.json()["code"] == "rating_by_customer"
    case.refresh_from_db()
    assert case.csat_score is None


def test_staff_record_a_rating_given_by_phone_as_such(client, policies, clock, make_user):
    agent, case = _closed_consult(make_user)
    r = Api(client, agent).post(f"/{case.number}/rate",
                                {"score": 4, "comment": "电话回访", "channel": "phone"})
    assert r.status_code == 200 and r.json()["csat_score"] == 4
    event = CaseEvent.objects.get(case=case, kind=EventKind.RATED)
    assert event.data["channel"] == "phone" and event.data["recorded_by"] == str(agent)
    assert event.actor == agent  # the recorder, not "the customer"
    client.force_login(agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "电话" in page or "by phone" in page


def test_the_customer_rates_on_the_portal(client, policies, clock, make_user):
    from aftersales.cases.access import portal_token

    _agent, case = _closed_consult(make_user)
    r = client.post(f"/portal/cases/{case.number}/rate/",
                    {"t": portal_token(case), "score": "5"})
    assert r.status_code == 302
    event = CaseEvent.objects.get(case=case, kind=EventKind.RATED)
    assert event.data["channel"] == "portal" and event.actor is None
    assert event.actor_label == "customer"


# ------------------------------------------------------------------ personal data
def test_api_answers_mask_the_phone_and_the_contact_route_records_each_reveal(
        client, production_case, make_user):
    agent = Api(client, make_user("customer_service"))
    assert agent.get(f"/{production_case.number}").json()["contact_phone"] == "138****5678"
    items = agent.get("?q=" + production_case.number).json()["items"]
    assert [c["contact_phone"] for c in items] == ["138****5678"]
    # a customer-facing role sees the full number, and the reveal is on the timeline
    r = agent.post(f"/{production_case.number}/contact")
    assert r.status_code == 200 and r.json()["phone"] == "13812345678"
    assert r.json()["address"] == production_case.order.receiver_address
    agent.post(f"/{production_case.number}/contact")
    reveals = CaseEvent.objects.filter(case=production_case, kind=EventKind.CONTACT_REVEALED)
    assert reveals.count() == 2 and "phone" in reveals.first().data["fields"]
    assert not reveals.filter(customer_visible=True).exists()
    # production does not talk to customers: masked, and no reveal
    r = Api(client, make_user("production")).post(f"/{production_case.number}/contact")
    assert r.status_code == 403 and r.json()["code"] == "contact_not_allowed"
    assert reveals.count() == 2


def test_the_case_page_masks_the_phone_until_customer_service_reveals_it(
        client, production_case, make_user):
    client.force_login(make_user("warehouse"))
    page = client.get(f"/cases/{production_case.number}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert 'data-action="contact"' not in page
    assert client.post(f"/cases/{production_case.number}/contact/",
                       HTTP_HX_REQUEST="true").status_code == 403
    client.force_login(make_user("customer_service"))
    page = client.get(f"/cases/{production_case.number}/").content.decode()
    assert "13812345678" not in page and 'data-action="contact"' in page
    r = client.post(f"/cases/{production_case.number}/contact/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "13812345678" in r.content.decode()
    assert CaseEvent.objects.filter(case=production_case,
                                    kind=EventKind.CONTACT_REVEALED).count() == 1
    # the reveal changes nothing else: an open form is not stale
    assert Case.objects.get(pk=production_case.pk).version == production_case.version


def test_order_lists_on_the_intake_page_mask_phones(client, policies, clock, make_user):
    order = f.order()
    client.force_login(make_user("customer_service"))
    page = client.get("/cases/new/", {"lookup": order.customer.phone},
                      HTTP_HX_REQUEST="true").content.decode()  # the lookup's results
    assert order.number in page  # found by the phone number typed in
    assert order.customer.phone not in page and order.customer.phone[:3] + "****" in page


def test_bulk_assignment_reaches_only_the_cases_in_scope(client, policies, clock, make_user):
    dealer = Dealer.objects.create(code="D-2", name="华东经销商", region="east")
    other = Dealer.objects.create(code="D-3", name="西南经销商", region="southwest")
    order = f.order(business_line="machinery", dealer=other)
    case = s.case_open(kind="repair", channel="phone", actor=make_user("admin"), order=order,
                       verify_phone=order.customer.phone, reason="quality",
                       lines=[{"line_no": 1, "quantity": 1}])
    client.force_login(make_user("sales_branch", dealer=dealer))
    client.post("/cases/assign/", {"cases": [case.number], "round_robin": "1"})
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).exists()


def test_admin_lists_of_orders_and_customers_mask_phones(client, policies, clock, make_user):
    order = f.order()
    admin_user = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for url in ("/admin/sales/order/", "/admin/parties/customer/"):
        page = client.get(url).content.decode()
        assert order.customer.phone[:3] + "****" + order.customer.phone[-4:] in page, url
        assert order.customer.phone not in page, url
