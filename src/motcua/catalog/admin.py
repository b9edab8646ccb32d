from functools import partial

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import national_admin
from motcua.catalog.importexport import ImportFailed, export_file, import_records, read_file
from motcua.catalog.models import (
    Fee,
    Procedure,
    ProcedureTier,
    RequiredDocument,
    ResultTemplate,
    Sector,
    WorkflowStep,
    check_shares,
)
from motcua.catalog.result_admin import ResultTemplateAdmin


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Catalog file (.json or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
    )


class TierInline(admin.TabularInline):
    model = ProcedureTier
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class WorkflowStepFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        check_shares(data.get("share") or 0 for data in kept)


class WorkflowStepInline(admin.TabularInline):
    """The procedure's time plan, edited with the procedure."""

    model = WorkflowStep
    formset = WorkflowStepFormSet
    extra = 0
    autocomplete_fields = ("consulted_agency",)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "sector",
        "level",
        "online_mode",
        "processing_days",
        "published",
    )
    list_filter = ("level", "online_mode", "published", "tier_links__tier", "sector")
    search_fields = ("code", "name", "search_text")
    autocomplete_fields = ("sector", "agencies", "receiving_points")
    list_select_related = ("sector",)
    inlines = (TierInline, FeeInline, DocumentInline, WorkflowStepInline)
    actions = ("export_json", "export_xlsx")
    change_list_template = "admin/catalog/procedure/change_list.html"

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_procedure_import",
            ),
            path(
                "national-sync/",
                self.admin_site.admin_view(partial(national_admin.sync_view, self)),
                name="catalog_procedure_national_sync",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return redirect("admin:catalog_procedure_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_records(read_file(upload.name, upload.read()))
            except ImportFailed as failure:
                errors = failure.errors
            else:
                self.message_user(
                    request,
                    _("%(created)s procedure(s) created, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return redirect("admin:catalog_procedure_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import procedures"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/catalog/procedure/import.html", context)

    @admin.action(description=gettext_lazy("Export selected procedures as JSON"))
    def export_json(self, request, queryset):
        return self._export(queryset, "thu-tuc.json", "application/json")

    @admin.action(description=gettext_lazy("Export selected procedures as Excel"))
    def export_xlsx(self, request, queryset):
        return self._export(
            queryset,
            "thu-tuc.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def _export(self, queryset, filename: str, content_type: str) -> HttpResponse:
        response = HttpResponse(export_file(filename, queryset), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


admin.site.register(ResultTemplate, ResultTemplateAdmin)
