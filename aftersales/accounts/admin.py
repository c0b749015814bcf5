"""Admin for users and departments (X4); the site's titles, translated."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.display import department_label, role_label
from aftersales.accounts.models import ApiToken, Department, User, hash_key, new_key
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


class ApiTokenAddForm(forms.ModelForm):
    """Only who and what for: the key itself is generated on save and shown once."""

    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "active", "created_at", "last_used_at")
    list_filter = ("active",)
    readonly_fields = ("user", "key_hash", "prefix", "created_at", "last_used_at")
    fields = ("user", "name", "active", "prefix", "key_hash", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "prefix")
    raw_id_fields = ("user",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
            kwargs["fields"] = ApiTokenAddForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else ApiTokenAddForm.Meta.fields

    def save_model(self, request, obj, form, change):
        if not change:
            key = new_key()
            obj.key_hash, obj.prefix = hash_key(key), key[:8]
            obj._clear_key = key  # shown by response_add, never stored
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The page that shows the new key, once: only its hash is kept."""
        return TemplateResponse(request, "admin/accounts/apitoken/issued.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "token": obj,
            "key": obj._clear_key, "title": _("API key created")})
