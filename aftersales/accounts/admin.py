"""Admin for users and departments (X4); the site's titles, translated."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.display import department_label, role_label
from aftersales.accounts.models import Department, User
from aftersales.accounts.roles import Role

admin.site.site_header = _("Aftersales administration")
admin.site.site_title = _("Aftersales administration")
admin.site.index_title = _("Reference data and settings")


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(groups__name=self.value())
        return queryset


class DepartmentFilter(admin.SimpleListFilter):
    title = _("department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        return [(d.pk, department_label(d)) for d in Department.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(department_id=self.value())
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email",
                                         "phone")}),
        (_("Organisation"), {
            "fields": ("department", "groups", "dealer", "factory"),
            "description": _("Roles are the groups. Dealer and outsourced-factory staff see "
                             "only their own company's cases."),
        }),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": (
            "username", "display_name", "department", "groups", "dealer", "factory",
            "password1", "password2")}),
    )
    list_display = ("username", "display_name", "department_name", "roles", "company",
                    "is_active")
    list_filter = (DepartmentFilter, RoleFilter, "is_active", "is_staff")
    search_fields = ("username", "display_name", "first_name", "last_name", "email", "phone")
    list_select_related = ("department", "dealer", "factory")
    filter_horizontal = ("groups", "user_permissions")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label = _("roles")
            field.label_from_instance = lambda g: f"{role_label(g.name)} ({g.name})"
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("department"), ordering="department__name")
    def department_name(self, obj: User) -> str:
        return department_label(obj.department)

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return "、".join(role_label(g.name) for g in obj.groups.all())

    @admin.display(description=_("company"))
    def company(self, obj: User) -> str:
        return str(obj.dealer or obj.factory or "")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "supervisor", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")
    list_select_related = ("supervisor",)
    raw_id_fields = ("supervisor",)

    @admin.display(description=_("name"), ordering="name")
    def label(self, obj: Department) -> str:
        return department_label(obj)
