"""Printable documents: HTML rendered to an A4 PDF by WeasyPrint, and the QR codes they carry."""

from __future__ import annotations

import qrcode
from qrcode.image.svg import SvgPathImage
from weasyprint import HTML


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`: vector, so it prints sharp and needs no PIL."""
    return qrcode.make(url, image_factory=SvgPathImage).to_string(encoding="unicode")


def html_to_pdf(html: str) -> bytes:
    """The document's HTML as a PDF; its page size and fonts come from the HTML's own CSS."""
    return HTML(string=html).write_pdf()
