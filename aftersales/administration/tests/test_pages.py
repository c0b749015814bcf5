"""The settings pages in Chinese: who reaches them, what they show, and that a refused change
shows the reason next to the field and changes nothing."""

import re

import pytest
from django.test import Client, override_settings

from aftersales.accounts.models import ApiToken, Department, SettingsChange, User
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.notify.models import Message, MessageStatus
from aftersales.policy.models import PolicyVersion
from aftersales.policy.numbers import numbers_of

pytestmark = pytest.mark.django_db
GOOD = "Tea-garden-2026!"


@pytest.fixture
def admin(client):
    user = UserFactory(username="p-admin", display_name="管理员", roles=[Role.ADMIN])
    client.force_login(user)
    return user


def text(response) -> str:
    return response.content.decode()


def test_only_the_administrator_reaches_the_settings(client):
    assert client.get("/settings/").status_code == 302  # to the login
    client.force_login(UserFactory(roles=[Role.MANAGEMENT], is_staff=True))
    for url in ("/settings/", "/settings/users/", "/settings/api-keys/", "/settings/channels/",
                "/settings/departments/new/"):
        assert client.get(url).status_code == 403, url
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get("/settings/").status_code == 200


def test_the_django_admin_is_for_superusers_only(client):
    client.force_login(UserFactory(roles=[Role.ADMIN], is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get("/admin/").status_code == 200


def test_home_and_menu_lead_the_administrator_to_the_settings(client, admin):
    page = text(client.get("/"))
    assert "系统设置" in page and 'href="/settings/"' in page
    assert 'href="/settings/users/"' in page
    assert 'href="/admin/"' not in page  # the admin is the superuser's


def test_settings_home_in_chinese(client, admin):
    page = text(client.get("/settings/"))
    for words in ("系统设置", "用户", "部门", "角色及其权限", "业务线", "API 密钥", "通知渠道",
                  "最近变更"):
        assert words in page


def test_user_list_searches_and_pages(client, admin):
    for i in range(30):
        UserFactory(username=f"clerk{i:02d}", display_name=f"仓管{i}", roles=[Role.WAREHOUSE])
    page = text(client.get("/settings/users/?q=仓管"))
    assert "共 30 条记录" in page or "30" in page
    assert "clerk00" in page and "clerk29" not in page  # 25 a page
    page2 = text(client.get("/settings/users/?q=仓管&page=2"))
    assert "clerk29" in page2 and "p-admin" not in page2
    role = text(client.get("/settings/users/?role=admin"))
    assert "p-admin" in role and "clerk00" not in role


def test_create_user_and_refusals_in_chinese(client, admin):
    qa = Department.objects.get(code="quality")
    response = client.post("/settings/users/new/", {
        "username": "lihua", "display_name": "李华", "password": GOOD,
        "department": qa.pk, "roles": ["quality"], "is_active": "on"})
    assert response.status_code == 302
    assert User.objects.get(username="lihua").role_codes == {"quality"}
    count = User.objects.count()
    taken = text(client.post("/settings/users/new/", {
        "username": "lihua", "password": GOOD, "roles": ["quality"]}))
    assert "已被使用" in taken
    weak = text(client.post("/settings/users/new/", {
        "username": "wangwu", "password": "123", "roles": ["quality"]}))
    assert "密码太弱" in weak or "太短" in weak
    ghost = text(client.post("/settings/users/new/", {
        "username": "wangwu", "password": GOOD, "roles": ["ghost"]}))
    assert "没有角色 ghost" in ghost
    assert User.objects.count() == count


def test_edit_deactivate_and_reset_password(client, admin):
    agent = UserFactory(username="wangfang", roles=[Role.CUSTOMER_SERVICE])
    page = text(client.get(f"/settings/users/{agent.pk}/"))
    assert "重置密码" in page and "停用此用户" in page and 'value="customer_service"' in page
    response = client.post(f"/settings/users/{agent.pk}/", {
        "display_name": "王芳", "roles": ["customer_service", "cs_supervisor"],
        "is_active": "on"})
    assert response.status_code == 302
    assert User.objects.get(pk=agent.pk).role_codes == {"customer_service", "cs_supervisor"}
    bad = client.post(f"/settings/users/{agent.pk}/password/",
                      {"password": "abc", "password2": "abc"})
    assert bad.status_code == 422 and "密码太弱" in text(bad)
    client.post(f"/settings/users/{agent.pk}/password/", {"password": GOOD, "password2": GOOD})
    assert User.objects.get(pk=agent.pk).check_password(GOOD)
    done = client.post(f"/settings/users/{agent.pk}/deactivate/", follow=True)
    assert "已停用用户 wangfang" in text(done)
    assert not User.objects.get(pk=agent.pk).is_active
    assert list(SettingsChange.objects.order_by("pk").values_list("action", flat=True)) == [
        "user_update", "password_reset", "user_deactivate"]
    log = text(client.get("/settings/audit/"))
    assert "停用用户" in log and "管理员" in log


def test_departments_create_edit(client, admin):
    response = client.post("/settings/departments/new/", {"code": "hub", "name": "售后中心",
                                                          "active": "on"})
    assert response.status_code == 302
    hub = Department.objects.get(code="hub")
    again = text(client.post("/settings/departments/new/", {"code": "hub", "name": "x"}))
    assert "编码 hub 已被使用" in again or "已被使用" in again
    client.post(f"/settings/departments/{hub.pk}/", {"code": "changed", "name": "售后服务中心"})
    hub.refresh_from_db()
    assert (hub.code, hub.name, hub.active) == ("hub", "售后服务中心", False)
    assert "售后服务中心" in text(client.get("/settings/departments/"))


def test_roles_and_business_lines_pages(client, admin):
    roles = text(client.get("/settings/roles/"))
    assert "客服主管" in roles and "系统管理员" in roles and "全部，以及系统设置" in roles
    lines = text(client.get("/settings/business-lines/"))
    assert "online-shop" in lines and "machinery-dealer" in lines


def test_api_key_shown_once_and_revoked(client, admin):
    machine = UserFactory(username="erp-bot", roles=[Role.SALES_ASSISTANT])
    response = client.post("/settings/api-keys/", {"user": machine.pk, "name": "ERP 同步"})
    page = text(response)
    assert "只显示这一次" in page and response["Cache-Control"].startswith("max-age=0")
    key = re.search(r'<code id="new-key"[^>]*>([^<]+)</code>', page).group(1)
    token = ApiToken.objects.get()
    assert key not in text(client.get("/settings/api-keys/"))
    machine_client = Client()  # the key alone, no session
    assert machine_client.get("/api/v1/cases", HTTP_X_API_KEY=key).status_code == 200
    client.post(f"/settings/api-keys/{token.pk}/revoke/")
    assert machine_client.get("/api/v1/cases", HTTP_X_API_KEY=key).status_code == 401
    assert "已吊销" in text(client.get("/settings/api-keys/"))


@override_settings(NOTIFY_SMS_PROVIDER="", NOTIFY_WECOM_ROBOT_URL="")
def test_channels_show_configuration_failures_and_send_a_test(client, admin):
    Message.objects.create(channel="email", recipient="a@example.com", subject="x", body="x",
                           status=MessageStatus.FAILED, last_error="SMTP 550")
    page = text(client.get("/settings/channels/"))
    assert "已配置" in page and "未配置" in page and "发送失败的消息：1 条" in page
    refused = text(client.post("/settings/channels/", {"channel": "sms",
                                                       "recipient": "13800000000"}))
    assert "该渠道尚未配置" in refused
    assert client.post("/settings/channels/", {"channel": "email",
                                               "recipient": "ops@example.com"}).status_code == 302
    sent = Message.objects.get(topic="settings_test")
    assert sent.recipient == "ops@example.com" and sent.status == MessageStatus.PENDING
    assert SettingsChange.objects.get().action == "channel_test"


def _field(policy, path):
    latest = PolicyVersion.objects.filter(policy__name=policy).order_by("-number").first()
    return latest, next(n for n in numbers_of(latest.source_text) if path in n.paths)


def test_policy_numbers_form_confirm_and_save(client, admin):
    latest, window = _field("online-shop", "rules[S9.2-window].params.length")
    page = text(client.get("/settings/policies/online-shop/numbers/"))
    assert "规则 S9.2-window：期限" in page and "退款审批额度：财务" in page
    data = {"based_on": latest.number, "effective_from": "2026-12-01", "comment": "",
            window.key: "10", "action": "preview"}
    preview = text(client.post("/settings/policies/online-shop/numbers/", data))
    assert "请核对修改" in preview and "length: 10" in preview
    assert PolicyVersion.objects.filter(policy__name="online-shop").count() == latest.number
    saved = client.post("/settings/policies/online-shop/numbers/", {**data, "action": "save"})
    assert saved.status_code == 302 and f"version={latest.number + 1}" in saved["Location"]
    new = PolicyVersion.objects.get(policy__name="online-shop", number=latest.number + 1)
    assert new.author == admin and "7 → 10" in new.comment


def test_policy_numbers_refuse_a_negative_window_in_chinese(client, admin):
    latest, window = _field("online-shop", "rules[S9.2-window].params.length")
    count = PolicyVersion.objects.count()
    response = client.post("/settings/policies/online-shop/numbers/", {
        "based_on": latest.number, "effective_from": "2026-12-01", window.key: "-1",
        "action": "save"})
    assert response.status_code == 422 and "不能为负数" in text(response)
    assert PolicyVersion.objects.count() == count


def test_policy_numbers_follow_the_policy_editors(client):
    client.force_login(UserFactory(roles=[Role.CUSTOMER_SERVICE]))
    assert client.get("/settings/policies/online-shop/numbers/").status_code == 403
    assert client.get("/policy/online-shop/").status_code == 200
