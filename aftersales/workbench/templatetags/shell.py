"""Tags of the staff page shell (base.html): ``{% load shell %}``.

- ``{% staff_menu as groups %}``  the left menu for request.user (see workbench.navigation)
- ``{% url_if "cases:search" as search_url %}``  a URL, or "" when the name doesn't reverse
- ``{{ user|role_label }}``  the user's primary role, translated
- ``{{ user.department|department_label }}``  the department name in the page's language
"""

from django import template

from aftersales.accounts import display
from aftersales.workbench.navigation import menu_for, resolve_url_name

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_menu(context) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return menu_for(user, request.path)


@register.simple_tag
def url_if(url_name: str) -> str:
    return resolve_url_name(url_name) or ""


@register.filter
def role_label(user) -> str:
    return display.role_label(getattr(user, "primary_role", None))


@register.filter
def department_label(department) -> str:
    return display.department_label(department)
