"""Tags of the staff page shell (base.html): ``{% load shell %}``.

- ``{% staff_menu as groups %}``  the left menu for request.user (see workbench.navigation)
- ``{% url_if "cases:search" as search_url %}``  a URL, or "" when the name doesn't reverse
- ``{{ user|role_label }}``  the user's primary role, translated
- ``{{ user.department|department_label }}``  the department name in the page's language
- ``{% sort_th "due_at" _("Due") %}``  a sortable table header: ``?sort=due_at`` / ``-due_at``,
  keeps the other filters, drops ``page``, marks ``aria-sort``
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

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


@register.simple_tag(takes_context=True)
def sort_th(context, field: str, label: str, param: str = "sort"):
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    current = query.get(param, "") if query is not None else ""
    ascending = current == field
    descending = current == f"-{field}"
    if query is None:
        return format_html('<th scope="col">{}</th>', label)
    query[param] = f"-{field}" if ascending else field
    query.pop("page", None)
    aria = "ascending" if ascending else "descending" if descending else "none"
    arrow = " ▲" if ascending else " ▼" if descending else ""
    hint = _("Sort descending") if ascending else _("Sort ascending")
    return format_html('<th scope="col" aria-sort="{}"><a href="?{}" title="{}">{}{}</a></th>',
                       aria, query.urlencode(), hint, label, arrow)
