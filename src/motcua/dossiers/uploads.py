"""Checking uploaded files by what they contain, not by what they are called."""

from __future__ import annotations

import uuid

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
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


def stored_name(attachment, filename: str) -> str:
    """Where an attachment is stored: a random name with the extension of the type its content
    has, never the uploader's name (`shell.php.png`), which is kept as `original_name` only."""
    kind = attachment.content_type or content_type(attachment.file)
    extension = EXTENSIONS.get(kind, "bin")
    return f"dossiers/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}.{extension}"
