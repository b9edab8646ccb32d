"""Feedback citizens send on the national portal, taken in here (item 6, the other way).

The portal pushes each to `POST /api/v1/national/feedback` with its credential, or holds it for
us to pull (`pull`, every minute, as for dossiers). It is checked
and routed by the feedback app's own form (`FeedbackForm`: a dossier's deciding agency, the
procedure's, or the agency named) and registered by `services.submit` under our code, with its
national code kept: a delivery twice, or two at once, registers it once. Its changes then go
back to the portal through the outbox's feedback stream, like feedback sent here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import serializers

from motcua.dossiers.models import Dossier, Status
from motcua.feedback import services
from motcua.feedback.forms import FeedbackForm
from motcua.feedback.models import Feedback, Subject
from motcua.integrations import portal
from motcua.integrations.intake import (
    CODE,
    IntakeRefused,
    check_submitted_at,
    flatten,
    pull_each,
)


class SenderSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class NationalFeedbackSerializer(serializers.Serializer):
    """A feedback as the national portal hands it over."""

    national_code = serializers.CharField(max_length=48, help_text="Its code on the portal.")
    subject = serializers.ChoiceField(Subject.choices)
    procedure_code = serializers.CharField(required=False, allow_blank=True, default="")
    dossier_code = serializers.CharField(required=False, allow_blank=True, default="")
    agency_code = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The agency (subject agency), or which of the procedure's agencies.",
    )
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=5000)
    sender = SenderSerializer()
    publish_consent = serializers.BooleanField(default=False)
    submitted_at = serializers.DateTimeField()


class FeedbackTakenSerializer(serializers.Serializer):
    feedback_code = serializers.CharField(help_text="Our code, named in every later message.")
    national_code = serializers.CharField()
    agency_code = serializers.CharField(help_text="The agency that handles it.")
    answer_due = serializers.DateField()
    created = serializers.BooleanField(help_text="False when it was taken in before.")


@dataclass(frozen=True)
class Taken:
    feedback: Feedback
    created: bool

    def answer(self) -> dict[str, Any]:
        return {
            "feedback_code": self.feedback.code,
            "national_code": self.feedback.national_code,
            "agency_code": self.feedback.agency.code,
            "answer_due": self.feedback.answer_due,
            "created": self.created,
        }


def take(data: Any) -> Taken:
    """Register one feedback from the national portal, or raise IntakeRefused (Vietnamese
    messages by field); nothing is made when it was taken in before."""
    shape = NationalFeedbackSerializer(data=data)
    if not shape.is_valid():
        raise IntakeRefused(flatten(shape.errors))
    given = shape.validated_data
    code = given["national_code"].strip()
    if not CODE.match(code):
        raise IntakeRefused({"national_code": [_("This is not a feedback code.")]})
    earlier = _earlier(code)
    if earlier is not None:
        return Taken(earlier, created=False)
    received_at = check_submitted_at(given["submitted_at"])
    form = FeedbackForm(AnonymousUser(), _form_data(given), dossiers=_registered())
    if not form.is_valid():
        raise IntakeRefused({name: list(errors) for name, errors in form.errors.items()})
    try:
        feedback, _key = services.submit(
            form.cleaned_data, None, received_at=received_at, national_code=code
        )
    except IntegrityError:
        # The same feedback delivered twice at once: the other delivery registered it.
        earlier = _earlier(code)
        if earlier is None:
            raise
        return Taken(earlier, created=False)
    return Taken(feedback, created=True)


def _earlier(code: str) -> Feedback | None:
    return Feedback.objects.select_related("agency").filter(national_code=code).first()


def _registered():
    """Any registered dossier: the portal signed its citizen in and names theirs."""
    return Dossier.objects.exclude(status=Status.DRAFT).exclude(code=None)


def _form_data(given: dict) -> dict[str, Any]:
    sender = given["sender"]
    return {
        "subject": given["subject"],
        "procedure": given["procedure_code"],
        "dossier": given["dossier_code"],
        "agency": given["agency_code"],
        "title": given["title"],
        "text": given["text"],
        "name": sender["name"],
        "phone": sender["phone"],
        "email": sender["email"],
        "publish_consent": given["publish_consent"],
    }


def pull() -> int:
    """Take in the feedback the portal holds for us and tell it the outcome of each; answers
    how many were registered."""
    adapter = portal.get()
    return pull_each(
        "feedback", adapter.fetch_feedback, take, adapter.acknowledge_feedback, "national_code"
    )
