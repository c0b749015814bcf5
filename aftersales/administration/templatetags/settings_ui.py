"""Template filters of the settings pages: a role code or a department in the page's language."""

from django import template

from aftersales.accounts import display

register = template.Library()


@register.filter
def role_name(code: str) -> str:
    return display.role_label(code)


@register.filter
def department_name(department) -> str:
    return display.department_label(department)
