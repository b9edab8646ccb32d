"""Form 01 of Circular 01/2018/TT-VPCP: the receipt and appointment for a submitted dossier.

An online applicant gets it as a PDF right after submitting; its QR code leads to the public
lookup, so whoever holds the paper can follow the dossier without logging in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from motcua.core.calendar import received_on
from motcua.core.pdf import html_to_pdf, qr_svg
from motcua.dossiers.models import Attachment, Channel, Dossier

TEMPLATE = "dossiers/receipt.pdf.html"


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
        # Submitted online after hours or on a day off: received on the next working day.
        "received_on": received_on(dossier.submitted_at, online=dossier.channel == Channel.ONLINE),
        "lookup_url": lookup_url,
        # qrcode writes the markup itself; the URL only sets which squares are dark.
        "qr": mark_safe(qr_svg(lookup_url)),
    }
    return render_to_string(TEMPLATE, context)


def receipt_pdf(dossier: Dossier, lookup_url: str) -> bytes:
    """The receipt as an A4 PDF, the form a citizen can print or show at the desk."""
    return html_to_pdf(receipt_html(dossier, lookup_url))
