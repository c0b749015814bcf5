from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from aftersales.portal.models import ApiToken, hash_key, new_key


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
        return TemplateResponse(request, "admin/portal/apitoken/issued.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "token": obj,
            "key": obj._clear_key, "title": _("API key created")})
