"""Accounts actions: keeping departments and role groups in step with the code."""

from django.apps import apps as global_apps
from django.db import transaction

from aftersales.accounts.roles import ROLE_MODEL_PERMISSIONS, DepartmentCode, Role


@transaction.atomic
def roles_sync(*, apps=global_apps) -> None:
    """Create every department and role group, and give each role its admin permissions.

    Idempotent: run after every migrate, so a fresh or upgraded database has the full set.
    """
    Department = apps.get_model("accounts", "Department")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    for code, label in DepartmentCode.choices:
        Department.objects.get_or_create(code=code, defaults={"name": str(label)})

    all_perms = list(Permission.objects.select_related("content_type"))
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = set()
        for app_label, model, actions in ROLE_MODEL_PERMISSIONS.get(role, []):
            verbs = {"add", "change", "delete", "view"} if actions == "*" else set(
                actions.split(","))
            for perm in all_perms:
                ct = perm.content_type
                if app_label != "*" and ct.app_label != app_label:
                    continue
                if app_label == "*" and ct.app_label in ("sessions", "contenttypes"):
                    continue
                if model != "*" and ct.model != model:
                    continue
                verb = perm.codename.split("_", 1)[0]
                if verb in verbs:
                    wanted.add(perm.pk)
        current = set(group.permissions.values_list("pk", flat=True))
        if current != wanted:
            group.permissions.set(wanted)
