"""Signing in and out (X4): refused without saying which half was wrong; throttled by axes."""

import pytest
from django.conf import settings
from django.urls import reverse

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(username="zhangsan", roles=["customer_service"])


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_right_password_lands_on_home(client, agent):
    response = login(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == agent


def test_login_page_is_chinese_by_default(client):
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page
    assert 'lang="zh-CN"' in page


@pytest.mark.parametrize("username,password", [("zhangsan", "wrong"), ("nobody", PASSWORD)])
def test_wrong_login_is_refused_without_saying_which_half(client, agent, username, password):
    response = login(client, username, password)
    page = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in page
    assert "_auth_user_id" not in client.session


def test_after_five_failures_even_the_right_password_is_refused(client, agent):
    # given the failure limit reached for this username from this address
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "zhangsan", "wrong")
    # when the right password comes
    response = login(client, "zhangsan", PASSWORD)
    # then it is refused with the throttle message, in Chinese
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert "15 分钟" in page
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_the_account(client, agent):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login(client, "zhangsan", "wrong")
    assert login(client, "zhangsan", PASSWORD).status_code == 302


def test_logout_is_a_post_and_returns_to_login(client, agent):
    client.force_login(agent)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_pages_need_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_page_shows_for_a_user(client, agent):
    client.force_login(agent)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert "修改密码" in response.content.decode()
