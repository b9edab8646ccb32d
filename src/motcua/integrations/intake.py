"""Dossiers submitted on the national portal, taken in here (pushed to our endpoint or pulled).

A dossier keeps its national code as its code and enters the same workflow as one submitted
on our portal (`services.register_external`): its answers and files are checked by the same
submission form, the applicant's CCCD and phone by the same validators. Bad input raises
IntakeRefused with Vietnamese messages and changes nothing; a dossier delivered twice is found
by its code and nothing new is made.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.core.validators import normalize_phone, validate_cccd, validate_phone
from motcua.dossiers import services
from motcua.dossiers.forms import SubmissionForm
from motcua.dossiers.models import NATIONAL_STATUS, Channel, Dossier
from motcua.integrations import portal
from motcua.integrations.models import ReceivedDossier

log = logging.getLogger(__name__)
# A dossier code as the national portal writes them: the unit's identifier, date and number.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,47}$")
# How far ahead of our clock a submission time may be (clocks drift).
CLOCK_SKEW = datetime.timedelta(minutes=5)


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(max_length=12, help_text="CCCD, 12 digits")
    phone = serializers.CharField(max_length=16, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    identity_verified = serializers.BooleanField(
        default=False, help_text="The applicant's account was verified by VNeID."
    )


class FileSerializer(serializers.Serializer):
    """A file the portal hands over: inline, or as a link to it on the portal."""

    file_name = serializers.CharField(max_length=255)
    content_type = serializers.CharField(max_length=100, required=False, allow_blank=True)
    content_base64 = serializers.CharField(required=False, help_text="The file, inline.")
    url = serializers.URLField(required=False, help_text="Or a link to the file on the portal.")

    def validate(self, attrs: dict) -> dict:
        if ("content_base64" in attrs) == ("url" in attrs):
            raise serializers.ValidationError(_("Give the file either inline or as a link."))
        return attrs


class DocumentSerializer(FileSerializer):
    document = serializers.CharField(
        max_length=500, help_text="The name of the procedure's required document it answers."
    )


class NationalDossierSerializer(serializers.Serializer):
    """A dossier as the national portal hands it over."""

    dossier_code = serializers.CharField(max_length=48, help_text="The national dossier code.")
    procedure_code = serializers.CharField(max_length=64)
    agency_code = serializers.CharField(max_length=32, help_text="The receiving point's code.")
    submitted_at = serializers.DateTimeField()
    applicant = ApplicantSerializer()
    answers = serializers.DictField(required=False, default=dict)
    documents = DocumentSerializer(many=True, required=False, default=list)


class IntakeAnswerSerializer(serializers.Serializer):
    dossier_code = serializers.CharField()
    status = serializers.IntegerField(help_text="The national status (1–10).")
    local_status = serializers.CharField()
    appointment_date = serializers.DateField(allow_null=True)
    created = serializers.BooleanField(help_text="False when the dossier was taken in before.")


class IntakeRefused(Exception):
    """The dossier cannot be taken in; `errors` says why (field → messages), `status` is the
    HTTP status to answer (400 bad input, 409 code taken, 502 the portal's file missing)."""

    def __init__(self, errors: dict[str, list[str]], status: int = 400):
        super().__init__(errors)
        self.errors = errors
        self.status = status


@dataclass(frozen=True)
class Taken:
    dossier: Dossier
    created: bool

    def answer(self) -> dict[str, Any]:
        return {
            "dossier_code": self.dossier.code,
            "status": NATIONAL_STATUS[self.dossier.status],
            "local_status": self.dossier.status,
            "appointment_date": self.dossier.due_date,
            "created": self.created,
        }


def take(data: Any, *, pulled: bool = False) -> Taken:
    """Take in one dossier from the national portal (see the module's docstring)."""
    shape = NationalDossierSerializer(data=data)
    if not shape.is_valid():
        raise IntakeRefused(flatten(shape.errors))
    given = shape.validated_data
    code = given["dossier_code"].strip()
    if not CODE.match(code):
        raise IntakeRefused({"dossier_code": [_("This is not a dossier code.")]})
    earlier = _earlier(code)
    if earlier:
        return Taken(earlier, created=False)
    procedure, agency = _procedure_and_agency(given)
    applicant = _applicant(given["applicant"])
    submitted_at = check_submitted_at(given["submitted_at"])
    uploads = _uploads(procedure, given["documents"])
    answers = _answers(procedure, code, given["answers"], uploads)
    try:
        dossier = _register(
            procedure, agency, applicant, answers, uploads, code, submitted_at, pulled
        )
    except IntegrityError:
        # The same dossier delivered twice at once: the other delivery registered it.
        earlier = _earlier(code)
        if earlier is None:
            raise
        return Taken(earlier, created=False)
    return Taken(dossier, created=True)


def _earlier(code: str) -> Dossier | None:
    """The dossier this code already names: ours from the portal, or a conflict."""
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None:
        return None
    if not ReceivedDossier.objects.filter(dossier=dossier).exists():
        raise IntakeRefused(
            {"dossier_code": [_("A dossier registered here already has this code.")]}, 409
        )
    return dossier


def _procedure_and_agency(given: dict) -> tuple[Procedure, Agency]:
    procedure = Procedure.objects.filter(code=given["procedure_code"]).first()
    agency = Agency.objects.filter(code=given["agency_code"]).first()
    errors = {}
    if procedure is None:
        errors["procedure_code"] = [_("No procedure has this code.")]
    if agency is None:
        errors["agency_code"] = [_("No agency has this code.")]
    if errors:
        raise IntakeRefused(errors)
    return procedure, agency


def _applicant(given: dict) -> dict[str, Any]:
    errors = {}
    try:
        validate_cccd(given["id_number"])
    except ValidationError as error:
        errors["applicant.id_number"] = error.messages
    phone = given.get("phone", "")
    if phone:
        try:
            validate_phone(phone)
            phone = normalize_phone(phone)
        except ValidationError as error:
            errors["applicant.phone"] = error.messages
    if errors:
        raise IntakeRefused(errors)
    return {**given, "phone": phone}


def check_submitted_at(moment: datetime.datetime) -> datetime.datetime:
    if moment > timezone.now() + CLOCK_SKEW:
        raise IntakeRefused({"submitted_at": [_("The submission time is in the future.")]})
    return moment


def _uploads(procedure: Procedure, documents: list[dict]) -> dict[str, SimpleUploadedFile]:
    """Each file under its form field (`document_<id>`), decoded or fetched from the portal."""
    required = {d.name.casefold(): d for d in procedure.documents.all()}
    uploads, errors = {}, []
    for item in documents:
        document = required.get(item["document"].strip().casefold())
        if document is None:
            errors.append(
                _("%(name)s is not a document this procedure asks for.")
                % {"name": item["document"]}
            )
            continue
        content = file_content(item, errors)
        if content is not None:
            uploads[f"document_{document.pk}"] = SimpleUploadedFile(
                item["file_name"], content, item.get("content_type") or ""
            )
    if errors:
        raise IntakeRefused({"documents": errors})
    return uploads


def file_content(item: dict, errors: list[str]) -> bytes | None:
    """A file sent inline (base64) or as a link to the portal; None, with the reason in
    `errors`, when it cannot be read."""
    if "content_base64" in item:
        try:
            return base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            errors.append(_("%(name)s is not valid base64.") % {"name": item["file_name"]})
            return None
    try:
        return portal.get().fetch_file(item["url"])
    except portal.PortalRefused:
        errors.append(
            _("%(name)s: the link is not on the national portal.") % {"name": item["file_name"]}
        )
    except portal.PortalUnavailable as error:
        raise IntakeRefused(
            {
                "documents": [
                    _("The national portal did not give the file %(name)s.")
                    % {"name": item["file_name"]}
                ]
            },
            502,
        ) from error
    return None


def _answers(
    procedure: Procedure, code: str, answers: dict, uploads: dict[str, SimpleUploadedFile]
) -> dict[str, Any]:
    """The answers and files checked by our own submission form (the receiving point is the
    portal's choice, checked when the dossier is registered)."""
    data = {"token": code, **{f"field_{name}": value for name, value in answers.items()}}
    form = SubmissionForm(procedure, data, uploads)
    form.fields.pop("agency", None)
    if not form.is_valid():
        raise IntakeRefused(
            {name.removeprefix("field_"): list(errors) for name, errors in form.errors.items()}
        )
    return form.answers()


@transaction.atomic
def _register(
    procedure: Procedure,
    agency: Agency,
    applicant: dict,
    answers: dict,
    uploads: dict[str, SimpleUploadedFile],
    code: str,
    submitted_at: datetime.datetime,
    pulled: bool,
) -> Dossier:
    dossier = Dossier.objects.create(
        procedure=procedure,
        agency=agency,
        applicant=None,
        applicant_name=applicant["name"],
        applicant_id_number=applicant["id_number"],
        applicant_phone=applicant["phone"],
        applicant_email=applicant.get("email", ""),
        identity_verified=applicant["identity_verified"],
        channel=Channel.ONLINE,
        form_data=answers,
    )
    files = {int(name.removeprefix("document_")): upload for name, upload in uploads.items()}
    try:
        dossier = services.register_external(dossier, code, files, submitted_at)
    except ValidationError as error:
        raise IntakeRefused({"detail": error.messages}) from error
    ReceivedDossier.objects.create(dossier=dossier, pulled=pulled)
    return dossier


def flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as one level: `applicant.id_number` → messages."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for name, inner in errors.items():
            key = f"{prefix}.{name}" if prefix else str(name)
            flat.update(flatten(inner, key))
        return flat
    if isinstance(errors, list) and errors and not isinstance(errors[0], str):
        flat = {}
        for index, inner in enumerate(errors):
            flat.update(flatten(inner, f"{prefix}[{index}]"))
        return flat
    return {prefix or "detail": [str(e) for e in errors]}


def pull() -> int:
    """Take in the dossiers the portal holds for us and tell it the outcome of each; answers
    how many were registered."""
    adapter = portal.get()
    return pull_each(
        "dossiers",
        adapter.fetch_dossiers,
        lambda data: take(data, pulled=True),
        adapter.acknowledge,
        "dossier_code",
    )


def pull_each(
    what: str,
    fetch: Callable[[], list[Any]],
    take_one: Callable[[Any], Any],
    acknowledge: Callable[[str, dict], None],
    code_field: str,
) -> int:
    """Take in each item `fetch` gives (a dossier, a feedback) with `take_one` and tell the
    portal its outcome, accepted with our answer or refused with the reasons; answers how
    many were new. Stops quietly while the portal is unreachable: the next pull goes on."""
    created = 0
    try:
        for data in fetch():
            code = str(data.get(code_field, "")) if isinstance(data, dict) else ""
            try:
                result = take_one(data)
            except IntakeRefused as refused:
                acknowledge(code, {"accepted": False, "errors": refused.errors})
                continue
            created += result.created
            acknowledge(code, {"accepted": True, **_json_ready(result.answer())})
    except (portal.PortalUnavailable, portal.PortalRefused) as error:
        log.warning("national portal: pulling %s failed: %s", what, error)
    return created


def _json_ready(answer: dict[str, Any]) -> dict[str, Any]:
    """Dates as the portal reads them (ISO text)."""
    return json.loads(json.dumps(answer, cls=DjangoJSONEncoder))
