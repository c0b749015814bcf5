"""A customer-service agent signs in, sees the home page in Chinese, switches to English and
signs out — in Debian's Chromium (UX.md "Both"; issue 2 item 8)."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import PASSWORD, UserFactory

SCREENSHOTS = "/tmp/aftersales-e2e"


@pytest.mark.e2e
def test_agent_logs_in_in_chinese_switches_to_english_and_logs_out(live_server, page):
    UserFactory(username="wangfang", display_name="王芳", roles=[Role.CUSTOMER_SERVICE])

    # given the login page, in Chinese by default
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/login-zh.png")

    # when the agent signs in with the labelled fields
    page.get_by_label("用户名").fill("wangfang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # then the home page is the agent's, in Chinese, styled by the vendored CSS
    expect(page.get_by_role("heading", name="工作台 · 客服", exact=True)).to_be_visible()
    expect(page.locator(".topbar")).to_contain_text("王芳")
    expect(page.locator(".topbar")).to_contain_text("客服部")
    expect(page.get_by_text("暂无待办")).to_be_visible()
    expect(page.get_by_role("navigation", name="主菜单")).to_contain_text("我的待办")
    sidenav_bg = page.locator(".sidenav").evaluate("e => getComputedStyle(e).backgroundColor")
    assert sidenav_bg == "rgb(31, 42, 60)", "app.css was not served"
    assert page.evaluate("typeof window.htmx") == "object", "htmx was not served"
    page.screenshot(path=f"{SCREENSHOTS}/home-zh.png")

    # the queue refreshes in place through htmx (no page load)
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        page.get_by_role("link", name="刷新").click()
    expect(page.locator("#queue-body")).to_contain_text("暂无待办")
    expect(page.locator("#queue-body .topbar")).to_have_count(0)

    # when switching to English, the same page comes back in English
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Workbench · Customer service agent")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("暂无待办")).to_have_count(0)
    page.screenshot(path=f"{SCREENSHOTS}/home-en.png")

    # when logging out, the login page shows and home needs a login again
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.e2e
def test_login_page_fits_a_phone(live_server, portal_page):
    # the portal fixture works and the shell's sign-in card fits 390 px without scrolling sideways
    portal_page.goto(f"{live_server.url}/accounts/login/")
    expect(portal_page.get_by_role("button", name="登录")).to_be_visible()
    width = portal_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
