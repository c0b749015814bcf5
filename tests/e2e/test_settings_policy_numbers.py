"""The administrator changes a policy number on the settings form in Debian's Chromium: the
form refuses a negative window in Chinese, shows old → new and the YAML diff on the confirm
step, and saving makes the policy's next version (docs/settings.md)."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.policy.models import PolicyVersion

SCREENSHOTS = "/tmp/aftersales-e2e"


@pytest.mark.e2e
def test_admin_edits_a_window_sees_the_diff_and_saves_a_new_version(live_server, page,
                                                                     staff_login):
    admin = UserFactory(username="zhaomin", display_name="赵敏", roles=[Role.ADMIN])
    before = PolicyVersion.objects.filter(policy__name="online-shop").count()
    staff_login(page, live_server, admin)

    # the administrator finds the settings in the menu, then the policy's number form
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="系统设置").click()
    expect(page.get_by_role("heading", name="系统设置", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/policy/online-shop/")
    page.get_by_role("link", name="修改数值").click()
    expect(page.get_by_role("heading", name="online-shop 的常用数值")).to_be_visible()
    window = page.get_by_label("规则 S9.2-window：期限")
    expect(window).to_have_value("7")

    # a negative window is refused next to the field, nothing saved
    window.fill("-2")
    page.get_by_role("button", name="检查修改").click()
    expect(page.get_by_text("不能为负数")).to_be_visible()
    expect(page.get_by_role("button", name="另存为新版本")).to_have_count(0)

    # a good value: the confirm step shows old → new and the YAML diff
    page.get_by_label("规则 S9.2-window：期限").fill("10")
    page.get_by_role("button", name="检查修改").click()
    confirm = page.locator("#confirm")
    expect(confirm).to_contain_text("请核对修改")
    expect(confirm.locator("table.changes")).to_contain_text("规则 S9.2-window：期限")
    expect(confirm.locator("table.changes")).to_contain_text("10")
    expect(confirm.locator(".diff-del")).to_contain_text("length: 7")
    expect(confirm.locator(".diff-add")).to_contain_text("length: 10")
    page.screenshot(path=f"{SCREENSHOTS}/settings-policy-numbers-confirm.png", full_page=True)
    assert PolicyVersion.objects.filter(policy__name="online-shop").count() == before

    # saving shows the new version on the policy page
    page.get_by_role("button", name="另存为新版本").click()
    expect(page).to_have_url(re.compile(rf"/policy/online-shop/\?version={before + 1}$"))
    expect(page.locator(".messages")).to_contain_text(f"已保存 online-shop 第 {before + 1} 版")
    expect(page.locator("body")).to_contain_text("length: 10")
    newest = PolicyVersion.objects.filter(policy__name="online-shop").order_by("-number")[0]
    assert newest.number == before + 1 and newest.author_id == admin.pk
    page.screenshot(path=f"{SCREENSHOTS}/settings-policy-numbers-saved.png", full_page=True)
