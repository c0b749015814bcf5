"""Django's admin site, reachable by superusers only: every other account (the administrator
role, a staff member with model permissions) uses the product's own pages, /settings/ for the
settings. A signed-in non-superuser is sent to the admin's login page, as Django does for
anyone without permission. Installed as ``SuperuserAdminConfig`` in INSTALLED_APPS."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)


class SuperuserAdminConfig(AdminConfig):
    default_site = "aftersales.administration.site.SuperuserAdminSite"
