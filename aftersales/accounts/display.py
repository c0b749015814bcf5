"""How departments and roles read on pages, in the page's language."""

from django.utils import translation

from aftersales.accounts.roles import DepartmentCode, Role


def department_label(department) -> str:
    """A seeded department keeps the English label roles_sync stored: show it translated.
    A department an administrator renamed shows its own name."""
    if department is None:
        return ""
    if department.code in DepartmentCode.values:
        label = DepartmentCode(department.code).label
        with translation.override("en"):
            english = str(label)
        if department.name in (english, department.code):
            return str(label)
    return department.name


def role_label(code: str | None) -> str:
    if not code:
        return ""
    return str(Role(code).label) if code in Role.values else code
