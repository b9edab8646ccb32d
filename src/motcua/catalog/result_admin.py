"""Editing a procedure's result wording in the admin, with the placeholders it may use and a
preview filled with sample answers."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.agencies.models import Agency, Kind
from motcua.catalog import result_templates, sandbox
from motcua.catalog.models import ResultTemplate
from motcua.catalog.result_templates import Issue

SAMPLE_APPLICANT = "Nguyễn Văn An"
SAMPLE_SIGNER = "Trần Thị Bình"


class ResultTemplateAdmin(admin.ModelAdmin):
    list_display = ("procedure", "document_type", "updated_at")
    search_fields = ("procedure__code", "procedure__name", "document_type")
    autocomplete_fields = ("procedure",)
    list_select_related = ("procedure",)
    readonly_fields = ("placeholders", "preview")
    fields = (
        "procedure",
        "document_type",
        "symbol",
        "title",
        "placeholders",
        "body",
        "recipients",
        "signer_position",
        "preview",
    )

    @admin.display(description=gettext_lazy("placeholders"))
    def placeholders(self, template: ResultTemplate) -> str:
        if template.procedure_id is None:
            return _("Save once with the procedure chosen to see its placeholders.")
        names = result_templates.placeholders(template.procedure)
        rows = format_html_join("", "<li><code>{{{{ {} }}}}</code>: {}</li>", sorted(names.items()))
        filters = ", ".join(sandbox.ALLOWED_FILTERS)
        return format_html(
            "<ul>{}</ul><p>{}</p>", rows, _("Filters: %(names)s.") % {"names": filters}
        )

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, template: ResultTemplate) -> str:
        if template.pk is None:
            return _("Save to preview.")
        url = reverse("admin:catalog_resulttemplate_preview", args=[template.pk])
        return format_html(
            '<a href="{}" target="_blank">PDF</a> · <a href="{}?html=1" target="_blank">HTML</a>',
            url,
            url,
        )

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="catalog_resulttemplate_preview",
            )
        ]
        return extra + super().get_urls()

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The wording as it would be issued, with sample answers to the procedure's form."""
        template = get_object_or_404(ResultTemplate.objects.select_related("procedure"), pk=pk)
        if not self.has_view_permission(request, template):
            raise Http404
        procedure = template.procedure
        answers = result_templates.sample_answers(procedure)
        issue = _sample_issue(procedure)
        if request.GET.get("html"):
            return HttpResponse(result_templates.result_html(procedure, answers, issue))
        response = HttpResponse(
            result_templates.result_pdf(procedure, answers, issue), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="xem-truoc-{procedure.code}.pdf"'
        return response


def _sample_issue(procedure) -> Issue:
    """A letterhead for a preview: the procedure's first deciding agency, number left blank."""
    agency = procedure.agencies.order_by("path").first() or Agency(
        name=_("Issuing agency"), kind=Kind.DEPARTMENT
    )
    today = timezone.localdate()
    return Issue(
        agency=agency,
        number="……",
        day=today,
        applicant=SAMPLE_APPLICANT,
        dossier_code=f"{agency.code or '000.00.00.H57'}-{today:%y%m%d}-0001",
        signer=SAMPLE_SIGNER,
    )
