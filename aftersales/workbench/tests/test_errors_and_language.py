"""Friendly error pages with DEBUG off, and the language switch (UX.md "Both")."""

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_unknown_page_shows_the_friendly_404_in_chinese(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert "返回首页" in page
    assert 'lang="zh-CN"' in page


def test_404_for_a_signed_in_user_keeps_the_menu(client, settings):
    settings.DEBUG = False
    client.force_login(UserFactory(roles=[Role.CUSTOMER_SERVICE]))
    page = client.get("/no-such-page/").content.decode()
    assert "页面不存在" in page and "退出登录" in page


@pytest.mark.urls("aftersales.workbench.tests.urls_boom")
def test_a_failing_view_shows_the_500_page_not_a_traceback(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统暂时出错" in page
    assert "Traceback" not in page and "RuntimeError" not in page


@pytest.mark.urls("aftersales.workbench.tests.urls_boom")
def test_the_500_page_follows_the_chosen_language(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/boom/").content.decode()
    assert "Something went wrong" in page and "系统暂时出错" not in page


def test_switching_to_english_and_back(client):
    user = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    client.force_login(user)
    assert "工作台 · 客服</h1>" in client.get(reverse("home")).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get(reverse("home")).content.decode()
    assert "Workbench · Customer service agent" in page
    assert "Log out" in page and "退出登录" not in page
    assert 'lang="en"' in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "工作台 · 客服</h1>" in client.get(reverse("home")).content.decode()


def test_static_assets_are_vendored_not_from_a_cdn(client):
    client.force_login(UserFactory(roles=[Role.CUSTOMER_SERVICE]))
    page = client.get(reverse("home")).content.decode()
    assert "/static/vendor/htmx.min.js" in page
    assert "https://" not in page and "http://" not in page


@pytest.mark.urls("aftersales.workbench.tests.urls_boom")
def test_a_refused_action_shows_the_friendly_403(client):
    client.force_login(UserFactory(roles=[Role.WAREHOUSE]))
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


def test_an_expired_form_shows_the_friendly_csrf_page(settings):
    # given a login form posted without its CSRF token (a page left open too long)
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    # then a page that says what happened and what to do, in Chinese
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "返回首页" in page
