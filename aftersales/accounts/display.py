"""How departments and roles read on pages, in the page's language."""

from django.conf import settings
from django.utils import translation

from aftersales.accounts.roles import DepartmentCode, Role


def department_label(department) -> str:
    """A seeded department's name is its label in one of our languages (roles_sync stores
    English, the demo Chinese): show it in the page's language. A department an
    administrator renamed shows its own name."""
    if department is None:
        return ""
    if department.code in DepartmentCode.values:
        label = DepartmentCode(department.code).label
        if department.name == department.code or department.name in _labels(label):
            return str(label)
    return department.name


def _labels(label) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return names


def role_label(code: str | None) -> str:
    if not code:
        return ""
    return str(Role(code).label) if code in Role.values else code
