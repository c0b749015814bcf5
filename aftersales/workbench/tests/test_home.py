"""Each role lands on its own home page (UX.md "Staff pages"; X4)."""

import pytest
from django.urls import resolve, reverse
from django.utils import translation

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.parties.models import Dealer, Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_its_role_name_on_home(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    with translation.override("zh-hans"):
        label = str(Role(role).label)
    page = response.content.decode()
    assert f"工作台 · {label}</h1>" in page
    assert response.context["role"] == role


def test_home_shows_department_and_an_honest_empty_queue(client):
    user = UserFactory(roles=[Role.QUALITY])
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "品质部" in page  # the department, in the page's language
    assert "暂无待办" in page
    assert "<table" not in page  # no fake rows


def test_dealer_user_sees_their_company(client):
    dealer = Dealer.objects.create(code="D001", name="东莞华信电器", region=Region.values[0])
    user = UserFactory(roles=[Role.DEALER], dealer=dealer)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert str(dealer) in page


def test_user_without_role_is_told_to_ask_an_administrator(client):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert "您的账号还没有角色" in page
    assert "系统管理员" in page


def test_shortcuts_only_link_pages_that_exist(client):
    user = UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    client.force_login(user)
    response = client.get(reverse("home"))
    urls = [item["url"] for item in response.context["shortcuts"]]
    assert reverse("admin:index") in urls
    for url in urls:
        resolve(url)  # raises Resolver404 for a dead link
    # the shell's own pages open (other modules' pages are tested by their owners)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("password_change")).status_code == 200


def test_menu_hides_pages_not_built_and_marks_current(client):
    user = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert 'aria-current="page">工作台<' in page
    assert "系统管理后台" not in page  # admin link needs is_staff


def test_queue_refresh_by_htmx_renders_only_the_queue(client):
    client.force_login(UserFactory(roles=[Role.FINANCE]))
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "暂无待办" in page
    assert "<html" not in page

