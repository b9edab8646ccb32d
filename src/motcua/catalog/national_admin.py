"""The admin page of the national catalog sync: an export in, its differences shown, then applied
on confirmation.

The export waits between the two steps in the media storage under a random name; the
confirmation carries that name and the digest of the plan shown, so what is applied is what
was seen (catalog/national.py refuses a plan that changed meanwhile).
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import national
from motcua.catalog.importexport import ImportFailed

PENDING_DIR = "national-sync"
PENDING_NAME = re.compile(r"^[0-9a-f]{32}\.(json|xlsx)$")


class ExportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("National export (.json or .xlsx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
    )


class ConfirmForm(forms.Form):
    pending = forms.RegexField(regex=PENDING_NAME, widget=forms.HiddenInput)
    digest = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


def sync_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_add_permission(request) or not model_admin.has_change_permission(
        request
    ):
        return redirect("admin:catalog_procedure_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Sync with the national procedure database"),
        "national_url": settings.NATIONAL_CATALOG_URL,
        "form": ExportForm(),
    }
    try:
        if request.method == "POST" and "digest" in request.POST:
            return _confirm(model_admin, request)
        if request.method == "POST":
            context.update(_preview(request))
    except ImportFailed as failure:
        context["errors"] = failure.errors
    return TemplateResponse(request, "admin/catalog/procedure/national_sync.html", context)


def _preview(request: HttpRequest) -> dict:
    form = ExportForm(request.POST, request.FILES)
    upload = form.cleaned_data.get("file") if form.is_valid() else None
    if upload is not None:
        filename, content = upload.name, upload.read()
    elif "fetch" in request.POST and settings.NATIONAL_CATALOG_URL:
        filename, content = "export.json", national.fetch_export(settings.NATIONAL_CATALOG_URL)
    else:
        raise ImportFailed([_("Choose the export file, or fetch it from the national portal.")])
    sync = national.plan(national.read_export(filename, content))
    pending = f"{secrets.token_hex(16)}.{filename.lower().rsplit('.', 1)[-1]}"
    default_storage.save(f"{PENDING_DIR}/{pending}", ContentFile(content))
    confirm = ConfirmForm(initial={"pending": pending, "digest": sync.digest()})
    return {"plan": sync, "confirm": confirm}


def _confirm(model_admin, request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise ImportFailed([_("The confirmation is not valid: show the differences again.")])
    path = f"{PENDING_DIR}/{form.cleaned_data['pending']}"
    if not default_storage.exists(path):
        raise ImportFailed([_("This export was applied or has expired: show it again.")])
    with default_storage.open(path) as stored:
        content = stored.read()
    records = national.read_export(form.cleaned_data["pending"], content)
    result = national.apply(records, form.cleaned_data["digest"], request.user)
    default_storage.delete(path)
    model_admin.message_user(
        request,
        _("%(created)s procedure(s) created, %(updated)s updated, %(withdrawn)s withdrawn.")
        % {"created": result.created, "updated": result.updated, "withdrawn": result.withdrawn},
        messages.SUCCESS,
    )
    return redirect("admin:catalog_procedure_changelist")
