"""The settings home, the roles, the business lines and the audit trail (read-only)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from aftersales.accounts import selectors as accounts
from aftersales.administration import selectors
from aftersales.administration.access import admin_required


@admin_required
def index(request):
    return render(request, "administration/index.html", {
        "users_active": accounts.users_search(active="1").count(),
        "users_inactive": accounts.users_search(active="0").count(),
        "departments": accounts.departments_list().count(),
        "keys_active": accounts.api_tokens_list().filter(active=True).count(),
        "outbox_failed": selectors.outbox_failures(),
        "recent": accounts.settings_changes(limit=10),
    })


@admin_required
def roles(request):
    return render(request, "administration/roles.html", {"roles": accounts.roles_overview()})


@admin_required
def business_lines(request):
    return render(request, "administration/business_lines.html",
                  {"lines": selectors.business_lines()})


@admin_required
def audit(request):
    page = Paginator(accounts.settings_changes(), 50).get_page(request.GET.get("page"))
    return render(request, "administration/audit.html", {"page_obj": page})
