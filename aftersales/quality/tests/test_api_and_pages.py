"""/api/v1/quality and the quality pages: the same services, every error declared, the case
panel, the home queues, the lists and the print buttons."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aftersales.quality import services as q
from aftersales.quality.models import Inspection, QualityReport
from aftersales.quality.tests import helpers as h

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
Api = h.Api


def _login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_api_inspection_report_and_review_walk_the_outsourced_return(policies, clock, team):
    factory, _supplier = h.parties()
    case = h.outsourced_case(team, factory=factory)
    sp, vp, qe = Api(team["specialist"]), Api(team["vp"]), Api(team["quality"])

    r = sp.post("/reports", {"case": case.number, "problem": "漏水", "responsibility": "factory"})
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["due_at"] is not None
    # the author isn't the VP; quality isn't either
    assert qe.post(f"/reports/{number}/review", {"approve": True}).status_code == 403
    r = vp.post(f"/reports/{number}/review", {"approve": False})
    assert r.status_code == 422 and r.json()["fields"]
    r = vp.post(f"/reports/{number}/review", {"approve": True, "comment": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert vp.post(f"/reports/{number}/review", {"approve": True}).status_code == 409

    line = case.lines.get()
    r = qe.post("/inspections", {"case": case.number, "result": "fail", "defect_code": "leak",
                                 "responsibility": "factory",
                                 "lines": [{"case_line": line.pk, "quantity": 20,
                                            "defective": 6, "defect_code": "leak"}]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["factory"] == "F01" and body["lines"][0]["defective"] == 6
    r = qe.get(f"/cases/{case.number}/responsibility")
    assert r.json() == {"case": case.number, "responsibility": "factory",
                        "inspection": body["number"]}
    assert qe.get("/inspections", q=case.number).json()["count"] == 1
    assert qe.get(f"/inspections/{body['number']}").status_code == 200
    # bad input: an unknown defect code, an unknown case
    r = qe.post("/inspections", {"case": case.number, "result": "fail", "defect_code": "zz"})
    assert r.status_code == 422 and r.json()["code"] == "unknown_defect_code"
    assert qe.post("/inspections", {"case": "AS-0", "result": "pass"}).status_code == 404
    r = qe.post("/inspections", {"case": case.number, "result": "pass", "attachments": [999]})
    assert r.status_code == 422
    assert Inspection.objects.count() == 1


def test_api_claims_and_actions(policies, clock, team):
    _factory, supplier = h.parties()
    case = h.outsourced_case(team)
    pu, fi = Api(team["purchasing"]), Api(team["finance"])
    r = pu.post("/claims", {"supplier": "S01", "case": case.number, "material": "密封圈",
                            "defect": "尺寸偏小", "quantity": 20, "loss_amount": "1600.00",
                            "deduction_amount": "1200.00"})
    assert r.status_code == 201, r.content
    n = r.json()["number"]
    assert fi.post("/claims", {"supplier": "S01", "material": "m", "defect": "d",
                               "quantity": 1, "loss_amount": "1", "deduction_amount": "1"}
                   ).status_code == 403
    assert pu.post(f"/claims/{n}/status", {"to": "deducted"}).status_code == 409
    for to in ("sent", "acknowledged", "to_finance"):
        assert pu.post(f"/claims/{n}/status", {"to": to}).status_code == 200
    r = fi.post(f"/claims/{n}/status", {"to": "deducted", "reference": "AP-9"})
    assert r.status_code == 200 and r.json()["status"] == "deducted"
    assert [e["to_status"] for e in r.json()["events"]] == [
        "draft", "sent", "acknowledged", "to_finance", "deducted"]
    assert [c["number"] for c in fi.get("/claims", status="deducted").json()] == [n]

    qe = Api(team["quality"])
    r = qe.post("/actions", {"description": "培训", "owner": team["follower"].pk,
                             "due_on": "2026-11-30", "case": case.number})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert Api(team["follower"]).post(f"/actions/{pk}/done", {"note": "已培训"}).status_code == 200
    assert Api(team["follower"]).post(f"/actions/{pk}/verify", {"note": "x"}).status_code == 403
    assert qe.post(f"/actions/{pk}/verify", {"note": "合格"}).json()["status"] == "verified"


def test_quality_engineer_records_an_inspection_on_the_page(policies, clock, team):
    factory, _supplier = h.parties()
    case = h.outsourced_case(team, factory=factory)
    case, report = h.report_reviewed(team, case)
    line = case.lines.get()
    c = _login(team["quality"])
    # the case page shows the quality panel with the inspect button and the report
    page = c.get(f"/cases/{case.number}/").content.decode()
    assert 'id="quality-panel"' in page and f"/quality/cases/{case.number}/inspect/" in page
    assert report.number in page
    form = c.get(f"/quality/cases/{case.number}/inspect/").content.decode()
    assert "漏水" in form  # the defect codes of the outsourced policy
    r = c.post(f"/quality/cases/{case.number}/inspect/", {
        "result": "fail", "defect_code": "leak", "responsibility": "factory",
        f"qty_{line.pk}": "20", f"defective_{line.pk}": "5", f"defect_{line.pk}": "leak",
        "report": "漏水"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "approved"
    i = Inspection.objects.get()
    assert c.get("/quality/inspections/", {"q": i.number}).content.decode().count(i.number) >= 1
    pdf = c.get(f"/quality/inspections/{i.number}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and case.number in h.pdf_text(pdf.content)
    # photos uploaded with the form are the case's files, linked to the inspection
    r = c.post(f"/quality/cases/{case.number}/inspect/", {
        "result": "pass", "photos": [SimpleUploadedFile("p.png", PNG, content_type="image/png")]})
    assert r.status_code == 302
    second = Inspection.objects.order_by("-id").first()
    photo = second.photos.get()
    assert photo.case == case and photo.kind == "photo"
    # a bad form answers 422 and keeps what was typed
    r = c.post(f"/quality/cases/{case.number}/inspect/", {"result": "fail", "report": "再检"})
    assert r.status_code == 422 and "再检" in r.content.decode()


def test_home_queues_and_lists(policies, clock, team):
    case = h.outsourced_case(team)
    q.quality_report_open(case=case, actor=team["specialist"], problem="漏水")
    # the VP's home shows the report awaiting review with its count
    home = _login(team["vp"]).get("/").content.decode()
    assert 'id="quality-home"' in home and QualityReport.objects.get().number in home
    r = _login(team["vp"]).get("/quality/")
    assert r.status_code == 200
    # a report reviewed, the case waits for quality: the inspector's to-do lists it
    q.quality_report_review(report=QualityReport.objects.get(), actor=team["vp"], approve=True)
    home = _login(team["quality"]).get("/").content.decode()
    assert case.number in home
    assert _login(team["quality"]).get("/quality/").content.decode().count(case.number) >= 1
    # the supplier claims list is for purchasing/quality/finance, not for customer service
    assert _login(team["finance"]).get("/quality/claims/").status_code == 200
    assert _login(team["agent"]).get("/quality/claims/").status_code == 404
    assert _login(team["agent"]).get("/quality/inspections/").status_code == 404


@pytest.mark.parametrize("path", ["/quality/reports/QE-2026-999999/",
                                  "/quality/claims/ME-2026-999999/pdf/",
                                  "/quality/inspections/QI-2026-999999/"])
def test_unknown_records_are_404(policies, team, path):
    assert _login(team["quality"]).get(path).status_code == 404
