"""The quality exception report and the VP's review (S3.2, S3.4), supplier claims through their
statuses to finance (S3.5), corrective actions (S3.6), and the printed forms (X3)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from aftersales.core.errors import Conflict, PermissionDenied, ValidationError
from aftersales.quality import services as q
from aftersales.quality.models import ClaimStatus, ReportStatus, SupplierClaimEvent
from aftersales.quality.printing import claim_pdf, inspection_pdf, report_pdf
from aftersales.quality.selectors import actions_open_overdue_first
from aftersales.quality.tests import helpers as h


def test_the_report_is_opened_numbered_with_its_clock_and_reviewed_only_by_the_vp(
        policies, clock, team, make_user):
    case = h.outsourced_case(team)
    # when the specialist opens the report (S3.2)
    report = q.quality_report_open(case=case, actor=team["specialist"], problem="客户反馈漏水",
                                   analysis="密封圈装配不到位", responsibility="factory")
    # then it is numbered, carries the order's data and the 24-hour clock (S3.4)
    assert report.number.startswith("QE-2026-")
    assert report.shipped_quantity == 100 and report.defective_quantity == 20
    assert report.return_ratio == 20.0
    case.refresh_from_db()
    assert case.state == "report_review"
    assert case.facts["report_opened"]["record"] == report.number
    assert report.due_at == clock() + timedelta(hours=24) == case.due_at
    # and a second report on the case is refused
    with pytest.raises(Conflict):
        q.quality_report_open(case=case, actor=team["quality"], problem="again")

    # only the sales VP reviews: not quality, not the specialist
    for who in (team["quality"], team["specialist"]):
        with pytest.raises(PermissionDenied):
            q.quality_report_review(report=report, actor=who, approve=True)
    # a VP who opened a report doesn't review it
    vp_author = make_user("sales_vp", "sales_specialist")
    case2 = h.outsourced_case(team)
    own = q.quality_report_open(case=case2, actor=vp_author, problem="自己开的")
    with pytest.raises(PermissionDenied) as e:
        q.quality_report_review(report=own, actor=vp_author, approve=True)
    assert e.value.code == "reviewer_is_author"

    # returning needs a comment; the report goes back for rework and again to the VP
    with pytest.raises(ValidationError):
        q.quality_report_review(report=report, actor=team["vp"], approve=False)
    report = q.quality_report_review(report=report, actor=team["vp"], approve=False,
                                     comment="原因分析不充分")
    assert report.status == ReportStatus.RETURNED
    case.refresh_from_db()
    assert case.state == "report_review" and "report_reviewed" not in case.facts
    report = q.quality_report_revise(report=report, actor=team["specialist"],
                                     analysis="密封圈来料尺寸偏小，装配工未检出")
    assert report.status == ReportStatus.OPEN
    report = q.quality_report_review(report=report, actor=team["vp"], approve=True)
    # then the review is the record: the case moves on to quality's judgment
    case.refresh_from_db()
    assert case.facts["report_reviewed"]["record"] == report.number
    assert case.state == "quality_judgment"
    with pytest.raises(Conflict):
        q.quality_report_review(report=report, actor=team["vp"], approve=True)


def test_the_report_pdf_is_the_paper_form_with_the_cases_data(policies, clock, team):
    factory, _supplier = h.parties()
    case = h.outsourced_case(team, factory=factory)
    case, report = h.report_reviewed(team, case)
    q.corrective_action_create(actor=team["quality"], report=report, owner=team["follower"],
                               description="装配工培训", due_on=date(2026, 11, 30))
    text = h.pdf_text(report_pdf(report))
    for expected in ("品质异常处理报告", report.number, case.number, case.order.number,
                     "客户反馈漏水", "密封圈装配不到位", "外协厂", "库存全检", "装配工培训",
                     "24小时", "同意", str(team["vp"])):
        assert expected in text, expected


def test_inspection_pdf_carries_the_findings(policies, clock, team):
    case = h.outsourced_case(team)
    line = case.lines.get()
    inspection = q.inspection_record(
        case=case, actor=team["quality"], result="fail", defect_code="leak",
        responsibility="factory", report="6 台漏水",
        lines=[q.LineFinding(case_line=line.pk, quantity=20, defective=6, defect_code="leak")])
    text = h.pdf_text(inspection_pdf(inspection))
    for expected in ("检验记录", inspection.number, case.number, "不合格", "漏水", "外协厂",
                     "增压泵", "6 台漏水"):
        assert expected in text, expected


def test_a_supplier_claim_goes_through_its_statuses_to_finance(policies, clock, team):
    factory, supplier = h.parties()
    case = h.outsourced_case(team, factory=factory, supplier=supplier)
    inspection = q.inspection_record(case=case, actor=team["quality"], result="fail",
                                     defect_code="material", responsibility="supplier")
    # when purchasing drafts the letter (S3.5) from the inspection
    claim = q.supplier_claim_create(
        actor=team["purchasing"], supplier=None, inspection=inspection,
        material="密封圈 O-25", defect="来料尺寸偏小 0.3mm", defect_code="material",
        quantity=20, loss_amount="1600.00", deduction_amount="1200.00")
    assert claim.number.startswith("ME-2026-") and claim.supplier == supplier
    assert claim.case == case and claim.deduction_amount == Decimal("1200.00")

    # finance can't book a deduction not yet passed to it; nobody skips a step
    with pytest.raises(Conflict):
        q.supplier_claim_move(claim=claim, actor=team["finance"], to="deducted", reference="x")
    # sending sets the case's supplier_claim fact with the letter's number
    claim = q.supplier_claim_move(claim=claim, actor=team["purchasing"], to="sent")
    case.refresh_from_db()
    assert case.facts["supplier_claim"]["record"] == claim.number
    # a dispute needs the supplier's words; then acknowledged, then to finance
    with pytest.raises(ValidationError):
        q.supplier_claim_move(claim=claim, actor=team["purchasing"], to="disputed")
    claim = q.supplier_claim_move(claim=claim, actor=team["purchasing"], to="disputed",
                                  note="供应商认为是装配挤压")
    claim = q.supplier_claim_move(claim=claim, actor=team["quality"], to="acknowledged",
                                  note="复测后供应商确认")
    # finance doesn't answer for the supplier
    with pytest.raises(PermissionDenied):
        q.supplier_claim_move(claim=claim, actor=team["finance"], to="to_finance")
    claim = q.supplier_claim_move(claim=claim, actor=team["purchasing"], to="to_finance")
    # purchasing doesn't book the deduction; finance does, with its reference
    with pytest.raises(PermissionDenied):
        q.supplier_claim_move(claim=claim, actor=team["purchasing"], to="deducted",
                              reference="AP-1")
    with pytest.raises(ValidationError):
        q.supplier_claim_move(claim=claim, actor=team["finance"], to="deducted")
    claim = q.supplier_claim_move(claim=claim, actor=team["finance"], to="deducted",
                                  reference="AP-2026-0088")
    assert claim.status == ClaimStatus.DEDUCTED and claim.finance_reference == "AP-2026-0088"
    # then every change is kept with its actor and time
    steps = list(SupplierClaimEvent.objects.filter(claim=claim).values_list(
        "from_status", "to_status", "actor"))
    assert [t for _f, t, _a in steps] == ["draft", "sent", "disputed", "acknowledged",
                                          "to_finance", "deducted"]
    assert steps[-1][2] == team["finance"].pk
    # and the letter prints with the supplier, the loss and the deduction
    text = h.pdf_text(claim_pdf(claim))
    for expected in ("物料异常联络函", claim.number, supplier.name, "密封圈 O-25", "1600.00",
                     "1200.00", case.number, "AP-2026-0088"):
        assert expected in text, expected


def test_a_claim_is_issued_by_purchasing_or_quality_with_valid_amounts(policies, clock, team,
                                                                     make_user):
    _factory, supplier = h.parties()
    base = {"supplier": supplier, "material": "M", "defect": "D", "quantity": 1,
            "loss_amount": "10.00", "deduction_amount": "10.00"}
    with pytest.raises(PermissionDenied):
        q.supplier_claim_create(actor=team["finance"], **base)
    with pytest.raises(ValidationError):
        q.supplier_claim_create(actor=team["purchasing"], **{**base, "loss_amount": "-1"})
    with pytest.raises(ValidationError):
        q.supplier_claim_create(actor=team["purchasing"], **{**base, "deduction_amount": "1.001"})
    with pytest.raises(ValidationError):
        q.supplier_claim_create(actor=team["purchasing"], **{**base, "quantity": 0})
    # a finance person who also issued the claim doesn't book its deduction (maker-checker)
    both = make_user("purchasing", "finance")
    claim = q.supplier_claim_create(actor=both, **base)
    for to in ("sent", "acknowledged", "to_finance"):
        claim = q.supplier_claim_move(claim=claim, actor=both, to=to)
    with pytest.raises(PermissionDenied):
        q.supplier_claim_move(claim=claim, actor=both, to="deducted", reference="AP-1")


def test_corrective_actions_have_an_owner_a_due_date_and_overdue_ones_come_first(
        policies, clock, team):
    case = h.outsourced_case(team)
    today = clock().date()
    late = q.corrective_action_create(actor=team["quality"], case=case, owner=team["follower"],
                                      description="装配工培训", due_on=today)
    soon = q.corrective_action_create(actor=team["quality"], case=case, owner=team["follower"],
                                      description="更新作业指导书",
                                      due_on=today + timedelta(days=1))
    with pytest.raises(ValidationError):
        q.corrective_action_create(actor=team["quality"], owner=team["follower"],
                                   description="x", due_on=today - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        q.corrective_action_create(actor=team["specialist"], owner=team["follower"],
                                   description="x", due_on=today)
    clock.set(2026, 11, 25, 9, 0)  # two days later: both are overdue, the earlier first
    listed = actions_open_overdue_first(team["quality"])
    assert [a.pk for a in listed] == [late.pk, soon.pk]
    # the owner reports it done; quality (not the owner) verifies it
    with pytest.raises(PermissionDenied):
        q.corrective_action_done(action=late, actor=team["specialist"], note="done")
    late = q.corrective_action_done(action=late, actor=team["follower"], note="已培训 12 人")
    with pytest.raises(PermissionDenied):
        q.corrective_action_verify(action=late, actor=team["follower"], verification="ok")
    late = q.corrective_action_verify(action=late, actor=team["quality"],
                                      verification="抽查 3 人合格")
    assert late.status == "verified"
    assert [a.pk for a in actions_open_overdue_first(team["quality"])] == [soon.pk]
