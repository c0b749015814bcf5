"""A supervisor opens a report in Debian's Chromium: the ECharts canvas is drawn (vendored
script, no inline script under the CSP), and the Excel export downloads."""

import pytest
from playwright.sync_api import expect

from aftersales.reports.services import summaries_refresh
from aftersales.reports.tests.conftest import at, make_case

SCREENSHOTS = "/tmp/aftersales-e2e"


@pytest.mark.e2e
def test_a_supervisor_sees_the_chart_and_exports(live_server, page, staff_login, make_user):
    # given cases this month and a supervisor
    make_case(opened=at(2026, 11, 2, 10), closed=at(2026, 11, 3, 10))
    make_case(opened=at(2026, 11, 4, 10), kind="repair")
    summaries_refresh()
    boss = make_user("cs_supervisor", username="boss_e2e")
    staff_login(page, live_server, boss)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # when the supervisor opens the volume report for November
    page.goto(f"{live_server.url}/reports/case_volume/?date_from=2026-11-01"
              "&date_to=2026-11-30&group_by=kind")
    # then the chart is drawn on a canvas and the table shows the figures
    expect(page.locator("#report-chart canvas")).to_have_count(1)
    expect(page.locator("#report-chart")).to_have_attribute("data-ready", "1")
    expect(page.locator("table.data")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/report-case-volume.png")
    assert not errors, errors
    # and the export downloads an Excel file
    with page.expect_download() as download:
        page.locator("#report-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
