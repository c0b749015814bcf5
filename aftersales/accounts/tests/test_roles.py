from django.contrib.auth.models import Group

from aftersales.accounts.models import Department
from aftersales.accounts.roles import DepartmentCode, Role
from aftersales.accounts.services import roles_sync


def test_every_role_and_department_exists_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert set(Department.objects.values_list("code", flat=True)) >= set(DepartmentCode.values)


def test_customer_service_may_edit_customers_but_not_delete_orders(db):
    group = Group.objects.get(name=Role.CUSTOMER_SERVICE)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_customer", "change_customer", "view_order"} <= codenames
    assert "delete_order" not in codenames
    assert "change_order" not in codenames


def test_roles_sync_is_idempotent(db):
    before = Group.objects.get(name=Role.FINANCE).permissions.count()
    roles_sync()
    roles_sync()
    assert Group.objects.filter(name=Role.FINANCE).count() == 1
    assert Group.objects.get(name=Role.FINANCE).permissions.count() == before
