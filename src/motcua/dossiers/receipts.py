"""Form 01 of Circular 01/2018/TT-VPCP: the receipt and appointment for a submitted dossier.

An online applicant gets it as a PDF right after submitting; its QR code leads to the public
lookup, so whoever holds the paper can follow the dossier without logging in.
"""

from __future__ import annotations

from urllib.parse import urlencode

import qrcode
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from qrcode.image.svg import SvgPathImage
from weasyprint import HTML

from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.dossiers.queries import visible_to_applicant

TEMPLATE = "dossiers/receipt.pdf.html"


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`: vector, so it prints sharp and needs no PIL."""
    return qrcode.make(url, image_factory=SvgPathImage).to_string(encoding="unicode")


def lookup_url(request: HttpRequest, dossier: Dossier) -> str:
    """The absolute address of the dossier's public lookup, for the QR code and the print."""
    path = f"{reverse('dossiers:lookup')}?{urlencode({'code': dossier.code})}"
    return request.build_absolute_uri(path)


def _received_documents(dossier: Dossier) -> QuerySet[Attachment]:
    """The files handed in, in the order the procedure lists its documents."""
    return dossier.attachments.select_related("document").order_by("document__position", "pk")


def receipt_html(dossier: Dossier, lookup_url: str) -> str:
    """The receipt as HTML; kept apart from the PDF so its content can be checked as text."""
    context = {
        "dossier": dossier,
        "documents": _received_documents(dossier),
        "lookup_url": lookup_url,
        # qrcode writes the markup itself; the URL only sets which squares are dark.
        "qr": mark_safe(qr_svg(lookup_url)),
    }
    return render_to_string(TEMPLATE, context)


def receipt_pdf(dossier: Dossier, lookup_url: str) -> bytes:
    """The receipt as an A4 PDF, the form a citizen can print or show at the desk."""
    return HTML(string=receipt_html(dossier, lookup_url)).write_pdf()


@login_required
@require_safe
def download_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's own receipt; a draft has none, since it was never received."""
    dossier = get_object_or_404(
        visible_to_applicant(request.user).exclude(status=Status.DRAFT), code=code
    )
    response = HttpResponse(
        receipt_pdf(dossier, lookup_url(request, dossier)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    return response
