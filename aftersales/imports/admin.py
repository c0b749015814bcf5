"""Import runs and changes, read-only, and the upload page "导入数据" (issue 2 item 5)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aftersales.imports.forms import ImportUploadForm
from aftersales.imports.models import ImportChange, ImportRun
from aftersales.imports.services import MAX_ERRORS, import_file


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

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view),
                      name="imports_importrun_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Upload one file and show the summary or the bad rows; the import is all-or-nothing."""
        if not request.user.has_perm("imports.add_importrun"):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                upload = data["file"]
                result = import_file(kind=data["kind"], source=upload.file,
                                     file_name=upload.name, actor=request.user,
                                     encoding=data["encoding"] or None,
                                     dry_run=data["dry_run"],
                                     create_categories=data["create_categories"])
        else:
            form = ImportUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import data"),
            "form": form,
            "result": result,
            "max_errors": MAX_ERRORS,
        }
        status = 422 if result is not None and not result.ok else 200
        return TemplateResponse(request, "imports/admin/upload.html", context, status=status)


@admin.register(ImportChange)
class ImportChangeAdmin(ReadOnlyAdmin):
    list_display = ("run", "entity", "key")
    list_filter = ("entity",)
    search_fields = ("key",)
    list_select_related = ("run",)
    readonly_fields = ("run", "entity", "key", "before", "after")
