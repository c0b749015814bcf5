"""Browser journey of the quality app (issue 11 items 3, 7; S2.5, S3.2): a quality engineer
records an inspection of a B2B return on the case page (per line, defect code, responsibility)
and opens the numbered 品质异常处理报告; the sales VP finds it on the home page and approves it;
the case moves on to quality's judgment with the factory responsible. Screenshots go to
/tmp/aftersales-e2e."""


import pytest
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory

SHOTS = "/tmp/aftersales-e2e"  # made by conftest.reference (test artifacts)


@pytest.mark.e2e
def test_quality_inspects_opens_the_report_and_the_vp_approves_it(reference, live_server, page,
                                                                   browser, staff_login):
    from aftersales.cases import services as s
    from aftersales.quality.models import Inspection, QualityReport
    from aftersales.quality.tests import helpers as h

    qe = UserFactory(username="qe1", display_name="陈品质", roles=[Role.QUALITY])
    vp = UserFactory(username="vp1", display_name="刘副总", roles=[Role.SALES_VP])
    sp = UserFactory(username="sp1", display_name="李专员", roles=[Role.SALES_SPECIALIST])
    factory, _supplier = h.parties()
    # given a B2B return of 20 pumps made by an outsourced factory, its return form filled
    case = h.outsourced_case({"specialist": sp}, factory=factory)
    line = case.lines.get()

    # when the quality engineer records the inspection from the case page
    staff_login(page, live_server, qe)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.locator('#quality-panel [data-action="inspect"]').click()
    page.locator('input[name="result"][value="fail"]').check()
    page.locator("#defect_code").select_option("leak")
    page.locator(f"#defective_{line.pk}").fill("6")
    page.locator(f'select[name="defect_{line.pk}"]').select_option("leak")
    page.locator("#responsibility").select_option("factory")
    page.locator("#report").fill("20 台中 6 台密封圈装配不到位导致漏水")
    page.screenshot(path=f"{SHOTS}/quality-inspection-form.png", full_page=True)
    page.locator("#inspection-form button[type=submit]").click()
    # then the case page shows it with the responsible factory
    inspection = Inspection.objects.get()
    panel = page.locator(f"#inspection-{inspection.number}")
    expect(panel).to_contain_text(inspection.number)
    expect(panel.locator(".responsibility")).to_contain_text("东莞外协一厂")

    # and the engineer opens the quality exception report (S3.2)
    page.locator('#quality-panel [data-action="open-report"]').click()
    page.locator("#analysis").fill("密封圈装配不到位")
    page.locator("#containment").fill("库存全检")
    page.locator("#corrective").fill("装配工培训")
    page.locator("#report-form button[type=submit]").click()
    report = QualityReport.objects.get()
    expect(page.locator(f"#report-{report.number}")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/quality-case-panel.png", full_page=True)

    # the specialist makes the step that sends it to the VP (S3.2)
    s.case_transition(case=case, actor=sp, transition="open_report")

    # when the VP finds the report on the home page and approves it
    vp_page = browser.new_page()
    staff_login(vp_page, live_server, vp)
    expect(vp_page.locator("#to-review")).to_contain_text(report.number)
    vp_page.locator("#to-review a", has_text=report.number).click()
    expect(vp_page.locator("#review-form")).to_be_visible()
    vp_page.locator('#review-form button[value="1"]').click()
    vp_page.wait_for_url(f"**/cases/{case.number}/")
    vp_page.screenshot(path=f"{SHOTS}/quality-report-approved.png", full_page=True)

    # then the report is reviewed and the case waits for quality's judgment; the PDF prints
    report.refresh_from_db()
    case.refresh_from_db()
    assert report.status == "approved" and report.reviewed_by == vp
    assert case.state == "quality_judgment"
    assert case.facts["report_reviewed"]["record"] == report.number
    pdf = vp_page.request.get(f"{live_server.url}/quality/reports/{report.number}/pdf/")
    assert pdf.ok and case.number in h.pdf_text(pdf.body())
    vp_page.close()
