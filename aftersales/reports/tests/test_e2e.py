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


@pytest.mark.e2e
def test_a_supervisor_clicks_a_bar_of_the_team_and_exports_that_list(live_server, page,
                                                                     staff_login, make_user):
    # given a team of one agent with four open cases
    import datetime as dt

    from django.utils import timezone

    from aftersales.accounts.models import Department
    from aftersales.reports.tests.conftest import touch

    cs = Department.objects.get(code="customer_service")
    agent = make_user("customer_service", username="agent_bar", display_name="柱子",
                      department=cs)
    now = timezone.now()
    for _i in range(4):
        case = make_case(opened=now - dt.timedelta(hours=2), department=cs, assignee=agent)
        touch(case, due_at=now + dt.timedelta(days=2), state_category="open")
    summaries_refresh()
    boss = make_user("cs_supervisor", username="boss_bar", department=cs)
    staff_login(page, live_server, boss)
    # when the supervisor opens the home page and clicks the agent's bar
    page.goto(f"{live_server.url}/")
    chart = page.locator("#team-chart")
    expect(chart).to_have_attribute("data-ready", "1")
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.75)
    # then the list shows that agent's four open cases, narrowed to them
    page.wait_for_url("**/cases/?*assignee=*")
    expect(page.locator("p.narrowed")).to_contain_text("柱子")
    expect(page.locator("#results tbody tr")).to_have_count(4)
    # and the list exports with that filter
    with page.expect_download() as download:
        page.locator("#list-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
