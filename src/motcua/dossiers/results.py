"""A dossier's result (licence, certificate, decision) as a signed PDF that anyone can check.

The leader's approval issues it: the PDF carries a PAdES signature made with the installation's
certificate, so any PDF reader shows whether it was changed since, and a QR code to a public
page that confirms the document exists (its number and the hash of the signed file) without
showing anyone's personal data.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko import stamp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers

from motcua.catalog import result_templates
from motcua.catalog.result_templates import Issue
from motcua.core import audit
from motcua.core.pdf import html_to_pdf
from motcua.dossiers.codes import next_result_number
from motcua.dossiers.models import Dossier, ResultDocument
from motcua.dossiers.reads import chain_of
from motcua.dossiers.uploads import check_upload

SIGNATURE_FIELD = "ResultSignature"
# Where the visible stamp goes on a result prepared outside: left, bottom, right, top in points.
STAMP_BOX = (40, 20, 320, 80)
T = TypeVar("T")


def verification_url(code: str) -> str:
    """The absolute address of the public verification page, printed and put in the QR code."""
    return settings.PUBLIC_URL + reverse("dossiers:verify", kwargs={"code": code})


def _issue(dossier: Dossier, number: str, url: str, signed_by: str = "") -> Issue:
    """The result's letterhead: issued by the deciding agency on the day it is signed."""
    return Issue(
        agency=dossier.decider or dossier.agency,
        number=number,
        day=timezone.localdate(),
        applicant=dossier.applicant_name,
        dossier_code=dossier.code,
        signer=signed_by,
        verification_url=url,
    )


def result_html(dossier: Dossier, number: str, verification_url: str, signed_by: str = "") -> str:
    """The result as HTML, in the procedure's wording, from the applicant's answers and the
    specialist's findings; the PDF is made from it."""
    issue = _issue(dossier, number, verification_url, signed_by)
    answers = {**dossier.form_data, **dossier.findings}
    return result_templates.result_html(dossier.procedure, answers, issue)


def result_pdf(dossier: Dossier, number: str, verification_url: str, signed_by: str = "") -> bytes:
    """The unsigned result as an A4 PDF."""
    return html_to_pdf(result_html(dossier, number, verification_url, signed_by))


def _signer() -> signers.SimpleSigner:
    """The configured certificate and key; refusing to sign beats issuing an unsigned result."""
    passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() or None
    signer = signers.SimpleSigner.load(
        settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE, key_passphrase=passphrase
    )
    if signer is None:
        raise ImproperlyConfigured(
            f"Cannot load the signing certificate {settings.SIGNING_CERT_FILE} and key "
            f"{settings.SIGNING_KEY_FILE}: set SIGNING_* or run manage.py make_demo_certificate"
        )
    return signer


def sign_pdf(pdf_bytes: bytes, signer_name: str) -> bytes:
    """Sign the whole PDF (PAdES baseline B, SHA-256) in an invisible signature field."""
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    signer = _signer()
    return off_loop(lambda: signers.sign_pdf(writer, meta, signer=signer).getvalue())


def off_loop(call: Callable[[], T]) -> T:
    """Run `call` where asyncio.run works: pyHanko's synchronous API uses it, which refuses to
    start in a thread with a running event loop (an async caller, Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def check_result_file(upload: UploadedFile) -> None:
    """A result prepared outside (a scanned licence, a decision) must be a PDF, by content, that
    can be signed: checked before the approval is recorded, so a bad file changes nothing."""
    if check_upload(upload) != "application/pdf":
        raise ValidationError(_("The result file must be a PDF."), code="file_type")
    upload.seek(0)
    _open_for_stamp(upload.read())
    upload.seek(0)


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The result file is a damaged or incomplete PDF; export it again and retry."),
        code="file_damaged",
    )


def _open_for_stamp(pdf_bytes: bytes) -> IncrementalPdfFileWriter:
    """The PDF opened for an incremental update, with the empty field the stamp goes into."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
        if writer.prev.encrypted:
            raise ValidationError(
                _("The result file is protected by a password; upload it without one."),
                code="file_encrypted",
            )
        fields.append_signature_field(
            writer, fields.SigFieldSpec(SIGNATURE_FIELD, box=STAMP_BOX, on_page=-1)
        )
    except PdfError as error:
        raise _unreadable() from error
    return writer


def sign_uploaded(pdf_bytes: bytes, signer_name: str, url: str) -> bytes:
    """Sign a result prepared outside, with a visible stamp whose QR code leads to `url`.

    The stamp sits in the bottom margin of the last page, where an A4 decision leaves room.
    """
    writer = _open_for_stamp(pdf_bytes)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
    )
    style = stamp.QRStampStyle(stamp_text="%(signer)s\n%(ts)s\n%(url)s")
    pdf_signer = signers.PdfSigner(meta, signer=_signer(), stamp_style=style)
    try:
        return off_loop(
            lambda: pdf_signer.sign_pdf(writer, appearance_text_params={"url": url}).getvalue()
        )
    except PdfError as error:
        raise _unreadable() from error


def register_number(dossier: Dossier) -> tuple[str, str]:
    """The result's number in its agency's register of the year for its kind (the wording's
    symbol), taken in the caller's transaction: the number printed after "Số:", and the full
    reference with the symbol ("125/ĐKKH") that the pages and the national portal show."""
    symbol = result_templates.wording_for(dossier.procedure).symbol
    agency = dossier.decider or dossier.agency
    number = str(next_result_number(agency, timezone.localdate().year, symbol))
    return number, f"{number}/{symbol}" if symbol else number


def issue_result(dossier: Dossier, leader, upload: UploadedFile | None = None) -> ResultDocument:
    """Number, sign and store the dossier's result, and log the signing; one per dossier.

    The result is the file the leader approved with, or else the procedure's template.
    """
    code = secrets.token_urlsafe(24)
    number, reference = register_number(dossier)
    signer_name = leader.full_name or leader.get_username()
    if upload is not None:
        upload.seek(0)
        signed = sign_uploaded(upload.read(), signer_name, verification_url(code))
    else:
        pdf = result_pdf(dossier, number, verification_url(code), signer_name)
        signed = sign_pdf(pdf, signer_name)
    document = ResultDocument(
        dossier=dossier,
        title=dossier.procedure.result_type or dossier.procedure.name,
        number=reference,
        signed_at=timezone.now(),
        signed_by=leader,
        verification_code=code,
        sha256=hashlib.sha256(signed).hexdigest(),
    )
    document.file.save(f"ket-qua-{dossier.code}.pdf", ContentFile(signed), save=False)
    document.save()
    audit.log(
        "result.sign",
        dossier.code,
        leader,
        chain=chain_of(dossier),
        number=reference,
        sha256=document.sha256,
    )
    return document


def download(document: ResultDocument, actor, audience: str) -> FileResponse:
    """Serve the signed file as a download (kept by the person, not only viewed) and note who
    took it."""
    dossier = document.dossier
    audit.log("result.download", dossier.code, actor, chain=chain_of(dossier), audience=audience)
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"ket-qua-{document.dossier.code}.pdf",
    )
