"""Downloading a dossier's papers as PDFs (the official forms, the signed result), for officials
only."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from motcua.accounts.models import AccountKind
from motcua.backoffice import paperwork
from motcua.backoffice.models import Apology
from motcua.core import audit
from motcua.dossiers import reads, results
from motcua.dossiers.models import ResultDocument
from motcua.dossiers.queries import readable_by_official
from motcua.dossiers.receipts import lookup_url

# A register longer than a year is a report, not a sheet to print.
LONGEST_REGISTER = datetime.timedelta(days=366)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _apology_facts(dossier) -> dict:
    """The drafted apology's reason, the date it replaces and the new one, printed on form 04
    when there is one: once signed, the dossier's own date is the new one."""
    letter = Apology.objects.filter(dossier=dossier).first()
    if letter is None:
        return {}
    return {
        "reason": letter.reason,
        "original_date": letter.original_due_date,
        "new_date": letter.new_due_date,
    }


def _refused(message: str, status: int) -> HttpResponse:
    """A plain-text answer: the message is the whole point, for a browser or a script."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@login_required
@require_safe
def download_form(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """One form of a dossier the official may read; any other dossier does not exist for them."""
    dossier = get_object_or_404(readable_by_official(request.user), code=code)
    try:
        content = paperwork.render_form(
            kind, dossier, lookup_url=lookup_url(request, dossier), **_apology_facts(dossier)
        )
    except paperwork.FormUnavailable as refusal:
        return _refused(str(refusal), 404)
    # The forms carry the applicant's personal data, as the dossier page does.
    reads.log_read(request.user, dossier, "dossier.form", kind=kind)
    return _pdf(content, f"{kind.replace('_', '-')}-{dossier.code}.pdf")


def _period(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    """The register's period from ?from=&to=, both included; ValueError when it is not one."""
    start = datetime.date.fromisoformat(request.GET.get("from", ""))
    end = datetime.date.fromisoformat(request.GET.get("to", ""))
    if end < start or end - start > LONGEST_REGISTER:
        raise ValueError
    return start, end


@login_required
@require_safe
def download_register(request: HttpRequest) -> HttpResponse:
    """The register of the official's own agency for a period of at most a year."""
    user = request.user
    if user.kind != AccountKind.OFFICIAL or user.agency_id is None:
        raise PermissionDenied
    try:
        start, end = _period(request)
    except ValueError:
        return HttpResponseBadRequest(
            _(
                "Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD: two real dates, the first "
                "not after the second, at most one year apart."
            ),
            content_type="text/plain; charset=utf-8",
        )
    try:
        paperwork.check_register_size(user.agency, start, end)
    except paperwork.RegisterTooLong as refusal:
        return _refused(str(refusal), 400)
    code = user.agency.code
    audit.log("dossier.register", code, user, chain=code, start=str(start), end=str(end))
    content = paperwork.render_register(user.agency, start, end)
    return _pdf(content, f"so-theo-doi-{user.agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


@login_required
@require_safe
def download_result(request: HttpRequest, code: str) -> FileResponse:
    """The signed result, for the officials who may read the dossier."""
    dossier = get_object_or_404(readable_by_official(request.user), code=code)
    document = get_object_or_404(ResultDocument, dossier=dossier)
    return results.download(document, request.user, "official")
