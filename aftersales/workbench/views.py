"""Home page per role (UX.md "Staff pages"): what this user has to do, and where to start."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.template.response import TemplateResponse

from aftersales.accounts.roles import Role
from aftersales.core import panels
from aftersales.workbench.navigation import shortcuts_for
from aftersales.workbench.queue import QUEUE_TEMPLATES, queue_for


@login_required
def home(request: HttpRequest) -> TemplateResponse:
    user = request.user
    role = user.primary_role
    if role is None:
        return TemplateResponse(request, "workbench/no_role.html", {})
    context = {
        "role": role,
        "role_label": Role(role).label,
        "company": user.dealer or user.factory,
        "shortcuts": shortcuts_for(user, role),
        "queue": queue_for(user),
        "queue_templates": QUEUE_TEMPLATES,
        # Each execution app's queue with its figures: warehouse receipts, inspections,
        # refunds to approve, differences to collect (aftersales.core.panels, slot "home").
        "panels": panels.render_for("home", request=request, user=user, role=role),
    }
    # A role may have its own page (workbench/home_<role>.html extending home.html).
    templates = [f"workbench/home_{role}.html", "workbench/home.html"]
    if request.htmx:
        templates = ["workbench/home.html#queue"]  # refresh of the queue only
    return TemplateResponse(request, templates, context)
