"""Import runs and changes, read-only. Files are imported on the product's page
/settings/data/imports/ (administration), which the changelist links to."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aftersales.imports.models import ImportChange, ImportRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ImportChangeInline(admin.TabularInline):
    model = ImportChange
    fields = ("entity", "key", "before", "after")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    show_change_link = True


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "kind", "file_name", "status", "rows", "created", "updated",
                    "unchanged", "error_count", "actor")
    list_filter = ("kind", "status", "dry_run")
    search_fields = ("file_name", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "started_at"
    inlines = [ImportChangeInline]
    fields = ("file_name", "kind", "status", "dry_run", "encoding", "actor", "started_at",
              "finished_at", "rows", "created", "updated", "unchanged", "error_table")
    readonly_fields = fields

    @admin.display(description=_("errors"))
    def error_table(self, obj: ImportRun) -> str:
        if not obj.errors:
            return "—"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (e.get("row"), e.get("column"), e.get("message")) for e in obj.errors))
        return format_html("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
                           "<tbody>{}</tbody></table>", _("Row"), _("Column"), _("Reason"), rows)

    @admin.display(description=_("errors"))
    def error_count(self, obj: ImportRun) -> int:
        return len(obj.errors)


@admin.register(ImportChange)
class ImportChangeAdmin(ReadOnlyAdmin):
    list_display = ("run", "entity", "key")
    list_filter = ("entity",)
    search_fields = ("key",)
    list_select_related = ("run",)
    readonly_fields = ("run", "entity", "key", "before", "after")
