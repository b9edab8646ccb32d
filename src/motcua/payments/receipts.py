"""The e-receipt (biên lai điện tử) of a paid payment, as a PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from motcua.catalog.fees import FeeLine, fee_lines
from motcua.core.pdf import html_to_pdf, qr_svg
from motcua.payments import providers
from motcua.payments.models import Payment

TEMPLATE = "payments/receipt.pdf.html"
DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ")


def _hundreds(number: int, inner: bool) -> list[str]:
    """Words of 0–999; `inner` groups (after a larger one) say their zeros: không trăm linh."""
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    words = [DIGITS[hundreds], "trăm"] if hundreds or inner else []
    if tens == 0 and ones and words:
        words.append("linh")
    elif tens == 1:
        words.append("mười")
    elif tens > 1:
        words += [DIGITS[tens], "mươi"]
    if ones == 1 and tens > 1:
        words.append("mốt")
    elif ones == 5 and tens > 0:
        words.append("lăm")
    elif ones:
        words.append(DIGITS[ones])
    return words


def amount_in_words(amount: int) -> str:
    """An amount in VND written in Vietnamese words, as a receipt states it.

    >>> amount_in_words(1_250_000)
    'Một triệu hai trăm năm mươi nghìn đồng'
    >>> amount_in_words(205_015)
    'Hai trăm linh năm nghìn không trăm mười lăm đồng'
    """
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    words: list[str] = []
    for scale in reversed(range(len(groups))):
        if groups[scale]:
            words += _hundreds(groups[scale], inner=bool(words))
            words += [SCALES[scale]] if SCALES[scale] else []
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} đồng"


def receipt_lines(payment: Payment) -> list[FeeLine]:
    """The fee lines paid; one line for the whole when the catalog changed since."""
    dossier = payment.dossier
    lines = [line for line in fee_lines(dossier.procedure, dossier.form_data) if line.amount]
    if sum(line.amount for line in lines) == payment.amount:
        return lines
    return [FeeLine("", dossier.procedure.name, payment.amount, 1, "")]


def provider_label(key: str) -> str:
    try:
        return providers.get(key).label
    except providers.UnknownProvider:
        return key


def receipt_html(payment: Payment, lookup_url: str) -> str:
    context = {
        "payment": payment,
        "dossier": payment.dossier,
        "lines": receipt_lines(payment),
        "in_words": amount_in_words(payment.amount),
        "gateway": provider_label(payment.provider),
        "lookup_url": lookup_url,
        # qrcode writes the markup itself; the URL only sets which squares are dark.
        "qr": mark_safe(qr_svg(lookup_url)),
    }
    return render_to_string(TEMPLATE, context)


def receipt_pdf(payment: Payment, lookup_url: str) -> bytes:
    return html_to_pdf(receipt_html(payment, lookup_url))
