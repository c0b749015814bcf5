"""The admin lists users with department and roles, in Chinese (X4)."""

import pytest
from django.urls import reverse

from aftersales.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_user_list_shows_roles_and_department_in_chinese(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    UserFactory(username="lisi", roles=["warehouse"])
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "lisi" in page
    assert "仓库管理员" in page  # the role label, translated
    assert "售后系统管理" in page  # the site header


def test_admin_user_form_offers_roles_by_name(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_change", args=[admin.pk])).content.decode()
    assert "客服 (customer_service)" in page
