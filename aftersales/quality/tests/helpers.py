"""Cases at the stages the quality app acts on, through the services only."""

import io
import json

import pypdf
from django.test import Client

from aftersales.accounts.models import ApiToken
from aftersales.cases import services as s
from aftersales.cases.tests import factories as f
from aftersales.parties.models import OutsourcedFactory, Supplier
from aftersales.quality import services as q


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def parties():
    factory = OutsourcedFactory.objects.create(code="F01", name="东莞外协一厂")
    supplier = Supplier.objects.create(code="S01", name="深圳密封件有限公司")
    return factory, supplier


def outsourced_case(team, *, factory=None, supplier=None, quantity=20):
    """A B2B return of 20 pumps out of 100 (S2), its return form recorded (the logistics
    record, stood in for by its number)."""
    product = f.product(category="pump", factory=factory, supplier=supplier, name="增压泵 ZP-100")
    order = f.order(business_line="outsourced", channel="b2b", lines=[(product, 100, "80.00")])
    case = s.case_open(kind="return", channel="phone", actor=team["specialist"], order=order,
                       verify_phone=order.customer.phone, reason="quality", symptom="漏水",
                       lines=[{"line_no": 1, "quantity": quantity}])
    if factory is not None:
        case.factory = factory
        case.save(update_fields=["factory"])
    return s.case_note_record(case=case, actor=team["specialist"], fact="return_form",
                              record="RF-2026-000001", advance=False)


def report_reviewed(team, case):
    """The specialist opens the report (S3.2) and the VP approves it: the case waits for
    quality's judgment."""
    report = q.quality_report_open(case=case, actor=team["specialist"], problem="客户反馈漏水",
                                   analysis="密封圈装配不到位", responsibility="factory",
                                   containment="库存全检", corrective="装配工培训")
    report = q.quality_report_review(report=report, actor=team["vp"], approve=True,
                                     comment="同意")
    case.refresh_from_db()
    return case, report


def consumer_case_received(team, *, category="apparel", reason="no_reason"):
    """An online-shop return of one of two shirts (300.00 each), agreed and received."""
    order = f.order(lines=[(f.product(category=category), 2, "300.00")])
    case = s.case_open(kind="return", channel="web_portal", actor=None, order=order,
                       verify_phone=order.customer.phone, reason=reason,
                       description="尺码不合适", lines=[{"line_no": 1, "quantity": 1,
                       "condition": {"unused": True, "packaging_intact": True,
                                     "tags_attached": True, "all_parts_present": True}}])
    agent = team["agent"]
    case = s.case_transition(case=case, actor=agent, transition="verify")
    case = s.case_confirm_problem(case=case, actor=agent, symptom="尺码偏小", quantity_affected=1)
    case = s.case_transition(case=case, actor=agent, transition="confirm_problem")
    case = s.case_evaluate(case=case, actor=agent)
    case = s.case_transition(case=case, actor=agent, transition="offer_options")
    case = s.case_accept_option(case=case, actor=None, option=0)
    case = s.case_note_record(case=case, actor=agent, fact="rma_issued",
                              record="RMA-2026-000001", advance=False)
    case = s.case_transition(case=case, actor=agent, transition="send_return_instructions")
    case = s.case_note_record(case=case, actor=agent, fact="tracking_number",
                              record="RMA-2026-000001", advance=False)
    case = s.case_transition(case=case, actor=None, transition="ship_back")
    case = s.case_note_record(case=case, actor=team["warehouse"], fact="goods_received",
                              record="RCV-2026-000001")
    assert case.state == "received", case.state
    return case


BASE = "/api/v1/quality"


class Api:
    """A client of /api/v1/quality with the user's API key."""

    def __init__(self, user):
        self.client = Client()
        _token, self.key = ApiToken.issue(user=user, name="test")

    def get(self, path, **params):
        return self.client.get(BASE + path, params, HTTP_X_API_KEY=self.key)

    def post(self, path, body=None):
        return self.client.post(BASE + path, json.dumps(body or {}),
                                content_type="application/json", HTTP_X_API_KEY=self.key)
