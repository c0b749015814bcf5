"""Reads of the settings pages: users found by name, departments, API keys, the audit trail,
and what each role may do (roles.py)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from aftersales.accounts.models import ApiToken, Department, SettingsChange, User
from aftersales.accounts.roles import (
    CUSTOMER_FACING_ROLES,
    ROLE_DEPARTMENT,
    ROLE_MODEL_PERMISSIONS,
    SUPERVISOR_ROLES,
    DepartmentCode,
    Role,
)


def users_search(*, query: str = "", department: str = "", role: str = "",
                 active: str = "") -> QuerySet[User]:
    """Users whose username, name, phone or e-mail contains ``query``; filtered by department
    id, role code and active ("1"/"0"); by username, with departments and roles joined."""
    qs = User.objects.select_related("department", "dealer", "factory").prefetch_related(
        Prefetch("groups"))
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(display_name__icontains=query)
                       | Q(first_name__icontains=query) | Q(last_name__icontains=query)
                       | Q(phone__icontains=query) | Q(email__icontains=query))
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    if role:
        qs = qs.filter(groups__name=role)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("username")


def departments_list() -> QuerySet[Department]:
    return (Department.objects.select_related("supervisor")
            .annotate(members_count=Count("members", filter=Q(members__is_active=True)))
            .order_by("code"))


def api_tokens_list() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user").order_by("-active", "-created_at", "-pk")


def settings_changes(*, limit: int | None = None) -> QuerySet[SettingsChange]:
    qs = SettingsChange.objects.select_related("actor").order_by("-at", "-pk")
    return qs[:limit] if limit else qs


def _permissions_text(role: str) -> list[tuple[str, str, str]]:
    return list(ROLE_MODEL_PERMISSIONS.get(role, []))


def roles_overview() -> list[dict]:
    """Each role: code, label, usual department, supervisor (breaches escalate to it),
    customer-facing (may reveal contact data), the reference data it may read or edit, and
    how many active users hold it."""
    counts = dict(User.objects.filter(is_active=True, groups__name__in=Role.values)
                  .values_list("groups__name").annotate(n=Count("pk")).order_by())
    rows = []
    for role in Role:
        dept = ROLE_DEPARTMENT.get(role)
        rows.append({
            "code": role.value, "label": role.label,
            "department": DepartmentCode(dept).label if dept else "",
            "supervisor": role in SUPERVISOR_ROLES,
            "customer_facing": role in CUSTOMER_FACING_ROLES,
            "admin": role == Role.ADMIN,
            "permissions": _permissions_text(role),
            "users": counts.get(role.value, 0),
        })
    return rows
