"""The outgoing inspection (出货检验, S3.1) is a numbered record, not a tick: quality records it
when the reworked or replenished goods wait for it; passed, the goods go to the warehouse;
failed, back to rework in the same action, the record named as the reason."""

import pytest
from django.urls import reverse

from aftersales.cases import services as s
from aftersales.cases.models import Case, CaseEvent, EventKind
from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.quality import services as q
from aftersales.quality.models import Inspection
from aftersales.quality.tests import helpers as h


@pytest.fixture
def reworked(policies, clock, team):
    """A B2B return whose goods the factory reworked: waiting for the outgoing inspection."""
    case = h.outsourced_case(team)
    Case.objects.filter(pk=case.pk).update(state="outgoing_inspection")
    return Case.objects.get(pk=case.pk)


def _line(case, defective=0, code=""):
    line = case.lines.get()
    return [q.LineFinding(case_line=line.pk, quantity=line.quantity, defective=defective,
                          defect_code=code)]


def test_a_passed_outgoing_inspection_is_the_record_that_moves_the_goods_on(reworked, team):
    inspection = q.inspection_record(case=reworked, actor=team["quality"], result="pass",
                                     kind="outgoing", lines=_line(reworked),
                                     report="抽检 20 台，打压试验无渗漏")
    assert inspection.number.startswith("QI-") and inspection.kind == "outgoing"
    case = Case.objects.get(pk=reworked.pk)
    assert case.state == "warehoused"
    assert case.facts["outgoing_inspection"]["record"] == inspection.number
    moved = CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITIONED).last()
    assert moved.data["transition"] == "pass_inspection"
    # an outgoing inspection judges the goods, not responsibility: no quality judgment set
    assert "quality_judgment" not in case.facts


def test_a_failed_outgoing_inspection_sends_the_goods_back_to_rework(reworked, team):
    with pytest.raises(ValidationError):  # a failure names its defect
        q.inspection_record(case=reworked, actor=team["quality"], result="fail",
                            kind="outgoing", lines=_line(reworked, defective=3))
    assert not Inspection.objects.exists()
    inspection = q.inspection_record(case=reworked, actor=team["quality"], result="fail",
                                     kind="outgoing", defect_code="leak",
                                     lines=_line(reworked, defective=3, code="leak"),
                                     report="3 台打压渗漏")
    case = Case.objects.get(pk=reworked.pk)
    assert case.state == "rework"
    moved = CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITIONED).last()
    assert moved.data["transition"] == "fail_inspection"
    assert inspection.number in moved.data["reason"] and "3 台打压渗漏" in moved.data["reason"]
    assert not (case.facts or {}).get("outgoing_inspection")


def test_the_outgoing_inspection_is_quality_s_only_when_due_and_never_a_tick(
        policies, clock, team, reworked):
    before = reworked.version
    # the warehouse may not record it
    with pytest.raises(PermissionDenied):
        q.inspection_record(case=reworked, actor=team["warehouse"], result="pass",
                            kind="outgoing", lines=_line(reworked))
    # responsibility was the return's inspection's judgment
    with pytest.raises(ValidationError):
        q.inspection_record(case=reworked, actor=team["quality"], result="pass",
                            kind="outgoing", responsibility="factory", lines=_line(reworked))
    # nobody ticks it by hand
    with pytest.raises(ValidationError):
        s.case_record_fact(case=reworked, actor=team["quality"], fact="outgoing_inspection")
    # a case that is not waiting for it refuses it, with its own code
    other = h.outsourced_case(team)
    with pytest.raises(Conflict) as err:
        q.inspection_record(case=other, actor=team["quality"], result="pass",
                            kind="outgoing", lines=_line(other))
    assert err.value.code == "outgoing_inspection_not_due"
    assert not Inspection.objects.exists()
    assert Case.objects.get(pk=reworked.pk).version == before


def test_quality_records_the_outgoing_inspection_from_the_case_page(reworked, team, client):
    client.force_login(team["quality"])
    page = client.get(reverse("cases:detail", args=[reworked.number])).content.decode()
    # the record is the page's one primary action; no tick and no "passed" button beside it
    primary = page.split('data-primary="1">')
    assert len(primary) == 2 and primary[1].startswith("记录出货检验")
    assert 'data-action="pass_inspection"' not in page
    assert 'data-action="fail_inspection"' not in page
    form_url = reverse("quality:inspection_create", args=[reworked.number])
    form = client.get(form_url, {"kind": "outgoing"}).content.decode()
    assert "<h1>出货检验</h1>" in form and 'name="responsibility"' not in form
    line = reworked.lines.get()
    r = client.post(form_url, {"kind": "outgoing", "result": "pass",
                               f"qty_{line.pk}": line.quantity, f"defective_{line.pk}": 0,
                               "report": "抽检合格"})
    assert r.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.kind == "outgoing" and inspection.inspected_by == team["quality"]
    assert Case.objects.get(pk=reworked.pk).state == "warehoused"
    # the record prints as the 出货检验记录
    detail = client.get(reverse("quality:inspection_detail", args=[inspection.number]))
    assert "出货检验" in detail.content.decode()


def test_the_api_records_an_outgoing_inspection(reworked, team):
    api = h.Api(team["quality"])
    line = reworked.lines.get()
    body = {"case": reworked.number, "kind": "outgoing", "result": "fail",
            "defect_code": "leak", "lines": [{"case_line": line.pk, "quantity": 20,
                                              "defective": 2, "defect_code": "leak"}]}
    r = api.post("/inspections", body)
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "outgoing"
    assert Case.objects.get(pk=reworked.pk).state == "rework"
    # again, now that the case is back in rework: not due
    r = api.post("/inspections", body)
    assert r.status_code == 409 and r.json()["code"] == "outgoing_inspection_not_due"
