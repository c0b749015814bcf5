"""The user form sets a dealer user's dealer and a factory user's factory; a dealer user
without a dealer is refused next to the field, in Chinese, and nothing changes."""

import pytest

from aftersales.accounts.models import SettingsChange, User
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.parties.models import Dealer, OutsourcedFactory, Region

pytestmark = pytest.mark.django_db
GOOD = "Tea-garden-2026!"


@pytest.fixture
def admin(client):
    user = UserFactory(username="p-admin", roles=[Role.ADMIN])
    client.force_login(user)
    return user


def test_the_user_form_sets_the_dealer(client, admin):
    dealer = Dealer.objects.create(code="D-1", name="华东经销商", region=Region.EAST)
    response = client.post("/settings/users/new/", {
        "username": "d-user", "password": GOOD, "display_name": "经销商小王",
        "roles": [Role.DEALER], "dealer": dealer.pk, "is_active": "on"})
    assert response.status_code == 302
    user = User.objects.get(username="d-user")
    assert user.dealer == dealer
    assert SettingsChange.objects.get().changes["dealer"] == [None, "D-1"]
    page = client.get(f"/settings/users/{user.pk}/").content.decode()
    assert f'<option value="{dealer.pk}" selected>' in page


def test_a_dealer_user_needs_a_dealer(client, admin):
    response = client.post("/settings/users/new/", {
        "username": "d-user", "password": GOOD, "roles": [Role.DEALER], "is_active": "on"})
    assert response.status_code == 200
    assert "请选择该用户所属的经销商" in response.content.decode()
    assert not User.objects.filter(username="d-user").exists()


def test_editing_sets_the_factory_of_a_factory_user(client, admin):
    factory = OutsourcedFactory.objects.create(code="F-1", name="东莞外协厂")
    user = UserFactory(username="f-user", roles=[Role.FACTORY], factory=factory)
    other = OutsourcedFactory.objects.create(code="F-2", name="惠州外协厂")
    response = client.post(f"/settings/users/{user.pk}/", {
        "display_name": "厂长", "roles": [Role.FACTORY], "factory": other.pk,
        "is_active": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.factory == other
    response = client.post(f"/settings/users/{user.pk}/", {
        "display_name": "厂长", "roles": [Role.FACTORY], "factory": "", "is_active": "on"})
    assert "请选择该用户所属的外协厂" in response.content.decode()
    user.refresh_from_db()
    assert user.factory == other
