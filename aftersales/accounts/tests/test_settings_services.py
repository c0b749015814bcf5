"""The settings services (users, departments, API keys): only the administrator (or a
superuser) may act; bad input is refused naming the field and changes nothing; every change
leaves one SettingsChange row."""

import pytest
from django.contrib.auth.models import Group

from aftersales.accounts import services
from aftersales.accounts.models import ApiToken, Department, SettingsChange, User, hash_key
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import PASSWORD, UserFactory
from aftersales.core.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db
GOOD = "Tea-garden-2026!"


@pytest.fixture
def admin():
    return UserFactory(username="s-admin", roles=[Role.ADMIN])


@pytest.fixture
def agent():
    return UserFactory(username="s-agent", roles=[Role.CUSTOMER_SERVICE])


def _state():
    """What must not move when an action is refused."""
    return (User.objects.count(), Department.objects.count(), ApiToken.objects.count(),
            SettingsChange.objects.count(),
            sorted(User.objects.values_list("username", "is_active", "password",
                                            "display_name")))


def test_admin_creates_a_user_with_roles_and_the_change_is_recorded(admin):
    qa = Department.objects.get(code="quality")
    user = services.user_create(actor=admin, username="lihua", password=GOOD,
                                display_name="李华", department=qa,
                                roles=[Role.QUALITY, Role.QUALITY_FOLLOWER])
    assert user.check_password(GOOD) and user.department == qa
    assert user.role_codes == {"quality", "quality_follower"}
    entry = SettingsChange.objects.get()
    assert entry.actor == admin and entry.action == "user_create"
    assert entry.changes["roles"] == [None, ["quality", "quality_follower"]]
    assert GOOD not in str(entry.changes)


@pytest.mark.parametrize("kwargs, field", [
    ({"username": "S-AGENT"}, "username"),  # taken (any case)
    ({"password": "123"}, "password"),  # weak: too short
    ({"password": "password123"}, "password"),  # weak: common
    ({"roles": ["customer_service", "wizard"]}, "roles"),  # no such role
    ({"username": "bad name!"}, "username"),
    ({"username": ""}, "username"),
])
def test_bad_input_creates_nothing(admin, agent, kwargs, field):
    before = _state()
    data = {"username": "newbie", "password": GOOD, "roles": [Role.CUSTOMER_SERVICE]} | kwargs
    with pytest.raises(ValidationError) as err:
        services.user_create(actor=admin, **data)
    assert field in err.value.fields
    assert _state() == before


def test_non_admin_may_do_none_of_it(agent, admin):
    dept = Department.objects.get(code="sales")
    token, _key = ApiToken.issue(user=admin, name="erp")
    before = _state()
    attempts = [
        lambda: services.user_create(actor=agent, username="x1", password=GOOD),
        lambda: services.user_update(actor=agent, user=admin, display_name="x",
                                     roles=[Role.ADMIN]),
        lambda: services.user_deactivate(actor=agent, user=admin),
        lambda: services.user_password_reset(actor=agent, user=admin, password=GOOD),
        lambda: services.department_create(actor=agent, code="newdept", name="新部门"),
        lambda: services.department_update(actor=agent, department=dept, name="x"),
        lambda: services.api_token_issue(actor=agent, user=agent, name="mine"),
        lambda: services.api_token_revoke(actor=agent, token=token),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert _state() == before
    assert ApiToken.objects.get(pk=token.pk).active


def test_a_superuser_counts_as_administrator(agent):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    services.user_deactivate(actor=root, user=agent)
    agent.refresh_from_db()
    assert not agent.is_active


def test_update_records_only_what_changed(admin, agent):
    services.user_update(actor=admin, user=agent, display_name="王芳", department=None,
                         roles=[Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR], is_active=True)
    agent = User.objects.get(pk=agent.pk)
    assert agent.role_codes == {"customer_service", "cs_supervisor"}
    entry = SettingsChange.objects.get()
    assert set(entry.changes) == {"display_name", "department", "roles"}
    assert entry.changes["roles"] == [["customer_service"],
                                      ["customer_service", "cs_supervisor"]]


def test_unknown_role_on_update_changes_nothing(admin, agent):
    before = _state()
    with pytest.raises(ValidationError) as err:
        services.user_update(actor=admin, user=agent, display_name="x", roles=["ghost"])
    assert "roles" in err.value.fields
    assert _state() == before
    assert set(User.objects.get(pk=agent.pk).role_codes) == {"customer_service"}


def test_admin_cannot_lock_themselves_out(admin):
    with pytest.raises(ValidationError):
        services.user_update(actor=admin, user=admin, display_name="x",
                             roles=[Role.CUSTOMER_SERVICE])
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=admin, user=admin)
    assert User.objects.get(pk=admin.pk).role_codes == {"admin"}


def test_an_administrator_cannot_take_over_a_superuser(admin):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    old = User.objects.get(pk=root.pk).password
    with pytest.raises(PermissionDenied):
        services.user_password_reset(actor=admin, user=root, password=GOOD)
    assert User.objects.get(pk=root.pk).password == old


def test_password_reset_validates_and_records_without_the_password(admin, agent):
    with pytest.raises(ValidationError) as err:
        services.user_password_reset(actor=admin, user=agent, password="abc")
    assert "password" in err.value.fields
    assert User.objects.get(pk=agent.pk).check_password(PASSWORD)
    services.user_password_reset(actor=admin, user=agent, password=GOOD)
    assert User.objects.get(pk=agent.pk).check_password(GOOD)
    entry = SettingsChange.objects.get()
    assert entry.action == "password_reset" and entry.changes == {}


def test_deactivated_user_keys_stop_working(admin, agent, client):
    token, key = services.api_token_issue(actor=admin, user=agent, name="erp")
    assert client.get("/api/v1/cases", HTTP_X_API_KEY=key).status_code == 200
    services.user_deactivate(actor=admin, user=agent)
    assert client.get("/api/v1/cases", HTTP_X_API_KEY=key).status_code == 401


def test_api_key_issue_stores_only_the_hash_and_revoke_disables_it(admin, agent, client):
    token, key = services.api_token_issue(actor=admin, user=agent, name="ERP 同步")
    assert token.key_hash == hash_key(key) and key not in str(
        ApiToken.objects.filter(pk=token.pk).values().get())
    services.api_token_revoke(actor=admin, token=token)
    assert client.get("/api/v1/cases", HTTP_X_API_KEY=key).status_code == 401
    with pytest.raises(ValidationError):
        services.api_token_revoke(actor=admin, token=token)
    assert list(SettingsChange.objects.order_by("pk").values_list("action", flat=True)) == [
        "api_key_issue", "api_key_revoke"]


def test_api_key_needs_a_name_and_an_active_user(admin, agent):
    agent.is_active = False
    agent.save()
    before = _state()
    with pytest.raises(ValidationError):
        services.api_token_issue(actor=admin, user=agent, name="x")
    with pytest.raises(ValidationError):
        services.api_token_issue(actor=admin, user=admin, name="  ")
    assert _state() == before


def test_departments_create_and_edit(admin, agent):
    d = services.department_create(actor=admin, code="after_sales_hub", name="售后中心",
                                   supervisor=agent)
    before = _state()
    with pytest.raises(ValidationError) as err:
        services.department_create(actor=admin, code="after_sales_hub", name="重复")
    assert "code" in err.value.fields
    with pytest.raises(ValidationError):
        services.department_create(actor=admin, code="Bad Code", name="x")
    with pytest.raises(ValidationError):
        services.department_update(actor=admin, department=d, name="")
    assert _state() == before
    services.department_update(actor=admin, department=d, name="售后服务中心",
                               supervisor=None, active=False)
    d.refresh_from_db()
    assert (d.name, d.supervisor, d.active) == ("售后服务中心", None, False)
    assert SettingsChange.objects.filter(action="department_update").get().changes == {
        "name": ["售后中心", "售后服务中心"], "supervisor": ["s-agent", ""],
        "active": [True, False]}


def test_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
