"""What the applicant of a dossier taken in from the national portal does there afterwards,
handed over by the portal: the answer to a supplement request, a withdrawal.

Each step goes through the dossier services as the workflow table's applicant
(`workflow.ON_ANOTHER_PORTAL`), so the rules an applicant of ours meets hold for them too: the
clock goes on from where it stopped, files are checked by their content, a decided dossier is
not withdrawn. Bad input raises IntakeRefused with Vietnamese messages and changes nothing; a
step the portal delivers again once it is done changes nothing either (`created` false).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from rest_framework import serializers

from motcua.dossiers import services, workflow
from motcua.dossiers.models import Dossier, Status
from motcua.integrations.intake import (
    FileSerializer,
    IntakeRefused,
    Taken,
    file_content,
    flatten,
)


class SupplementAnswerSerializer(serializers.Serializer):
    """The applicant's answer to the open supplement request, as the portal hands it over."""

    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    documents = FileSerializer(many=True, required=False, default=list)


class WithdrawalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def answer_supplement(code: str, data) -> Taken:
    """Hand in what the open supplement request asked for; the dossier goes back to where it
    was, its clock on from where it stopped."""
    dossier = _taken_in(code)
    given = _valid(SupplementAnswerSerializer, data)
    if _supplement_answered(dossier):
        return Taken(dossier, created=False)
    errors: list[str] = []
    uploads = [
        SimpleUploadedFile(item["file_name"], content, item.get("content_type") or "")
        for item in given["documents"]
        if (content := file_content(item, errors)) is not None
    ]
    if errors:
        raise IntakeRefused({"documents": errors})
    try:
        services.answer_supplement(dossier, workflow.ON_ANOTHER_PORTAL, uploads, given["note"])
    except workflow.TransitionRefused as refusal:
        if _supplement_answered(Dossier.objects.get(pk=dossier.pk)):
            return Taken(dossier, created=False)  # delivered twice at once
        raise IntakeRefused({"detail": [refusal.reason]}, 409) from refusal
    except ValidationError as error:
        raise IntakeRefused({"detail": error.messages}) from error
    return Taken(Dossier.objects.get(pk=dossier.pk), created=True)


def withdraw(code: str, data) -> Taken:
    """The applicant withdraws the dossier before it is decided."""
    dossier = _taken_in(code)
    given = _valid(WithdrawalSerializer, data)
    if dossier.status == Status.WITHDRAWN:
        return Taken(dossier, created=False)
    try:
        dossier = services.withdraw(dossier, workflow.ON_ANOTHER_PORTAL, given["reason"])
    except workflow.TransitionRefused as refusal:
        raise IntakeRefused({"detail": [refusal.reason]}, 409) from refusal
    return Taken(dossier, created=True)


def _taken_in(code: str) -> Dossier:
    """The dossier of this national code that we took in from the portal (404 otherwise:
    the portal speaks for no applicant of ours)."""
    dossier = Dossier.objects.filter(code=code, national_intake__isnull=False).first()
    if dossier is None:
        unknown = _("No dossier taken in from the portal has this code.")
        raise IntakeRefused({"detail": [unknown]}, 404)
    return dossier


def _valid(serializer_class: type[serializers.Serializer], data) -> dict:
    shape = serializer_class(data=data)
    if not shape.is_valid():
        raise IntakeRefused(flatten(shape.errors))
    return shape.validated_data


def _supplement_answered(dossier: Dossier) -> bool:
    """Not waiting for a supplement, its last request answered: a repeated delivery."""
    if dossier.status == Status.SUPPLEMENT:
        return False
    last = dossier.supplements.order_by("requested_at", "pk").last()
    return last is not None and last.answered_at is not None
