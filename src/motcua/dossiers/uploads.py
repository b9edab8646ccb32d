"""Checking uploaded files by what they contain, not by what they are called."""

from __future__ import annotations

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
MEGABYTE = 1024 * 1024


def content_type(upload: UploadedFile) -> str:
    """The type libmagic reads from the file's first bytes."""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    return magic.from_buffer(head, mime=True)


def check_upload(upload: UploadedFile) -> str:
    """The content type of an acceptable upload; a clear ValidationError otherwise."""
    limit = settings.UPLOAD_MAX_FILE_MB
    if upload.size > limit * MEGABYTE:
        raise ValidationError(
            _("%(name)s is %(size).1f MB; each file may be at most %(limit)s MB.")
            % {"name": upload.name, "size": upload.size / MEGABYTE, "limit": limit},
            code="file_too_large",
        )
    kind = content_type(upload)
    if kind not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file (its content is %(kind)s).")
            % {"name": upload.name, "kind": kind},
            code="file_type",
        )
    return kind


def check_total(sizes: list[int]) -> None:
    limit = settings.UPLOAD_MAX_DOSSIER_MB
    if sum(sizes) > limit * MEGABYTE:
        raise ValidationError(
            _("The files of one dossier may add up to at most %(limit)s MB.") % {"limit": limit},
            code="dossier_too_large",
        )
